use retort::Model;

#[derive(Model)]
#[model(max_length = 10)]
struct User {
    #[model(primary_key, table = "users")]
    id: i64,
    #[model(autoincrement)]
    number: i64,
}

fn main() {}
