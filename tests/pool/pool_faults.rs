//! `retort::pool` when the database misbehaves: every pooled session killed
//! by the server, the server unreachable and back, and passwords kept out of
//! every message. PostgreSQL and MySQL/MariaDB (SQLite has no server).

use crate::support;

use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use retort::pool::{PoolConfig, PoolError, PrePing};
use support::server::Server;
use support::TestDatabase;

/// Instantiates a test generic over [`Server`] for PostgreSQL and MySQL.
macro_rules! server_tests {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[cfg(feature = "postgres")]
                #[test]
                fn postgres() {
                    $crate::support::run::<diesel::PgConnection>(|db| super::$test(db));
                }

                #[cfg(feature = "mysql")]
                #[test]
                fn mysql() {
                    $crate::support::run::<diesel::MysqlConnection>(|db| super::$test(db));
                }
            }
        )*
    };
}

fn killed_sessions_are_replaced_before_the_application_sees_them<C: Server>(db: &TestDatabase<C>) {
    let pool = PoolConfig::new(db.url.clone())
        .pool_size(4)
        .max_overflow(0)
        .pre_ping(PrePing::Always)
        .timeout(Duration::from_secs(10))
        .build::<C>()
        .unwrap();
    let warm: Vec<_> = (0..4).map(|_| pool.get().unwrap()).collect();
    drop(warm);
    assert_eq!(pool.state().idle_connections, 4);

    let mut admin = db.connect();
    assert_eq!(C::other_sessions(&mut admin), 4);
    C::kill_other_sessions(&mut admin);
    let deadline = Instant::now() + Duration::from_secs(5);
    while C::other_sessions(&mut admin) > 0 {
        assert!(
            Instant::now() < deadline,
            "the server did not end the sessions"
        );
        thread::sleep(Duration::from_millis(10));
    }

    let before = pool.metrics();
    for checkout in 0..200 {
        let mut conn = pool
            .get()
            .unwrap_or_else(|error| panic!("checkout {checkout}: {error}"));
        conn.batch_execute("SELECT 1")
            .unwrap_or_else(|error| panic!("checkout {checkout} got a dead connection: {error}"));
    }
    let after = pool.metrics();
    assert_eq!(after.failed_pings - before.failed_pings, 4);
    assert_eq!(after.checkouts - before.checkouts, 200);
}

fn killed_sessions_cost_a_busy_pool_one_failed_query<C: Server>(db: &TestDatabase<C>) {
    // Connections in use within the last minute are not pinged...
    let pool = PoolConfig::new(db.url.clone())
        .pool_size(4)
        .max_overflow(0)
        .pre_ping(PrePing::IfIdleFor(Duration::from_secs(60)))
        .timeout(Duration::from_secs(10))
        .build::<C>()
        .unwrap();
    let warm: Vec<_> = (0..4).map(|_| pool.get().unwrap()).collect();
    drop(warm);
    let mut admin = db.connect();
    C::kill_other_sessions(&mut admin);
    let deadline = Instant::now() + Duration::from_secs(5);
    while C::other_sessions(&mut admin) > 0 {
        assert!(
            Instant::now() < deadline,
            "the server did not end the sessions"
        );
        thread::sleep(Duration::from_millis(10));
    }

    // ...so the first query fails, but that failure makes the pool test
    // every other connection opened before it.
    let before = pool.metrics();
    let mut failures = Vec::new();
    for _ in 0..50 {
        let mut conn = pool.get().unwrap();
        if let Err(error) = conn.batch_execute("SELECT 1") {
            failures.push(error.to_string());
        }
    }
    assert_eq!(failures.len(), 1, "{failures:?}");
    let after = pool.metrics();
    assert_eq!(after.discarded - before.discarded, 1);
    assert_eq!(after.failed_pings - before.failed_pings, 3);
}

/// A loopback TCP proxy in front of the server that the test can cut (close
/// every proxied connection and refuse new ones, as a dead server does) and
/// restore.
struct Proxy {
    port: u16,
    state: Arc<ProxyState>,
}

struct ProxyState {
    upstream: SocketAddr,
    /// Whether the proxy should accept connections.
    open: AtomicBool,
    /// Whether the proxy is bound and accepting.
    listening: AtomicBool,
    stopped: AtomicBool,
    streams: Mutex<Vec<TcpStream>>,
}

