//! The shop: migrations at start-up, then the API until SIGINT or SIGTERM.
//!
//! ```text
//! cargo run -p retort-example-shop --bin shop              # SQLite, ./shop.db
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop cargo run -p retort-example-shop --bin shop
//! curl -X POST localhost:8000/users -H 'content-type: application/json' \
//!     -d '{"email":"ada@example.com","name":"Ada"}'
//! curl localhost:8000/metrics | grep retort_pool
//! ```
//!
//! | variable | default | meaning |
//! | --- | --- | --- |
//! | `DATABASE_URL` | `shop.db` | `postgres://…`, `mysql://…`, or a SQLite file |
//! | `SHOP_ADDR` | `127.0.0.1:8000` | where to listen (`:0` picks a free port) |
//! | `SHOP_POOL_TIMEOUT_MS` | `30000` | how long a request waits for a connection before its 503 |
//! | `SHOP_ECHO` | `0` | `1` logs every statement (tracing target `retort::sql`) |

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusBuilder;
use retort_example_shop::db::{Db, DbConfig};
use retort_example_shop::http::{router, AppState};

/// The settings the environment gives.
struct Settings {
    db: DbConfig,
    addr: String,
}

impl Settings {
    fn from_env() -> Result<Settings, String> {
        let variable = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let pool_timeout = match variable("SHOP_POOL_TIMEOUT_MS") {
            None => Duration::from_secs(30),
            Some(millis) => Duration::from_millis(millis.parse().map_err(|_| {
                format!("SHOP_POOL_TIMEOUT_MS is {millis:?}: give a whole number of milliseconds")
            })?),
        };
        let echo = match variable("SHOP_ECHO").as_deref() {
            None | Some("0" | "false") => false,
            Some("1" | "true") => true,
            Some(other) => return Err(format!("SHOP_ECHO is {other:?}: give 1 or 0")),
        };
        Ok(Settings {
            db: DbConfig {
                url: variable("DATABASE_URL").unwrap_or_else(|| "shop.db".to_owned()),
                pool_timeout,
                echo,
            },
            addr: variable("SHOP_ADDR").unwrap_or_else(|| "127.0.0.1:8000".to_owned()),
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::stderr)
        .init();
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("shop: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn Error>> {
    let settings = Settings::from_env()?;
    // Before the pool exists, so that its series are recorded from the
    // first connection on.
    let prometheus = PrometheusBuilder::new().install_recorder()?;
    let (db, report) = Db::start(&settings.db).await.map_err(|error| {
        format!(
            "cannot start on {}: {error}",
            retort::pool::redact_url(&settings.db.url)
        )
    })?;
    for step in report.steps() {
        println!("applied {} {}", step.revision, step.message);
    }
    let listener = tokio::net::TcpListener::bind(&settings.addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", settings.addr))?;
    // The test (and a supervisor) read the address from this line.
    println!("shop listening on http://{}", listener.local_addr()?);
    axum::serve(listener, router(AppState { db, prometheus }))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    println!("shop stopped");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM: axum then stops accepting and
/// finishes the requests in flight.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
