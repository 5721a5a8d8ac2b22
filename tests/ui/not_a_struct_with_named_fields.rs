use retort::Model;

#[derive(Model)]
struct Point(i64, i64);

#[derive(Model)]
struct Marker;

#[derive(Model)]
enum Status {
    Active,
}

#[derive(Model)]
union Bits {
    int: i64,
    float: f64,
}

fn main() {}
