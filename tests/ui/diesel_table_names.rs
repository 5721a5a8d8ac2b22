use retort::Model;

#[derive(Model)]
#[model(table = "order-lines", diesel_table)]
struct OrderLine {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model)]
#[model(table = "notes", diesel_table)]
struct Note {
    #[model(primary_key)]
    id: i64,
    #[model(column = "body")]
    notes: String,
    #[model(sql_type = "tsvector")]
    title: String,
}

#[derive(Model)]
#[model(table = "plain")]
struct Plain {
    #[model(primary_key)]
    id: i64,
    #[model(diesel_type = "diesel::sql_types::Text")]
    name: String,
}

fn main() {}
