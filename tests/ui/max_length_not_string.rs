use retort::Model;

#[derive(Model)]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(max_length = 3)]
    age: i32,
    #[model(max_length = 0)]
    email: String,
}

fn main() {}
