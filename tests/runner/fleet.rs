//! Fleets: one command over many targets, on every kind of target —
//! PostgreSQL schemas in one database, PostgreSQL databases, MySQL
//! databases and SQLite files — through the library (`retort::fleet`) and
//! the command line (`--targets FILE`).

use crate::logs;
use crate::support;

use std::path::Path;
use std::sync::Mutex;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use retort::fleet::{Fleet, FleetReport, StopReason, Target, TargetError, TargetStatus};
use retort::{Migrations, Migrator};
use support::{backend_required, TestBackend, TestDatabase};

/// What a test puts in a URL's password to check it is never shown
/// (PostgreSQL trusts local connections, so any password is accepted).
const PASSWORD: &str = "s3cret-pw";

const FIRST: &str = "f1f1f1f1f1f1";
const SECOND: &str = "f2f2f2f2f2f2";
const THIRD: &str = "f3f3f3f3f3f3";
const ALL: [&str; 3] = [FIRST, SECOND, THIRD];

/// Three revisions every backend runs: a table, a column, a second table
/// (`notes`, which a test creates beforehand to make the third fail).
fn write_migrations(dir: &Path) -> Migrations {
    std::fs::create_dir_all(dir).unwrap();
    let revisions = [
        (
            FIRST,
            "",
            "CREATE TABLE items (id INTEGER PRIMARY KEY)",
            "DROP TABLE items",
        ),
        (
            SECOND,
            FIRST,
            "ALTER TABLE items ADD COLUMN name VARCHAR(50)",
            "ALTER TABLE items DROP COLUMN name",
        ),
        (
            THIRD,
            SECOND,
            "CREATE TABLE notes (id INTEGER PRIMARY KEY)",
            "DROP TABLE notes",
        ),
    ];
    for (at, (id, parent, up, down)) in revisions.into_iter().enumerate() {
        std::fs::write(
            dir.join(format!("2024010100000{at}_{id}_step.sql")),
            format!("-- retort:revision {id}\n-- retort:parents {parent}\n-- retort:message step {at}\n-- retort:up\n{up};\n-- retort:down\n{down};\n"),
        )
        .unwrap();
    }
    Migrations::from_dir(dir).unwrap()
}

/// The kinds of target a fleet runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    PostgresSchemas,
    PostgresDatabases,
    Mysql,
    Sqlite,
}

/// A fleet's targets and the databases behind them, dropped with it.
struct Members {
    targets: Vec<Target>,
    _databases: Vec<Box<dyn std::any::Any>>,
}

/// `count` fresh databases of backend `C`, or `None` (the test skips) when
/// the backend is unreachable and not required.
fn databases<C: TestBackend>(count: usize) -> Option<Vec<TestDatabase<C>>> {
    let mut made = Vec::new();
    for _ in 0..count {
        match C::create_database() {
            Ok(database) => made.push(database),
            Err(reason) if backend_required(C::NAME) => {
                panic!(
                    "{} is required (RETORT_REQUIRE_BACKENDS) but unavailable: {reason}",
                    C::NAME
                )
            }
            Err(reason) => {
                eprintln!("skipped: {} unavailable: {reason}", C::NAME);
                return None;
            }
        }
    }
    Some(made)
}

/// The URL with [`PASSWORD`] in it (PostgreSQL only, which ignores it).
fn with_password(url: &str) -> String {
    let mut url = url::Url::parse(url).unwrap();
    url.set_password(Some(PASSWORD)).unwrap();
    url.to_string()
}

