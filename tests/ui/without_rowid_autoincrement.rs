use retort::Model;

#[derive(Model)]
#[model(without_rowid, strict)]
struct Tag {
    #[model(primary_key, autoincrement = true)]
    id: i64,
    name: String,
}

#[derive(Model)]
#[model(without_rowid = true, strict(on))]
struct Label {
    #[model(primary_key)]
    name: String,
}

fn main() {}
