use retort::Model;

#[derive(Model)]
struct Invoice {
    #[model(primary_key, identity(alway, start = "1000", increment = 0))]
    number: i64,
    #[model(identity(start = 5))]
    total: i32,
}

#[derive(Model)]
struct Receipt {
    #[model(primary_key, autoincrement = false, identity(increment = 99999999999999999999))]
    id: i64,
}

#[derive(Model)]
#[model(primary_key(columns("a", "b")))]
struct Pair {
    #[model(identity(always))]
    a: i64,
    b: i64,
}

fn main() {}