/// `count` targets of `kind`, each empty.
fn members(kind: Kind, count: usize) -> Option<Members> {
    fn boxed<C: TestBackend>(databases: Vec<TestDatabase<C>>) -> Vec<Box<dyn std::any::Any>> {
        databases
            .into_iter()
            .map(|database| Box::new(database) as Box<dyn std::any::Any>)
            .collect()
    }
    Some(match kind {
        #[cfg(feature = "postgres")]
        Kind::PostgresSchemas => {
            let database = databases::<diesel::PgConnection>(1)?.remove(0);
            let mut conn = database.connect();
            let url = with_password(&database.url);
            let targets = (0..count)
                .map(|at| {
                    conn.batch_execute(&format!("CREATE SCHEMA tenant_{at}"))
                        .unwrap();
                    Target::new(url.clone()).schema(format!("tenant_{at}"))
                })
                .collect();
            Members {
                targets,
                _databases: boxed(vec![database]),
            }
        }
        #[cfg(feature = "postgres")]
        Kind::PostgresDatabases => {
            let made = databases::<diesel::PgConnection>(count)?;
            Members {
                targets: made
                    .iter()
                    .map(|db| Target::new(with_password(&db.url)))
                    .collect(),
                _databases: boxed(made),
            }
        }
        #[cfg(feature = "mysql")]
        Kind::Mysql => {
            let made = databases::<diesel::MysqlConnection>(count)?;
            Members {
                targets: made.iter().map(|db| Target::new(db.url.clone())).collect(),
                _databases: boxed(made),
            }
        }
        #[cfg(feature = "sqlite")]
        Kind::Sqlite => {
            let made = databases::<diesel::SqliteConnection>(count)?;
            Members {
                targets: made.iter().map(|db| Target::new(db.url.clone())).collect(),
                _databases: boxed(made),
            }
        }
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

/// A target of `kind` that cannot be reached.
fn unreachable_target(kind: Kind) -> Target {
    match kind {
        Kind::PostgresSchemas => {
            Target::new(format!("postgres://app:{PASSWORD}@127.0.0.1:1/shop")).schema("tenant_x")
        }
        Kind::PostgresDatabases => {
            Target::new(format!("postgres://app:{PASSWORD}@127.0.0.1:1/shop"))
        }
        Kind::Mysql => Target::new(format!("mysql://app:{PASSWORD}@127.0.0.1:1/shop")),
        Kind::Sqlite => Target::new("/no/such/directory/tenant.db"),
    }
}

/// A connection of the test's own to one target (its schema selected).
enum Direct {
    #[cfg(feature = "postgres")]
    Postgres(diesel::PgConnection),
    #[cfg(feature = "mysql")]
    Mysql(diesel::MysqlConnection),
    #[cfg(feature = "sqlite")]
    Sqlite(diesel::SqliteConnection),
}

macro_rules! on_direct {
    ($direct:expr, $conn:ident => $body:expr) => {
        match $direct {
            #[cfg(feature = "postgres")]
            Direct::Postgres($conn) => $body,
            #[cfg(feature = "mysql")]
            Direct::Mysql($conn) => $body,
            #[cfg(feature = "sqlite")]
            Direct::Sqlite($conn) => $body,
        }
    };
}

impl Direct {
    fn to(target: &Target) -> Direct {
        match target.backend() {
            #[cfg(feature = "postgres")]
            retort::BackendKind::Postgres => {
                let mut conn = diesel::PgConnection::establish(target.url()).unwrap();
                if let Some(schema) = target.schema_name() {
                    conn.batch_execute(&format!("SET search_path TO \"{schema}\""))
                        .unwrap();
                }
                Direct::Postgres(conn)
            }
            #[cfg(feature = "mysql")]
            retort::BackendKind::Mysql => {
                Direct::Mysql(diesel::MysqlConnection::establish(target.url()).unwrap())
            }
            #[cfg(feature = "sqlite")]
            retort::BackendKind::Sqlite => {
                Direct::Sqlite(diesel::SqliteConnection::establish(target.url()).unwrap())
            }
            #[allow(unreachable_patterns)]
            backend => panic!("{backend} is not compiled in"),
        }
    }

    fn execute(&mut self, sql: &str) {
        on_direct!(self, conn => conn.execute(sql).unwrap_or_else(|error| panic!("{sql}: {error}")));
    }

    fn has_table(&mut self, table: &str) -> bool {
        let sql = format!("SELECT 1 FROM {table} WHERE 1 = 0");
        on_direct!(self, conn => conn.execute(&sql).is_ok())
    }

    /// How many rows the version table has for each revision, in `ALL`'s
    /// order (0 for one not recorded, and for all when there is no version
    /// table).
    fn recorded(&mut self) -> Vec<i64> {
        if !self.has_table("retort_migrations") {
            return vec![0; ALL.len()];
        }
        ALL.iter()
            .map(|id| {
                let sql = format!(
                    "SELECT COUNT(*) AS n FROM retort_migrations WHERE revision = '{id}' AND status = 'applied'"
                );
                on_direct!(self, conn => conn.select_count(&sql))
            })
            .collect()
    }

    /// What a query selecting one `BIGINT` column named `n` returns.
    fn count(&mut self, sql: &str) -> i64 {
        on_direct!(self, conn => conn.select_count(sql))
    }

    fn stamp(&mut self, migrations: &Migrations, revision: &str) {
        on_direct!(self, conn => Migrator::new(migrations).stamp(conn, revision).unwrap());
    }
}

/// Makes the third revision fail on `target`: its table exists already.
fn sabotage(target: &Target) {
    Direct::to(target).execute("CREATE TABLE notes (id INTEGER)");
}

/// Every target of `targets` has each revision applied once and both
/// tables.
fn assert_at_head(targets: &[Target]) {
    for target in targets {
        let mut direct = Direct::to(target);
        assert_eq!(direct.recorded(), vec![1, 1, 1], "{target}");
        assert!(
            direct.has_table("items") && direct.has_table("notes"),
            "{target}"
        );
    }
}

fn statuses(report: &FleetReport) -> Vec<TargetStatus> {
    report.targets.iter().map(|target| target.status).collect()
}

/// Each test once per kind of target compiled in.
macro_rules! fleet_tests {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[cfg(feature = "postgres")]
                #[test]
                fn postgres_schemas() {
                    super::$test(super::Kind::PostgresSchemas);
                }

                #[cfg(feature = "postgres")]
                #[test]
                fn postgres_databases() {
                    super::$test(super::Kind::PostgresDatabases);
                }

                #[cfg(feature = "mysql")]
                #[test]
                fn mysql() {
                    super::$test(super::Kind::Mysql);
                }

                #[cfg(feature = "sqlite")]
                #[test]
                fn sqlite() {
                    super::$test(super::Kind::Sqlite);
                }
            }
        )*
    };
}