impl Proxy {
    fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let state = Arc::new(ProxyState {
            upstream,
            open: AtomicBool::new(true),
            listening: AtomicBool::new(true),
            stopped: AtomicBool::new(false),
            streams: Mutex::new(Vec::new()),
        });
        let accepting = Arc::clone(&state);
        thread::spawn(move || accept_loop(Some(listener), port, &accepting));
        Self { port, state }
    }

    fn cut(&self) {
        self.state.open.store(false, Ordering::SeqCst);
        while self.state.listening.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(1));
        }
        for stream in self.state.streams.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.state.open.store(true, Ordering::SeqCst);
        while !self.state.listening.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.state.stopped.store(true, Ordering::SeqCst);
        self.cut();
    }
}

fn accept_loop(mut listener: Option<TcpListener>, port: u16, state: &ProxyState) {
    while !state.stopped.load(Ordering::SeqCst) {
        if !state.open.load(Ordering::SeqCst) {
            listener = None; // closing the socket refuses new connections
            state.listening.store(false, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(2));
            continue;
        }
        let Some(bound) = &listener else {
            match TcpListener::bind(("127.0.0.1", port)) {
                Ok(bound) => {
                    bound.set_nonblocking(true).expect("nonblocking proxy");
                    listener = Some(bound);
                    state.listening.store(true, Ordering::SeqCst);
                }
                Err(_) => thread::sleep(Duration::from_millis(2)),
            }
            continue;
        };
        bound.set_nonblocking(true).expect("nonblocking proxy");
        match bound.accept() {
            Ok((client, _)) => {
                if let Err(error) = relay(client, state) {
                    eprintln!("proxy: {error}");
                }
            }
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(2));
            }
            Err(error) => eprintln!("proxy accept: {error}"),
        }
    }
    state.listening.store(false, Ordering::SeqCst);
}

fn relay(client: TcpStream, state: &ProxyState) -> io::Result<()> {
    client.set_nonblocking(false)?;
    let server = TcpStream::connect(state.upstream)?;
    let mut streams = state.streams.lock().unwrap();
    streams.push(client.try_clone()?);
    streams.push(server.try_clone()?);
    for (mut from, mut to) in [(client.try_clone()?, server.try_clone()?), (server, client)] {
        thread::spawn(move || {
            let _ = io::copy(&mut from, &mut to);
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
        });
    }
    Ok(())
}

/// The test database's URL and server address, and the URL through a proxy.
fn through_proxy(url: &str) -> (SocketAddr, impl Fn(u16) -> String) {
    let parsed = url::Url::parse(url).expect("test URL");
    let host = parsed.host_str().expect("host").to_owned();
    let port = parsed.port().expect("explicit port");
    let upstream = (host.as_str(), port)
        .to_socket_addrs()
        .expect("resolve")
        .next()
        .expect("an address");
    let via = move |proxy_port: u16| {
        let mut proxied = parsed.clone();
        proxied.set_host(Some("127.0.0.1")).expect("host");
        proxied.set_port(Some(proxy_port)).expect("port");
        proxied.to_string()
    };
    (upstream, via)
}

fn an_unreachable_server_fails_within_timeout_and_recovers_when_back<C: Server>(
    db: &TestDatabase<C>,
) {
    let (upstream, via) = through_proxy(&db.url);
    let proxy = Proxy::start(upstream);
    let timeout = Duration::from_secs(2);
    let pool = PoolConfig::new(via(proxy.port))
        .pool_size(2)
        .max_overflow(0)
        .pre_ping(PrePing::Always)
        .timeout(timeout)
        .build::<C>()
        .unwrap();
    pool.get().unwrap().batch_execute("SELECT 1").unwrap();

    proxy.cut();
    for _ in 0..2 {
        let start = Instant::now();
        let error = pool.get().map(drop).unwrap_err();
        let elapsed = start.elapsed();
        assert!(
            elapsed <= timeout + timeout / 10,
            "get() took {elapsed:?} with a {timeout:?} timeout"
        );
        assert!(matches!(error, PoolError::Connect { .. }), "{error:?}");
    }

    proxy.restore();
    let start = Instant::now();
    let mut conn = pool.get().expect("the server is back");
    let elapsed = start.elapsed();
    conn.batch_execute("SELECT 1").unwrap();
    assert!(
        elapsed < Duration::from_secs(1),
        "the pool took {elapsed:?} to reach the server again"
    );
}

const SECRET: &str = "Sup3r-S3cret-pw";

