use retort::Model;

#[derive(Model)]
#[model(table = "")]
struct Order {
    #[model(max_length = 10)]
    id: i64,
    #[model(references = "customers", on_update = "sometimes")]
    customer_id: i64,
    #[model(default = 1, skip)]
    total: i64,
}

fn main() {}
