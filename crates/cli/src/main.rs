//! `retort`: apply, revert and inspect migrations from a directory and a
//! database URL, with no models compiled in.

use std::process::ExitCode;

fn main() -> ExitCode {
    let version = env!("CARGO_PKG_VERSION");
    match std::env::args().nth(1).as_deref() {
        Some("--version" | "-V") => {
            println!("retort {version}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("retort {version}\nusage: retort --version");
            ExitCode::from(2)
        }
    }
}
