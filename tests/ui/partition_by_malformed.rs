use retort::Model;

#[derive(Model)]
#[model(table = "events", partition_by = "BY MONTH (created_at)")]
struct Event {
    #[model(primary_key)]
    id: i64,
    created_at: String,
}

#[derive(Model)]
#[model(table = "readings", partition_by = "RANGE (a, lower(b)")]
struct Reading {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model)]
#[model(table = "visits", partition_by = "LIST (region)")]
struct Visit {
    #[model(primary_key)]
    id: i64,
    area: String,
}

fn main() {}
