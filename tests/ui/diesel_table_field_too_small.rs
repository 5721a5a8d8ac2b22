use retort::Model;

// Each attribute chooses a column type the field's type cannot hold.
#[derive(Model)]
#[model(table = "counters", diesel_table)]
struct Counter {
    #[model(primary_key)]
    id: i64,
    #[model(sql_type = "bigint")]
    hits: i32,
    #[model(sql_type = "varchar(20)")]
    name: Option<i64>,
    #[model(precision = 10, scale = 2)]
    price: f64,
}

fn main() {}
