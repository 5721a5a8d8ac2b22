use retort::Model;

#[derive(Model)]
struct User {
    #[model(primary_key)]
    id: Option<i64>,
}

#[derive(Model)]
#[model(primary_key(columns("tenant_id", "id")))]
struct Tenanted {
    tenant_id: Option<i32>,
    id: i64,
}

fn main() {}