/// Two fleets upgrading the same targets at once, each three at a time:
/// every target ends at head with each revision applied exactly once
/// between them, and both runs succeed.
fn parallel_upgrades_apply_each_revision_once(kind: Kind) {
    let Some(members) = members(kind, 6) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let migrations = write_migrations(&work.path().join("migrations"));
    let fleet = || Fleet::new(Migrator::new(&migrations), members.targets.clone()).parallel(3);
    let (first, second) = std::thread::scope(|scope| {
        let first = scope.spawn(|| fleet().upgrade("head").unwrap());
        let second = scope.spawn(|| fleet().upgrade("head").unwrap());
        (first.join().unwrap(), second.join().unwrap())
    });
    assert!(
        first.is_success() && second.is_success(),
        "{first:#?}\n{second:#?}"
    );
    for (at, target) in members.targets.iter().enumerate() {
        let mut ran: Vec<&str> = first.targets[at].report.revisions();
        ran.extend(second.targets[at].report.revisions());
        ran.sort_unstable();
        assert_eq!(
            ran, ALL,
            "{target}: each revision once between the two runs"
        );
        for report in [&first.targets[at], &second.targets[at]] {
            assert_eq!(
                report.to.as_deref(),
                Some(&[THIRD.to_owned()][..]),
                "{target}"
            );
        }
    }
    assert_at_head(&members.targets);

    // A second run has nothing to do anywhere.
    let again = fleet().upgrade("head").unwrap();
    assert_eq!(statuses(&again), vec![TargetStatus::Unchanged; 6]);
}

/// A target that fails stops the run: no target after it starts. With
/// `continue_on_error` the others are upgraded. Repaired, a re-run picks up
/// where the runs left off: only that target changes.
fn a_failure_stops_the_rest_unless_continue_on_error(kind: Kind) {
    let Some(members) = members(kind, 4) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let migrations = write_migrations(&work.path().join("migrations"));
    let targets = &members.targets;
    sabotage(&targets[1]);
    let fleet = || Fleet::new(Migrator::new(&migrations), targets.clone());

    let stopped = fleet().upgrade("head").unwrap();
    use TargetStatus::*;
    assert_eq!(
        statuses(&stopped),
        vec![Changed, Failed, Skipped, Skipped],
        "{stopped:#?}"
    );
    assert_eq!(
        stopped.stopped,
        Some(StopReason::Failure {
            target: targets[1].clone()
        })
    );
    let failed = &stopped.targets[1];
    assert!(
        matches!(failed.error, Some(TargetError::Migrate(_))),
        "{failed:#?}"
    );
    let message = failed.message().unwrap();
    assert!(
        message.contains(THIRD) && message.contains("notes"),
        "{message}"
    );
    assert!(!message.contains(PASSWORD), "{message}");
    assert_eq!(
        failed.to.as_deref(),
        Some(&[SECOND.to_owned()][..]),
        "{failed:#?}"
    );
    for skipped in &targets[2..] {
        assert_eq!(
            Direct::to(skipped).recorded(),
            vec![0, 0, 0],
            "{skipped} was not started"
        );
    }

    let continued = fleet().continue_on_error(true).upgrade("head").unwrap();
    assert_eq!(
        statuses(&continued),
        vec![Unchanged, Failed, Changed, Changed]
    );
    assert_eq!(continued.stopped, None);
    assert!(!continued.is_success());
    assert_at_head(&[&targets[..1], &targets[2..]].concat());

    // Repaired as an operator would: the table dropped, the revision's
    // parent stamped (on MySQL the failed revision is recorded as such).
    let mut direct = Direct::to(&targets[1]);
    direct.execute("DROP TABLE notes");
    direct.stamp(&migrations, SECOND);
    let resumed = fleet().upgrade("head").unwrap();
    assert_eq!(
        statuses(&resumed),
        vec![Unchanged, Changed, Unchanged, Unchanged]
    );
    assert_eq!(resumed.targets[1].report.revisions(), vec![THIRD]);
    assert_at_head(targets);
}

/// A canary that fails stops everything after the canaries, even with
/// `continue_on_error`; canaries that pass let the rest run.
fn a_failing_canary_stops_everything_after_it(kind: Kind) {
    let Some(members) = members(kind, 5) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let migrations = write_migrations(&work.path().join("migrations"));
    let targets = &members.targets;
    sabotage(&targets[1]);
    let fleet = |targets: Vec<Target>| {
        Fleet::new(Migrator::new(&migrations), targets)
            .parallel(2)
            .canary(2)
            .continue_on_error(true)
    };

    let report = fleet(targets.clone()).upgrade("head").unwrap();
    use TargetStatus::*;
    assert_eq!(
        statuses(&report),
        vec![Changed, Failed, Skipped, Skipped, Skipped],
        "{report:#?}"
    );
    assert_eq!(report.stopped, Some(StopReason::Canary { failed: 1 }));
    let canaries: Vec<bool> = report.targets.iter().map(|target| target.canary).collect();
    assert_eq!(canaries, vec![true, true, false, false, false]);
    for skipped in &targets[2..] {
        assert_eq!(Direct::to(skipped).recorded(), vec![0, 0, 0], "{skipped}");
    }

    // The same fleet with a healthy canary: everyone is upgraded.
    let healthy: Vec<Target> = [&targets[..1], &targets[2..]].concat();
    let report = fleet(healthy.clone()).upgrade("head").unwrap();
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(
        statuses(&report),
        vec![Unchanged, Changed, Changed, Changed]
    );
    assert_at_head(&healthy);
}

