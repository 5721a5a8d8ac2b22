use retort::Model;

#[derive(Model)]
#[model(table = users)]
struct User {
    #[model(primary_key = true)]
    id: i64,
    #[model(max_length = "255")]
    email: String,
    #[model(column)]
    name: String,
    #[model(autoincrement = "no")]
    age: i32,
}

fn main() {}
