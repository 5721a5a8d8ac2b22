//! The shop binary, started on a fresh database and driven over real HTTP:
//! users, products and orders created and read back, the pool's checkouts
//! in `/metrics`, and, on PostgreSQL, a burst of requests larger than the
//! pool while the database holds them up: the requests the pool cannot
//! serve get a 503 at once, none hangs, and the timeouts are counted.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::StatusCode;
use retort_test_support::{fresh_or_skip, Server};
use serde_json::{json, Value};

/// The pool's size: `pool_size(20)` + `max_overflow(10)`.
const MAX_CONNECTIONS: usize = 30;

/// The running shop; killed if the test ends without stopping it.
struct Shop {
    child: Child,
    base: String,
    /// The rest of its standard output, line by line.
    stdout: mpsc::Receiver<String>,
}

impl Shop {
    fn start(database_url: &str, pool_timeout_ms: u64) -> Shop {
        let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
        command.env("DATABASE_URL", database_url);
        Shop::spawn(command, pool_timeout_ms)
    }

    /// Starts the shop with `command`'s environment and directory.
    fn spawn(mut command: Command, pool_timeout_ms: u64) -> Shop {
        let mut child = command
            .env("SHOP_ADDR", "127.0.0.1:0")
            .env("SHOP_POOL_TIMEOUT_MS", pool_timeout_ms.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the shop binary");
        let (lines, stdout) = mpsc::channel();
        let out = BufReader::new(child.stdout.take().expect("piped stdout"));
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut shop = Shop {
            child,
            base: String::new(),
            stdout,
        };
        loop {
            // A shop that fails to start exits: its stdout closes.
            let line = shop
                .stdout
                .recv_timeout(Duration::from_secs(120))
                .expect("the shop printed its address (see its stderr above)");
            if let Some(address) = line.strip_prefix("shop listening on ") {
                shop.base = address.to_owned();
                return shop;
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGTERM, then the exit: graceful shutdown ends the process with 0.
    fn stop(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        let exit = self.child.wait().expect("wait for the shop");
        assert!(exit.success(), "the shop exited with {exit} after SIGTERM");
        // The reader thread ends at the end of the output, which the exit
        // closed.
        let rest: Vec<String> = self.stdout.iter().collect();
        assert!(
            rest.iter().any(|line| line == "shop stopped"),
            "no 'shop stopped' line after SIGTERM: {rest:?}"
        );
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> Value {
    let response = client.post(&url).json(&body).send().await.expect("POST");
    assert_eq!(response.status(), StatusCode::CREATED, "POST {url} {body}");
    response.json().await.expect("JSON body")
}

async fn get(client: &reqwest::Client, url: String) -> Value {
    let response = client.get(&url).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK, "GET {url}");
    response.json().await.expect("JSON body")
}

/// The value of the series `name{pool="shop"...}` in `/metrics`, 0 when
/// absent.
async fn pool_series(client: &reqwest::Client, shop: &Shop, name: &str) -> f64 {
    let text = client
        .get(shop.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("metrics text");
    text.lines()
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') && line.contains(r#"pool="shop""#))
        })
        .map(|line| {
            line.rsplit(' ')
                .next()
                .and_then(|value| value.parse::<f64>().ok())
                .unwrap_or_else(|| panic!("a number at the end of {line:?}"))
        })
        .sum()
}

/// Creates a user, a product and an order, reads them back, and checks the
/// errors a client can cause; returns the product's id.
async fn shop_round_trip(client: &reqwest::Client, shop: &Shop) -> i64 {
    let health = get(client, shop.url("/health")).await;
    assert_eq!(health["status"], "ok");

    let user = post(
        client,
        shop.url("/users"),
        json!({ "email": "ada@example.com", "name": "Ada" }),
    )
    .await;
    let user_id = user["id"].as_i64().expect("user id");
    assert_eq!(
        get(client, shop.url(&format!("/users/{user_id}"))).await,
        user
    );
    let duplicate = client
        .post(shop.url("/users"))
        .json(&json!({ "email": "ada@example.com", "name": "Ada again" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);

    let product = post(
        client,
        shop.url("/products"),
        json!({ "name": "kettle", "price_cents": 2599, "stock": 5 }),
    )
    .await;
    let product_id = product["id"].as_i64().expect("product id");

    let order = post(
        client,
        shop.url("/orders"),
        json!({ "user_id": user_id, "product_id": product_id, "quantity": 2 }),
    )
    .await;
    let order_id = order["id"].as_i64().expect("order id");
    assert_eq!(order["total_cents"], 5198);
    assert_eq!(
        get(client, shop.url(&format!("/orders/{order_id}"))).await,
        order
    );
    assert_eq!(
        get(client, shop.url(&format!("/users/{user_id}/orders"))).await,
        json!([order])
    );
    let stocked = get(client, shop.url(&format!("/products/{product_id}"))).await;
    assert_eq!(stocked["stock"], 3, "the order took 2 of 5");

    let too_many = client
        .post(shop.url("/orders"))
        .json(&json!({ "user_id": user_id, "product_id": product_id, "quantity": 4 }))
        .send()
        .await
        .expect("POST");
    assert_eq!(too_many.status(), StatusCode::CONFLICT, "4 ordered, 3 left");
    let missing = client
        .get(shop.url("/users/999999"))
        .send()
        .await
        .expect("GET");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let checkouts = pool_series(client, shop, "retort_pool_checkouts_total").await;
    assert!(
        checkouts >= 10.0,
        "the requests above checked out at least 10 connections; /metrics says {checkouts}"
    );
    product_id
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

#[test]
fn postgres_orders_metrics_and_a_burst_past_the_pool() {
    let Some(database) = fresh_or_skip(Server::Postgres) else {
        return;
    };
    let shop = Shop::start(&database.url, 300);
    runtime().block_on(async {
        let client = reqwest::Client::new();
        let product_id = shop_round_trip(&client, &shop).await;

        // The database holds every request that reads the products up:
        // each keeps its connection until the lock goes, so the pool runs
        // out and the rest of the burst waits for its 300 ms timeout.
        let (lock_tx, lock_rx) = mpsc::channel::<()>();
        let (locked_tx, locked_rx) = mpsc::channel::<()>();
        let url = database.url.clone();
        let locker = std::thread::spawn(move || {
            use diesel::connection::SimpleConnection;
            use diesel::Connection;
            let mut conn = diesel::PgConnection::establish(&url).expect("connect the locker");
            // language=SQL
            conn.batch_execute("BEGIN; LOCK TABLE products IN ACCESS EXCLUSIVE MODE")
                .expect("lock products");
            locked_tx.send(()).expect("report the lock");
            let _ = lock_rx.recv();
            conn.batch_execute("COMMIT").expect("release the lock");
        });
        locked_rx.recv().expect("the products are locked");

        let burst = 3 * MAX_CONNECTIONS;
        let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
        for _ in 0..burst {
            let (client, url, done) = (
                client.clone(),
                shop.url(&format!("/products/{product_id}")),
                done_tx.clone(),
            );
            tokio::spawn(async move {
                let status = client
                    .get(url)
                    .send()
                    .await
                    .map(|response| response.status());
                let _ = done.send(status.map_err(|error| error.to_string()));
            });
        }
        drop(done_tx);

        // While the lock is held, at most MAX_CONNECTIONS requests can be
        // in the database: every other one must be answered, with a 503,
        // before the lock goes. The deadline only keeps a hung shop from
        // hanging the test; 300 ms is what each should take.
        let mut unavailable = 0;
        let mut answered_during_lock = Vec::new();
        while answered_during_lock.len() < burst - MAX_CONNECTIONS {
            let status = tokio::time::timeout(Duration::from_secs(60), done_rx.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "only {} of the {} requests the pool cannot serve were answered \
                         while the database held the others",
                        answered_during_lock.len(),
                        burst - MAX_CONNECTIONS
                    )
                })
                .expect("a request's outcome")
                .expect("an HTTP response");
            answered_during_lock.push(status);
        }
        for status in &answered_during_lock {
            assert_eq!(
                *status,
                StatusCode::SERVICE_UNAVAILABLE,
                "only 503s can come back while the products are locked: {answered_during_lock:?}"
            );
            unavailable += 1;
        }

        lock_tx.send(()).expect("release the lock");
        locker.join().expect("locker thread");
        let mut served = 0;
        while let Some(status) = done_rx.recv().await {
            match status.expect("an HTTP response") {
                StatusCode::OK => served += 1,
                StatusCode::SERVICE_UNAVAILABLE => unavailable += 1,
                other => panic!("a request of the burst got {other}"),
            }
        }
        eprintln!("burst of {burst}: {served} served, {unavailable} answered 503");
        assert_eq!(served + unavailable, burst);
        assert!(
            served >= 1,
            "the requests that held connections are served once the lock goes"
        );
        let timeouts = pool_series(&client, &shop, "retort_pool_timeouts_total").await;
        assert_eq!(
            timeouts, unavailable as f64,
            "every 503 is a pool timeout counted in /metrics"
        );
        let health = get(&client, shop.url("/health")).await;
        assert_eq!(health["status"], "ok", "the pool is whole after the burst");
    });
    shop.stop();
}

#[test]
fn without_database_url_the_shop_runs_on_sqlite_in_shop_db() {
    let Some(database) = fresh_or_skip(Server::Sqlite) else {
        return;
    };
    // The fresh database's temporary directory, as the working directory.
    let directory = std::path::Path::new(&database.url)
        .parent()
        .expect("the SQLite file's directory")
        .to_owned();
    let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
    command.env_remove("DATABASE_URL").current_dir(&directory);
    let shop = Shop::spawn(command, 5_000);
    runtime().block_on(async {
        shop_round_trip(&reqwest::Client::new(), &shop).await;
    });
    shop.stop();
    assert!(
        directory.join("shop.db").is_file(),
        "the shop's default database is shop.db in its working directory"
    );
}

#[test]
fn mysql_orders_and_metrics() {
    let Some(database) = fresh_or_skip(Server::Mysql) else {
        return;
    };
    let shop = Shop::start(&database.url, 5_000);
    runtime().block_on(async {
        shop_round_trip(&reqwest::Client::new(), &shop).await;
    });
    shop.stop();
}