/// A target that cannot be reached is reported as such, with no password
/// in its message, and does not stop the others.
fn an_unreachable_target_is_reported_not_fatal(kind: Kind) {
    let Some(members) = members(kind, 2) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let migrations = write_migrations(&work.path().join("migrations"));
    let targets = vec![
        members.targets[0].clone(),
        unreachable_target(kind),
        members.targets[1].clone(),
    ];
    let report = Fleet::new(Migrator::new(&migrations), targets)
        .upgrade("head")
        .unwrap();
    use TargetStatus::*;
    assert_eq!(
        statuses(&report),
        vec![Changed, Unreachable, Changed],
        "{report:#?}"
    );
    assert_eq!(report.stopped, None);
    assert!(!report.is_success());
    let unreachable = &report.targets[1];
    assert!(
        matches!(unreachable.error, Some(TargetError::Unreachable { .. })),
        "{unreachable:#?}"
    );
    let message = unreachable.message().unwrap();
    assert!(message.starts_with("cannot connect"), "{message}");
    assert!(!message.contains(PASSWORD), "{message}");
    assert!(!format!("{report:?}").contains(PASSWORD), "{report:?}");
    assert_at_head(&members.targets);
}

/// `downgrade` and `stamp` over a fleet, run in parallel: each moves every
/// target, a target at the goal already is unchanged, and `stamp` records
/// without running SQL (the tables stay as they were).
fn downgrade_and_stamp_move_every_target(kind: Kind) {
    let Some(members) = members(kind, 4) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let migrations = write_migrations(&work.path().join("migrations"));
    let targets = &members.targets;
    let fleet = || Fleet::new(Migrator::new(&migrations), targets.clone()).parallel(2);
    use TargetStatus::*;
    let first = || Some(vec![FIRST.to_owned()]);

    assert!(fleet().upgrade("head").unwrap().is_success());
    let down = fleet().downgrade(FIRST).unwrap();
    assert_eq!(statuses(&down), vec![Changed; 4], "{down:#?}");
    for report in &down.targets {
        assert_eq!(report.from, Some(vec![THIRD.to_owned()]), "{report:#?}");
        assert_eq!(report.to, first(), "{report:#?}");
        assert_eq!(
            report.report.revisions(),
            vec![THIRD, SECOND],
            "{report:#?}"
        );
    }
    for target in targets {
        let mut direct = Direct::to(target);
        assert_eq!(direct.recorded(), vec![1, 0, 0], "{target}");
        assert!(
            direct.has_table("items") && !direct.has_table("notes"),
            "{target}"
        );
    }
    let again = fleet().downgrade(FIRST).unwrap();
    assert_eq!(statuses(&again), vec![Unchanged; 4], "{again:#?}");

    // Stamped back to base: nothing recorded, the table still there.
    let stamped = fleet().stamp("base").unwrap();
    assert_eq!(statuses(&stamped), vec![Changed; 4], "{stamped:#?}");
    for target in targets {
        let mut direct = Direct::to(target);
        assert_eq!(direct.recorded(), vec![0, 0, 0], "{target}");
        assert!(direct.has_table("items"), "{target}");
    }
    let stamped = fleet().stamp(FIRST).unwrap();
    assert_eq!(statuses(&stamped), vec![Changed; 4], "{stamped:#?}");
    assert!(stamped.targets.iter().all(|report| report.to == first()));
    let again = fleet().stamp(FIRST).unwrap();
    assert_eq!(statuses(&again), vec![Unchanged; 4], "{again:#?}");

    // From the stamp on, upgrading runs only what follows it.
    let up = fleet().upgrade("head").unwrap();
    for report in &up.targets {
        assert_eq!(
            report.report.revisions(),
            vec![SECOND, THIRD],
            "{report:#?}"
        );
    }
    assert_at_head(targets);
    let base = fleet().downgrade("base").unwrap();
    assert_eq!(statuses(&base), vec![Changed; 4], "{base:#?}");
    for target in targets {
        let mut direct = Direct::to(target);
        assert_eq!(direct.recorded(), vec![0, 0, 0], "{target}");
        assert!(!direct.has_table("items"), "{target}");
    }
}

fleet_tests!(
    parallel_upgrades_apply_each_revision_once,
    downgrade_and_stamp_move_every_target,
    a_failure_stops_the_rest_unless_continue_on_error,
    a_failing_canary_stops_everything_after_it,
    an_unreachable_target_is_reported_not_fatal,
);

/// `parallel(3)` keeps at most three targets of a server at work at once:
/// each target's one revision waits a moment, then records how many of
/// the fleet's connections are running a statement on the server.
fn at_most_parallel_targets_of_a_server_run_at_once(kind: Kind) {
    let Some(members) = members(kind, 7) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("migrations");
    std::fs::create_dir_all(&dir).unwrap();
    let databases: Vec<String> = members
        .targets
        .iter()
        .map(|target| {
            let url = url::Url::parse(target.url()).unwrap();
            format!("'{}'", url.path().trim_start_matches('/'))
        })
        .collect();
    let databases = databases.join(", ");
    let up = match kind {
        Kind::PostgresSchemas | Kind::PostgresDatabases => format!(
            "SELECT pg_sleep(0.3);\n\
             CREATE TABLE seen AS SELECT COUNT(*) AS n FROM pg_stat_activity \
             WHERE state = 'active' AND datname IN ({databases});\n"
        ),
        Kind::Mysql => format!(
            "DO SLEEP(0.3);\n\
             CREATE TABLE seen AS SELECT COUNT(*) AS n FROM information_schema.processlist \
             WHERE command = 'Query' AND db IN ({databases});\n"
        ),
        Kind::Sqlite => unreachable!("an SQLite file has no server to count on"),
    };
    std::fs::write(
        dir.join("20240101000000_c1c1c1c1c1c1_count.sql"),
        format!(
            "-- retort:revision c1c1c1c1c1c1\n-- retort:up\n{up}-- retort:down\nDROP TABLE seen;\n"
        ),
    )
    .unwrap();
    let migrations = Migrations::from_dir(&dir).unwrap();
    let report = Fleet::new(Migrator::new(&migrations), members.targets.clone())
        .parallel(3)
        .upgrade("head")
        .unwrap();
    assert!(report.is_success(), "{report:#?}");
    let seen: Vec<i64> = members
        .targets
        .iter()
        .map(|target| Direct::to(target).count("SELECT n FROM seen"))
        .collect();
    eprintln!("targets at work at once, as each saw it: {seen:?}");
    assert!(
        seen.iter().all(|&n| (1..=3).contains(&n)),
        "at most 3 targets at once with parallel(3): {seen:?}"
    );
}