fn with_password(url: &str, port: Option<u16>) -> String {
    let mut parsed = url::Url::parse(url).expect("test URL");
    parsed.set_password(Some(SECRET)).expect("password");
    if port.is_some() {
        parsed.set_port(port).expect("port");
    }
    parsed.to_string()
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} shows the password: {text}");
}

fn no_error_or_debug_output_shows_the_password<C: Server>(db: &TestDatabase<C>) {
    // Nothing listens on port 1: the connection is refused.
    let refused =
        PoolConfig::new(with_password(&db.url, Some(1))).timeout(Duration::from_millis(500));
    assert_no_secret("PoolConfig's Debug", &format!("{refused:?}"));
    let error = refused.build::<C>().unwrap_err();
    assert!(matches!(error, PoolError::Connect { .. }), "{error:?}");
    assert_no_secret("the connect error", &error.to_string());
    assert_no_secret("the connect error's Debug", &format!("{error:?}"));
    assert!(error.to_string().contains("***"), "{error}");
    eprintln!("{error}");

    // The real server with a password it does not expect (PostgreSQL trusts
    // the test user and accepts; MariaDB's passwordless root refuses).
    let config = PoolConfig::new(with_password(&db.url, None))
        .timeout(Duration::from_millis(500))
        .on_connect("SELECT * FROM retort_no_such_table");
    match config.clone().build::<C>() {
        Ok(pool) => panic!("a failing on_connect statement was accepted: {pool:?}"),
        Err(error) => {
            eprintln!("{error}");
            assert_no_secret("the error", &error.to_string());
            assert_no_secret("the error's Debug", &format!("{error:?}"));
        }
    }
    let accepted = PoolConfig::new(with_password(&db.url, None))
        .timeout(Duration::from_millis(500))
        .build::<C>();
    eprintln!("{accepted:?}");
    if let Ok(pool) = accepted {
        assert_no_secret("Pool's Debug", &format!("{pool:?}"));
        assert_no_secret(
            "PooledConnection's Debug",
            &format!("{:?}", pool.get().unwrap()),
        );
    }
}

/// A pool that cannot open its first connection (a database that does not
/// exist, a user the server refuses, a closed port, an `on_connect`
/// statement that fails) reports the server's error at once, not after
/// waiting its whole `timeout` as r2d2 would: a service fails its start-up
/// with the reason instead of hanging.
fn build_fails_at_once_with_the_servers_error<C: Server>(db: &TestDatabase<C>) {
    let patient = Duration::from_secs(120);
    let url = |edit: &dyn Fn(&mut url::Url)| {
        let mut parsed = url::Url::parse(&db.url).expect("test URL");
        edit(&mut parsed);
        parsed.to_string()
    };
    let cases: [(&str, String, &[&str]); 3] = [
        (
            "a database that does not exist",
            url(&|url| url.set_path("/retort_no_such_database")),
            &["retort_no_such_database"],
        ),
        (
            "a user the server refuses",
            url(&|url| {
                url.set_username("retort_no_such_user").expect("user");
                url.set_password(Some(SECRET)).expect("password");
            }),
            &["retort_no_such_user"],
        ),
        (
            "a closed port",
            url(&|url| url.set_port(Some(1)).expect("port")),
            &["refused", "Can't connect"],
        ),
    ];
    for (what, url, server_says) in cases {
        let start = Instant::now();
        let error = PoolConfig::new(&url)
            .timeout(patient)
            .build::<C>()
            .map(drop)
            .expect_err(what);
        let elapsed = start.elapsed();
        assert!(
            elapsed < patient / 4,
            "{what}: build waited {elapsed:?} of its {patient:?} timeout"
        );
        let message = error.to_string();
        assert!(
            matches!(error, PoolError::Connect { .. }),
            "{what}: {error:?}"
        );
        assert!(
            server_says.iter().any(|said| message.contains(said)),
            "{what}: the server's reason is in {message}"
        );
        assert_no_secret(what, &message);
    }
    let error = PoolConfig::new(&db.url)
        .timeout(patient)
        .on_connect("SELECT * FROM retort_no_such_table")
        .build::<C>()
        .map(drop)
        .expect_err("a failing on_connect statement");
    assert!(
        error.to_string().contains("retort_no_such_table"),
        "{error}"
    );
}

server_tests!(
    killed_sessions_are_replaced_before_the_application_sees_them,
    killed_sessions_cost_a_busy_pool_one_failed_query,
    an_unreachable_server_fails_within_timeout_and_recovers_when_back,
    no_error_or_debug_output_shows_the_password,
    build_fails_at_once_with_the_servers_error,
);
