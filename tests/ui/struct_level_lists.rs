use retort::Model;

#[derive(Model)]
#[model(
    primary_key,
    index(columns("team_id", "emial")),
    index(name = "ix_orphan"),
    unique(columns(team_id)),
    check(expr = "id > 0"),
)]
struct Member {
    team_id: i64,
    email: String,
}

fn main() {}
