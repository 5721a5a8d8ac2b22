use retort::Model;

#[derive(Model)]
#[model(table = "line_items")]
struct LineItem {
    #[model(primary_key)]
    id: i64,
    price: i64,
    quantity: i32,
    #[model(generated = "price * quantity", virtual, stored)]
    total: i64,
    #[model(generated = "price + 1", default = "0")]
    next_price: i64,
    #[model(virtual)]
    label: String,
    #[model(generated = "quantity * 2", storred)]
    double_quantity: i32,
    #[model(generated = "")]
    nothing: i32,
}

fn main() {}
