use retort::Model;

#[derive(Model)]
#[model(tabel = "users")]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(colum = "mail")]
    email: String,
    #[model(nullable)]
    name: String,
}

fn main() {}
