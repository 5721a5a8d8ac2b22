use retort::Model;

#[derive(Model)]
struct Counter {
    #[model(primary_key)]
    id: i64,
    #[model(default = 0)]
    hits: i64,
    #[model(default = true)]
    active: bool,
}

fn main() {}
