use retort::Model;

#[derive(Model)]
struct Price {
    #[model(primary_key)]
    id: i64,
    #[model(scale = 2)]
    amount: String,
    #[model(precision = 4, scale = 6)]
    rate: String,
    #[model(sql_type = "numeric(10, 2)", precision = 10)]
    total: String,
}

fn main() {}
