use retort::Model;

#[derive(Model)]
struct AuditLog {
    message: String,
}

fn main() {}
