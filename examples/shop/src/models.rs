//! The shop's tables, once: each struct is a retort model (the schema that
//! autogenerate diffs and the migrations create), a diesel row (what the
//! queries load), and, through `diesel_table`, diesel's `table!` the
//! queries are checked against: there is no `schema.rs` to drift.

use diesel::prelude::*;
use retort::Model;
use serde::{Deserialize, Serialize};

retort::diesel_tables!(users, products, orders);

/// Someone who can order.
#[derive(Model, Queryable, Selectable, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[model(table = "users", diesel_table)]
#[diesel(table_name = users)]
pub struct User {
    #[model(primary_key)]
    pub id: i64,
    /// Where the receipts go; one account per address.
    #[model(unique, max_length = 255)]
    pub email: String,
    #[model(max_length = 255)]
    pub name: String,
}

/// Something to sell, with what is left of it.
#[derive(Model, Queryable, Selectable, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[model(table = "products", diesel_table)]
#[model(check(name = "price_not_negative", expr = "price_cents >= 0"))]
#[model(check(name = "stock_not_negative", expr = "stock >= 0"))]
#[diesel(table_name = products)]
pub struct Product {
    #[model(primary_key)]
    pub id: i64,
    #[model(max_length = 255)]
    pub name: String,
    /// The unit price in cents.
    pub price_cents: i64,
    /// Units in the warehouse.
    pub stock: i32,
}

/// A user's order of some units of one product, at the price of the day.
#[derive(Model, Queryable, Selectable, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[model(table = "orders", diesel_table)]
#[model(check(name = "quantity_positive", expr = "quantity > 0"))]
#[diesel(table_name = orders)]
pub struct Order {
    #[model(primary_key)]
    pub id: i64,
    #[model(references = "users.id", on_delete = "cascade", index)]
    pub user_id: i64,
    #[model(references = "products.id", index)]
    pub product_id: i64,
    pub quantity: i32,
    /// `quantity` times the product's price when the order was placed.
    pub total_cents: i64,
}

/// The body of `POST /users`.
#[derive(Insertable, Deserialize, Debug)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub email: String,
    pub name: String,
}

/// The body of `POST /products`.
#[derive(Insertable, Deserialize, Debug)]
#[diesel(table_name = products)]
pub struct NewProduct {
    pub name: String,
    pub price_cents: i64,
    pub stock: i32,
}

/// The body of `POST /orders`: the price is the product's, not the
/// client's.
#[derive(Deserialize, Debug)]
pub struct NewOrder {
    pub user_id: i64,
    pub product_id: i64,
    pub quantity: i32,
}

/// The models, as autogenerate and the migration tests see them.
pub fn schema() -> retort::Schema {
    retort::schema![User, Product, Order]
}
