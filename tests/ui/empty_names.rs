use retort::Model;

#[derive(Model)]
#[model(table = "")]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(column = " ")]
    email: String,
}

fn main() {}
