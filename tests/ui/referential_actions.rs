use retort::Model;

#[derive(Model)]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(on_delete = "cascade")]
    team_id: i64,
    #[model(references = "teams.id", on_delete = "delete", on_update = "nothing")]
    other_team_id: i64,
}

fn main() {}
