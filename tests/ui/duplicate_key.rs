use retort::Model;

#[derive(Model)]
#[model(table = "users")]
#[model(table = "people")]
struct User {
    #[model(primary_key, primary_key)]
    id: i64,
    #[model(max_length = 10, max_length = 20)]
    email: String,
}

fn main() {}
