use retort::Model;

#[derive(Model)]
#[model(without_rowid, strict)]
struct Tag {
    #[model(primary_key, autoincrement = true)]
    id: i64,
    name: String,
}

#[derive(Model)]
#[model(without_rowid)]
struct Counter {
    #[model(primary_key, identity(start = 100))]
    id: i64,
}

#[derive(Model)]
#[model(without_rowid = true, strict(on))]
struct Label {
    #[model(primary_key)]
    name: String,
}

fn main() {}
