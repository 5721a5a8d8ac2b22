use retort::Model;

#[derive(Model)]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(skip, column = "cache", index)]
    cache: Vec<u8>,
}

fn main() {}
