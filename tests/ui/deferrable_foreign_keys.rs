use retort::Model;

#[derive(Model)]
#[model(unique(columns("team_id"), initialy_deferred))]
struct Member {
    #[model(primary_key)]
    id: i64,
    #[model(deferrable)]
    team_id: i64,
    #[model(initially_deferred)]
    club_id: i64,
    #[model(references = "teams.id", initially_deferred = true)]
    other_team_id: i64,
    #[model(references = "teams.id", deferable)]
    third_team_id: i64,
}

#[derive(Model)]
#[model(primary_key(columns("a"), deferable))]
struct Slot {
    a: i64,
}

fn main() {}
