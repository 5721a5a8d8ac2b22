//! The shop service of the async lesson (FastAPI on
//! `create_async_engine(pool_size=20, max_overflow=10, pool_pre_ping=True,
//! pool_recycle=300)`, `alembic upgrade head` before it starts, the pool
//! watched in Prometheus), written with axum and retort:
//!
//! - [`models`]: users, products and orders as `#[derive(Model)]` structs;
//!   `migrations/` holds the revision autogenerate wrote from them, with
//!   SQL for PostgreSQL, MySQL and SQLite, embedded in the binary.
//! - [`db`]: the [`AsyncPool`](retort::pool::AsyncPool) and the queries;
//!   `retort::migrate_to_head_async` runs before the service listens.
//! - [`http`]: the JSON API, `/health` and `/metrics`; a pool timeout is a
//!   503 with `Retry-After`.
//!
//! `src/main.rs` reads the configuration from the environment and serves
//! until SIGINT or SIGTERM, finishing the requests in flight.

pub mod db;
pub mod http;
pub mod models;
