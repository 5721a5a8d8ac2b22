use retort::Model;

#[derive(Model)]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(references = "teams")]
    team_id: i64,
    #[model(references = "teams.")]
    other_team_id: i64,
}

fn main() {}
