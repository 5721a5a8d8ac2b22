//! The shop's tables, once: each struct is a retort model (the schema that
//! autogenerate diffs and the migrations create) and a diesel row (what the
//! queries load), and `schema` holds diesel's view of the same tables.

use diesel::prelude::*;
use retort::Model;
use serde::{Deserialize, Serialize};

/// diesel's description of the tables the models below define.
pub mod schema {
    diesel::table! {
        users (id) {
            id -> BigInt,
            email -> Varchar,
            name -> Varchar,
        }
    }

    diesel::table! {
        products (id) {
            id -> BigInt,
            name -> Varchar,
            price_cents -> BigInt,
            stock -> Integer,
        }
    }

    diesel::table! {
        orders (id) {
            id -> BigInt,
            user_id -> BigInt,
            product_id -> BigInt,
            quantity -> Integer,
            total_cents -> BigInt,
        }
    }

    diesel::joinable!(orders -> users (user_id));
    diesel::joinable!(orders -> products (product_id));
    diesel::allow_tables_to_appear_in_same_query!(users, products, orders);
}

/// Someone who can order.
#[derive(Model, Queryable, Selectable, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[model(table = "users")]
#[diesel(table_name = schema::users)]
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
#[model(table = "products")]
#[model(check(name = "price_not_negative", expr = "price_cents >= 0"))]
#[model(check(name = "stock_not_negative", expr = "stock >= 0"))]
#[diesel(table_name = schema::products)]
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
#[model(table = "orders")]
#[model(check(name = "quantity_positive", expr = "quantity > 0"))]
#[diesel(table_name = schema::orders)]
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
#[diesel(table_name = schema::users)]
pub struct NewUser {
    pub email: String,
    pub name: String,
}

/// The body of `POST /products`.
#[derive(Insertable, Deserialize, Debug)]
#[diesel(table_name = schema::products)]
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