mod at_most_parallel_targets_of_a_server_run_at_once {
    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_schemas() {
        super::at_most_parallel_targets_of_a_server_run_at_once(super::Kind::PostgresSchemas);
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_databases() {
        super::at_most_parallel_targets_of_a_server_run_at_once(super::Kind::PostgresDatabases);
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql() {
        super::at_most_parallel_targets_of_a_server_run_at_once(super::Kind::Mysql);
    }
}

/// Schema targets keep to their schema: each gets its own version table
/// and tables, `public`'s own version table is never read as a tenant's, a
/// missing schema fails its target unless the fleet may create it, and at
/// most `parallel` connections are open to the server at once.
#[cfg(feature = "postgres")]
#[test]
fn schema_targets_keep_to_their_schema() {
    support::run::<diesel::PgConnection>(|db| {
        let work = tempfile::tempdir().unwrap();
        let migrations = write_migrations(&work.path().join("migrations"));
        let mut admin = db.connect();
        // public is at head of the same migrations: a tenant that read
        // public's version table would look done.
        retort::migrate_to_head(&mut admin, &migrations).unwrap();
        let tenants: Vec<Target> = (0..6)
            .map(|at| {
                admin
                    .batch_execute(&format!("CREATE SCHEMA tenant_{at}"))
                    .unwrap();
                Target::new(db.url.clone()).schema(format!("tenant_{at}"))
            })
            .collect();
        let mut missing = tenants.clone();
        missing.push(Target::new(db.url.clone()).schema("tenant_new"));

        let refused = Fleet::new(Migrator::new(&migrations), missing.clone())
            .continue_on_error(true)
            .upgrade("head")
            .unwrap();
        let last = &refused.targets[6];
        assert!(
            matches!(&last.error, Some(TargetError::NoSchema { schema }) if schema == "tenant_new"),
            "{last:#?}"
        );

        // The server's connections, as the fleet reports progress (the
        // test's own two left out).
        let watcher = Mutex::new(db.connect());
        let most = Mutex::new(0);
        let database = db.name.clone();
        let admin_pid = admin.select_count("SELECT pg_backend_pid()::bigint AS n");
        let report = Fleet::new(Migrator::new(&migrations), missing.clone())
            .parallel(2)
            .create_schemas(true)
            .on_progress(|_| {
                let open = watcher.lock().unwrap().select_count(&format!(
                    "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = '{database}' AND pid NOT IN (pg_backend_pid(), {admin_pid})"
                ));
                let mut most = most.lock().unwrap();
                *most = (*most).max(open);
            })
            .upgrade("head")
            .unwrap();
        assert!(report.is_success(), "{report:#?}");
        let most = *most.lock().unwrap();
        assert!(
            most <= 2,
            "{most} connections were open at once with parallel(2)"
        );
        assert_at_head(&missing);
        for at in 0..6 {
            let tables = admin.select_count(&format!(
                "SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = 'tenant_{at}' AND tablename IN ('items', 'notes', 'retort_migrations')"
            ));
            assert_eq!(tables, 3, "tenant_{at}");
        }
        assert_eq!(
            Migrator::new(&migrations).current(&mut admin).unwrap(),
            vec![THIRD.to_owned()],
            "public's own version table is as it was"
        );
    });
}

/// Progress: the callback hears of every target once, counts adding up, and
/// each target's end is a tracing event naming it, logged to the caller's
/// subscriber from the worker threads.
#[cfg(feature = "sqlite")]
#[test]
fn progress_reaches_the_callback_and_tracing() {
    let Some(members) = members(Kind::Sqlite, 4) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let migrations = write_migrations(&work.path().join("migrations"));
    let mut targets = members.targets.clone();
    targets.insert(2, unreachable_target(Kind::Sqlite));
    let heard = Mutex::new(Vec::new());
    let logged = logs::logged_while(|| {
        let report = Fleet::new(Migrator::new(&migrations), targets.clone())
            .parallel(2)
            .on_progress(|progress| {
                heard.lock().unwrap().push((
                    progress.finished.target.clone(),
                    progress.done,
                    progress.failed,
                    progress.unreachable,
                    progress.remaining,
                    progress.total,
                ))
            })
            .upgrade("head")
            .unwrap();
        assert_eq!(report.count(TargetStatus::Changed), 4);
    });
    let heard = heard.into_inner().unwrap();
    assert_eq!(heard.len(), 5);
    let mut told: Vec<&Target> = heard.iter().map(|heard| &heard.0).collect();
    told.sort_by_key(|target| target.url().to_owned());
    let mut expected: Vec<&Target> = targets.iter().collect();
    expected.sort_by_key(|target| target.url().to_owned());
    assert_eq!(told, expected, "every target once");
    let last = heard.last().unwrap();
    assert_eq!((last.1, last.2, last.3, last.4, last.5), (4, 0, 1, 0, 5));
    for (at, (_, done, failed, unreachable, remaining, total)) in heard.iter().enumerate() {
        assert_eq!(done + failed + unreachable, at + 1);
        assert_eq!(remaining + at + 1, *total);
    }
    for target in &members.targets {
        assert!(
            logged.contains(&format!("Target {target} changed")),
            "{target}:\n{logged}"
        );
    }
    assert!(
        logged.contains("Target /no/such/directory/tenant.db unreachable"),
        "{logged}"
    );
    assert!(
        logged.contains("Running upgrade <base> -> f1f1f1f1f1f1"),
        "{logged}"
    );
    assert!(logged.contains("fleet_target{target="), "{logged}");
}

/// What a whole run refuses before starting: a target listed twice, a
/// schema on a database that is not PostgreSQL, `head` with two heads.
#[test]
fn bad_fleets_are_refused_before_any_target_starts() {
    let work = tempfile::tempdir().unwrap();
    let migrations = write_migrations(&work.path().join("migrations"));
    let target = Target::new(format!("postgres://app:{PASSWORD}@127.0.0.1:1/shop")).schema("a");
    let twice = Fleet::new(Migrator::new(&migrations), vec![target.clone(), target])
        .upgrade("head")
        .unwrap_err();
    assert_eq!(
        twice.to_string(),
        "postgres://app:***@127.0.0.1:1/shop schema=a is listed twice"
    );
    let schema_on_mysql = Fleet::new(
        Migrator::new(&migrations),
        vec![Target::new("mysql://root@127.0.0.1/shop").schema("a")],
    )
    .current()
    .unwrap_err();
    assert!(
        schema_on_mysql
            .to_string()
            .contains("a schema is a PostgreSQL target"),
        "{schema_on_mysql}"
    );
    std::fs::write(
        work.path().join("migrations/20240102000000_e1e1e1e1e1e1_branch.sql"),
        format!("-- retort:revision e1e1e1e1e1e1\n-- retort:parents {FIRST}\n-- retort:message branch\n-- retort:up\nCREATE TABLE other (id INTEGER);\n"),
    )
    .unwrap();
    let branched = Migrations::from_dir(work.path().join("migrations")).unwrap();
    let two_heads = Fleet::new(Migrator::new(&branched), vec![Target::new("unused.db")])
        .upgrade("head")
        .unwrap_err();
    assert!(two_heads.to_string().contains("heads"), "{two_heads}");
}

/// The migration lock is per schema: a run in one tenant's schema does not
/// wait for another schema's lock, while the lock of `public` keeps the key
/// earlier versions take, so they still exclude each other there. (Each
/// waiting connection has a `lock_timeout`, so a shared lock fails the test
/// instead of hanging it.)
#[cfg(feature = "postgres")]
#[test]
fn schemas_take_locks_of_their_own() {
    /// The key every version of retort takes for `public`: "retortmg".
    const LOCK_KEY: i64 = 0x7265_746f_7274_6d67;
    support::run::<diesel::PgConnection>(|db| {
        let work = tempfile::tempdir().unwrap();
        let migrations = write_migrations(&work.path().join("migrations"));
        let mut holder = db.connect();
        holder
            .batch_execute("CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b")
            .unwrap();
        let waiter = |schema: &str| {
            let mut conn = db.connect();
            conn.batch_execute(&format!(
                "SET search_path TO {schema}; SET lock_timeout = '1s'"
            ))
            .unwrap();
            conn
        };

        // tenant_a's run holds its lock (its transaction is open) ...
        holder
            .batch_execute(&format!(
                "SET search_path TO tenant_a; BEGIN; \
                 SELECT pg_advisory_xact_lock(hashtextextended('tenant_a', {LOCK_KEY}))"
            ))
            .unwrap();
        // ... and tenant_b migrates all the same.
        let report = retort::migrate_to_head(&mut waiter("tenant_b"), &migrations).unwrap();
        assert_eq!(report.revisions(), ALL);
        // tenant_a itself waits for its lock.
        let blocked = retort::migrate_to_head(&mut waiter("tenant_a"), &migrations).unwrap_err();
        assert!(blocked.to_string().contains("lock timeout"), "{blocked}");
        holder.batch_execute("ROLLBACK").unwrap();

        // The key of public is the one earlier versions take.
        holder
            .batch_execute(&format!(
                "SET search_path TO public; BEGIN; SELECT pg_advisory_xact_lock({LOCK_KEY})"
            ))
            .unwrap();
        let blocked = retort::migrate_to_head(&mut waiter("public"), &migrations).unwrap_err();
        assert!(blocked.to_string().contains("lock timeout"), "{blocked}");
        holder.batch_execute("ROLLBACK").unwrap();
        let report = retort::migrate_to_head(&mut waiter("public"), &migrations).unwrap();
        assert_eq!(report.revisions(), ALL);
    });
}

/// The command line: `--targets FILE` on the `migrate` example (an
/// application's `src/bin/migrate.rs`, models compiled in).
#[cfg(feature = "cli")]
mod command_line {
    use std::path::Path;

    use assert_cmd::Command;

    use super::*;
    use support::migrate_binary;

    /// One run of `migrate`.
    struct Run {
        code: i32,
        stdout: String,
        stderr: String,
    }

    impl std::fmt::Display for Run {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(
                f,
                "exit {}\n--- stdout\n{}--- stderr\n{}",
                self.code, self.stdout, self.stderr
            )
        }
    }

    /// Runs `migrate --migrations DIR ARGS...` with no `DATABASE_URL`;
    /// asserts no password and no colour is printed.
    fn migrate(dir: &Path, args: &[&str]) -> Run {
        let output = Command::new(migrate_binary())
            .env_remove("DATABASE_URL")
            .env_remove("NO_COLOR")
            .arg("--migrations")
            .arg(dir)
            .args(args)
            .output()
            .unwrap();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !format!("{run}").contains(PASSWORD),
            "a password was printed:\n{run}"
        );
        assert!(
            !format!("{run}").contains("\x1b["),
            "colour off a terminal:\n{run}"
        );
        run
    }

