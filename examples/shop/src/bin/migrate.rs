//! Alembic's commands with the shop's models compiled in, for development:
//!
//! ```text
//! cargo run -p retort-example-shop --bin shop-migrate -- --url shop.db \
//!     revision --autogenerate --backends postgresql,mysql,sqlite -m "add a column"
//! cargo run -p retort-example-shop --bin shop-migrate -- --url shop.db upgrade head
//! ```
//!
//! Run it from `examples/shop/`, where `migrations/` is.

fn main() {
    retort::cli::main(retort_example_shop::models::schema(), "migrations")
}
