use retort::Model;

struct Money {
    cents: i64,
}

#[derive(Model)]
struct Invoice {
    #[model(primary_key)]
    id: i64,
    total: Money,
}

fn main() {}