    /// Writes a targets file listing `targets`, with a comment.
    fn targets_file(dir: &Path, name: &str, targets: &[Target]) -> String {
        let mut text = String::from("# the fleet\n\n");
        for target in targets {
            text.push_str(target.url());
            if let Some(schema) = target.schema_name() {
                text.push_str(&format!(" schema={schema}   # a tenant"));
            }
            text.push('\n');
        }
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    /// `--format json`: one record per target, every target of the file
    /// (schemas, a database, unreachable ones), passwords removed; exit 1
    /// because some could not be reached.
    #[cfg(all(feature = "postgres", feature = "mysql"))]
    #[test]
    fn the_json_report_holds_every_target_without_a_password() {
        let Some(schemas) = members(Kind::PostgresSchemas, 3) else {
            return;
        };
        let Some(databases) = members(Kind::PostgresDatabases, 1) else {
            return;
        };
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        write_migrations(&dir);
        let mut targets = schemas.targets.clone();
        // A schema the fleet creates.
        targets.push(schemas.targets[0].clone().schema("tenant_new"));
        targets.extend(databases.targets.clone());
        targets.push(unreachable_target(Kind::PostgresDatabases));
        targets.push(unreachable_target(Kind::Mysql));
        let file = targets_file(work.path(), "targets.txt", &targets);

        let run = migrate(
            &dir,
            &[
                "upgrade",
                "--targets",
                &file,
                "--parallel",
                "2",
                "--create-schemas",
                "--format",
                "json",
            ],
        );
        assert_eq!(run.code, 1, "{run}");
        let records: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}\n{run}"))
            })
            .collect();
        assert_eq!(records.len(), targets.len(), "{run}");
        for target in &targets {
            let record = records
                .iter()
                .find(|record| {
                    record["target"] == target.shown_url().as_str()
                        && record["schema"].as_str() == target.schema_name()
                })
                .unwrap_or_else(|| panic!("no record for {target}:\n{run}"));
            let unreachable = target.url().contains(":1/");
            if unreachable {
                assert_eq!(record["status"], "unreachable", "{record}");
                assert!(
                    record["error"]
                        .as_str()
                        .unwrap()
                        .starts_with("cannot connect"),
                    "{record}"
                );
            } else {
                assert_eq!(record["status"], "changed", "{record}");
                assert_eq!(record["from"], serde_json::json!([]), "{record}");
                assert_eq!(record["to"], serde_json::json!([THIRD]), "{record}");
                assert_eq!(record["ran"], serde_json::json!(ALL), "{record}");
                assert_eq!(record["error"], serde_json::Value::Null, "{record}");
            }
            assert!(record["duration_ms"].is_u64(), "{record}");
        }
        let error = run
            .stderr
            .lines()
            .find(|line| line.starts_with("error: "))
            .unwrap_or_default();
        assert_eq!(
            error, "error: 2 of 7 targets did not succeed (2 unreachable)",
            "{run}"
        );
        let summary = "7 targets in ";
        assert!(
            run.stderr.contains(summary) && run.stderr.contains(": 5 at head, 2 unreachable"),
            "{run}"
        );
        assert_at_head(&targets[..5]);
    }

    /// Text: a failure is a line naming the target and the statement, the
    /// run stops (exit 1, a summary, an error and a hint); repaired, the
    /// same command goes on from there, here behind a canary.
    #[cfg(feature = "mysql")]
    #[test]
    fn a_stopped_run_is_reported_and_resumed() {
        let Some(members) = members(Kind::Mysql, 4) else {
            return;
        };
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        let migrations = write_migrations(&dir);
        let targets = &members.targets;
        let file = targets_file(work.path(), "targets.txt", targets);
        sabotage(&targets[1]);

        let run = migrate(&dir, &["upgrade", "--targets", &file]);
        assert_eq!(run.code, 1, "{run}");
        let failed = run
            .stdout
            .lines()
            .find(|line| line.starts_with("failed "))
            .unwrap_or_else(|| panic!("no failed line:\n{run}"));
        assert!(
            failed.contains(&targets[1].to_string()) && failed.contains(THIRD),
            "{run}"
        );
        assert!(
            run.stdout.contains(": 1 at head, 1 failed, 2 not started"),
            "{run}"
        );
        let stderr: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(
            stderr[0], "error: 3 of 4 targets did not succeed (1 failed, 2 not started)",
            "{run}"
        );
        assert!(
            stderr[1].starts_with(&format!(
                "hint: no target was started after {} failed",
                targets[1]
            )),
            "{run}"
        );

        let mut direct = Direct::to(&targets[1]);
        direct.execute("DROP TABLE notes");
        direct.stamp(&migrations, SECOND);
        let run = migrate(
            &dir,
            &[
                "upgrade",
                "--targets",
                &file,
                "--canary",
                "2",
                "--parallel",
                "2",
            ],
        );
        assert_eq!(run.code, 0, "{run}");
        assert!(
            run.stdout.contains("4 targets in ") && run.stdout.contains(": 4 at head"),
            "{run}"
        );
        assert_at_head(targets);
    }

    /// `downgrade`, `stamp` and `current` over a fleet: `current` groups the
    /// targets by revision, listing those not at head.
    #[cfg(feature = "sqlite")]
    #[test]
    fn current_groups_targets_by_revision() {
        let Some(members) = members(Kind::Sqlite, 4) else {
            return;
        };
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        write_migrations(&dir);
        let all = targets_file(work.path(), "all.txt", &members.targets);
        let behind = targets_file(work.path(), "behind.txt", &members.targets[2..]);

        assert_eq!(
            migrate(&dir, &["upgrade", "--targets", &all, "--parallel", "4"]).code,
            0
        );
        let run = migrate(&dir, &["-v", "downgrade", FIRST, "--targets", &behind]);
        assert_eq!(run.code, 0, "{run}");
        assert!(
            run.stdout.contains(&format!(
                "changed     {}: {THIRD} (head) -> {FIRST}, 2 revisions in",
                members.targets[2]
            )),
            "{run}"
        );

        let run = migrate(&dir, &["current", "--targets", &all]);
        assert_eq!(run.code, 0, "{run}");
        let expected = format!(
            "{THIRD} (head): 2 targets\n{FIRST}: 2 targets\n    {}\n    {}\n",
            members.targets[2], members.targets[3]
        );
        assert!(run.stdout.starts_with(&expected), "{run}");
        assert!(run.stdout.contains("4 targets in "), "{run}");

        let run = migrate(&dir, &["stamp", "head", "--targets", &behind]);
        assert_eq!(run.code, 0, "{run}");
        let run = migrate(&dir, &["current", "--targets", &all]);
        assert!(
            run.stdout
                .starts_with(&format!("{THIRD} (head): 4 targets\n")),
            "{run}"
        );
    }

    /// `check --targets`: every target compared with the models; one that
    /// differs fails the check, named with the difference.
    #[cfg(feature = "sqlite")]
    #[test]
    fn check_compares_every_target_with_the_models() {
        let Some(members) = members(Kind::Sqlite, 3) else {
            return;
        };
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        let first = members.targets[0].url();
        let run = migrate(&dir, &["--url", first, "init"]);
        assert_eq!(run.code, 0, "{run}");
        let run = migrate(
            &dir,
            &["--url", first, "revision", "--autogenerate", "-m", "models"],
        );
        assert_eq!(run.code, 0, "{run}");
        let file = targets_file(work.path(), "targets.txt", &members.targets);
        assert_eq!(migrate(&dir, &["upgrade", "--targets", &file]).code, 0);
        let run = migrate(&dir, &["check", "--targets", &file]);
        assert_eq!(run.code, 0, "{run}");
        let run = migrate(&dir, &["check", "--online", "--targets", &file]);
        assert_eq!(run.code, 0, "{run}");

        Direct::to(&members.targets[1]).execute("ALTER TABLE users ADD COLUMN nickname TEXT");
        let run = migrate(&dir, &["-v", "check", "--targets", &file]);
        assert_eq!(run.code, 1, "{run}");
        assert!(
            run.stdout.contains(&format!(
                "failed      {}: the models and the database differ: 1 operation(s) are not in any revision\n    drop column users.nickname",
                members.targets[1]
            )),
            "{run}"
        );
        assert!(
            run.stderr
                .starts_with("error: 1 of 3 targets did not succeed (1 failed)"),
            "{run}"
        );
    }

    /// A targets file with a bad line, and `--targets` with `--sql`.
    #[test]
    fn bad_targets_files_are_one_clear_line() {
        let work = tempfile::tempdir().unwrap();
        let dir = work.path().join("migrations");
        write_migrations(&dir);
        let file = work.path().join("targets.txt");
        std::fs::write(
            &file,
            format!("app.db\npostgres://app:{PASSWORD}@db/shop schema=a shema=b\n"),
        )
        .unwrap();
        let file = file.display().to_string();
        let run = migrate(&dir, &["upgrade", "--targets", &file]);
        assert_eq!(run.code, 1, "{run}");
        assert_eq!(
            run.stderr,
            format!("error: {file}, line 2: `shema=b` is not an option (the only one is schema=NAME); a target line is a database URL, optionally followed by schema=NAME\n"),
        );
        let run = migrate(&dir, &["upgrade", "--sql", "--targets", &file]);
        assert_eq!(run.code, 2, "{run}");
        assert!(run.stderr.contains("cannot be used with"), "{run}");
        let empty = work.path().join("empty.txt");
        std::fs::write(&empty, "# nobody yet\n").unwrap();
        let run = migrate(
            &dir,
            &["current", "--targets", &empty.display().to_string()],
        );
        assert_eq!(run.code, 1, "{run}");
        assert!(run.stderr.contains("lists no targets"), "{run}");
    }
}
