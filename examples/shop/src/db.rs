//! The shop's database: one [`AsyncPool`] of whichever backend
//! `DATABASE_URL` names, and the queries, written once and compiled for
//! each backend's connection.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncMysqlConnection, AsyncPgConnection};
use retort::pool::{AsyncPool, PoolConfig, PoolError, PrePing};
use retort::BackendKind;

use crate::models::{NewOrder, NewProduct, NewUser, Order, Product, User};

/// SQLite behind diesel-async: each statement runs on tokio's blocking
/// threads.
pub type AsyncSqliteConnection = SyncConnectionWrapper<diesel::SqliteConnection>;

/// The migrations, embedded in the binary.
pub static MIGRATIONS: retort::Migrations = retort::embed_migrations!("migrations");

/// How the pool is set up: the lesson's `create_async_engine(pool_size=20,
/// max_overflow=10, pool_pre_ping=True, pool_recycle=300, echo=...)`.
#[derive(Debug, Clone)]
pub struct DbConfig {
    /// `DATABASE_URL`: `postgres://…`, `mysql://…`, or a SQLite file.
    pub url: String,
    /// How long a request waits for a connection before it gets a 503.
    pub pool_timeout: Duration,
    /// Log every statement (target `retort::sql`).
    pub echo: bool,
}

/// The pool, for the backend `DATABASE_URL` names.
#[derive(Clone)]
pub enum Db {
    /// PostgreSQL.
    Postgres(AsyncPool<AsyncPgConnection>),
    /// MySQL or MariaDB.
    Mysql(AsyncPool<AsyncMysqlConnection>),
    /// SQLite.
    Sqlite(AsyncPool<AsyncSqliteConnection>),
}

/// What a query can fail with, before the HTTP layer gives it a status.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No connection within the pool's timeout, or none could be opened.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// The database refused or failed the query.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// A row the request names does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The product has fewer units than the order asks for.
    #[error("product {product_id} has {stock} left, the order asks for {quantity}")]
    OutOfStock {
        /// The product.
        product_id: i64,
        /// What is left.
        stock: i32,
        /// What the order asked for.
        quantity: i32,
    },
}

/// Runs `$call` (a function of the backend modules below, given the
/// connection first) on a connection checked out of whichever pool `$db`
/// holds.
macro_rules! on_connection {
    ($db:expr, $function:ident ( $($argument:expr),* )) => {
        match $db {
            Db::Postgres(pool) => postgres::$function(&mut *pool.get().await?, $($argument),*).await,
            Db::Mysql(pool) => mysql::$function(&mut *pool.get().await?, $($argument),*).await,
            Db::Sqlite(pool) => sqlite::$function(&mut *pool.get().await?, $($argument),*).await,
        }
    };
}

impl Db {
    /// Builds the pool for `config.url`'s backend and applies the pending
    /// migrations on it, without blocking the runtime.
    ///
    /// # Errors
    ///
    /// When the database cannot be reached or a migration fails.
    pub async fn start(
        config: &DbConfig,
    ) -> Result<(Db, retort::Report), Box<dyn std::error::Error>> {
        let pool = PoolConfig::new(config.url.clone())
            .name("shop")
            .pool_size(20)
            .max_overflow(10)
            // pool_pre_ping: a connection idle for a second is pinged
            // before it is handed out; one in constant use is not.
            .pre_ping(PrePing::IfIdleFor(Duration::from_secs(1)))
            .recycle(Duration::from_secs(300))
            .timeout(config.pool_timeout)
            .echo(config.echo);
        Ok(match BackendKind::from_url(&config.url) {
            BackendKind::Postgres => {
                let pool = pool.build_async::<AsyncPgConnection>().await?;
                let report = retort::migrate_to_head_async(&pool, &MIGRATIONS).await?;
                (Db::Postgres(pool), report)
            }
            BackendKind::Mysql => {
                let pool = pool.build_async::<AsyncMysqlConnection>().await?;
                let report = retort::migrate_to_head_async(&pool, &MIGRATIONS).await?;
                (Db::Mysql(pool), report)
            }
            _ => {
                let pool = pool.build_async::<AsyncSqliteConnection>().await?;
                let report = retort::migrate_to_head_async(&pool, &MIGRATIONS).await?;
                (Db::Sqlite(pool), report)
            }
        })
    }

    /// Checks a connection out and runs `SELECT 1` on it.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_connection!(self, ping())
    }

    pub async fn create_user(&self, new: &NewUser) -> Result<User, StoreError> {
        on_connection!(self, create_user(new))
    }

    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        on_connection!(self, user(id))
    }

    pub async fn create_product(&self, new: &NewProduct) -> Result<Product, StoreError> {
        on_connection!(self, create_product(new))
    }

    pub async fn product(&self, id: i64) -> Result<Product, StoreError> {
        on_connection!(self, product(id))
    }

    pub async fn products(&self) -> Result<Vec<Product>, StoreError> {
        on_connection!(self, products())
    }

    pub async fn create_order(&self, new: &NewOrder) -> Result<Order, StoreError> {
        on_connection!(self, create_order(new))
    }

    pub async fn order(&self, id: i64) -> Result<Order, StoreError> {
        on_connection!(self, order(id))
    }

    pub async fn orders_of(&self, user_id: i64) -> Result<Vec<Order>, StoreError> {
        on_connection!(self, orders_of(user_id))
    }
}

/// The id the connection's last insert generated.
#[derive(QueryableByName)]
struct InsertedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The queries for one backend's connection type: the same source for
/// every backend, but the statement that reads the id an insert generated
/// (MySQL has no `RETURNING`).
macro_rules! queries {
    ($module:ident, $connection:ty, $last_insert_id:literal) => {
        mod $module {
            use diesel::prelude::*;
            use diesel_async::{AsyncConnection, RunQueryDsl};

            use super::{InsertedId, StoreError};
            use crate::models::{orders, products, users};
            use crate::models::{NewOrder, NewProduct, NewUser, Order, Product, User};

            type Conn = $connection;

            async fn last_insert_id(conn: &mut Conn) -> Result<i64, StoreError> {
                // language=SQL
                let row: InsertedId = diesel::sql_query($last_insert_id).get_result(conn).await?;
                Ok(row.id)
            }

            pub async fn ping(conn: &mut Conn) -> Result<(), StoreError> {
                // language=SQL
                diesel::sql_query("SELECT 1").execute(conn).await?;
                Ok(())
            }

            pub async fn create_user(conn: &mut Conn, new: &NewUser) -> Result<User, StoreError> {
                diesel::insert_into(users::table)
                    .values(new)
                    .execute(conn)
                    .await?;
                let id = last_insert_id(conn).await?;
                user(conn, id).await
            }

            pub async fn user(conn: &mut Conn, id: i64) -> Result<User, StoreError> {
                users::table
                    .find(id)
                    .select(User::as_select())
                    .first(conn)
                    .await
                    .optional()?
                    .ok_or(StoreError::NotFound("user"))
            }

            pub async fn create_product(
                conn: &mut Conn,
                new: &NewProduct,
            ) -> Result<Product, StoreError> {
                diesel::insert_into(products::table)
                    .values(new)
                    .execute(conn)
                    .await?;
                let id = last_insert_id(conn).await?;
                product(conn, id).await
            }

            pub async fn product(conn: &mut Conn, id: i64) -> Result<Product, StoreError> {
                products::table
                    .find(id)
                    .select(Product::as_select())
                    .first(conn)
                    .await
                    .optional()?
                    .ok_or(StoreError::NotFound("product"))
            }

            pub async fn products(conn: &mut Conn) -> Result<Vec<Product>, StoreError> {
                Ok(products::table
                    .select(Product::as_select())
                    .order(products::id)
                    .limit(100)
                    .load(conn)
                    .await?)
            }

            /// Takes the units from the product's stock and records the
            /// order, in one transaction.
            pub async fn create_order(
                conn: &mut Conn,
                new: &NewOrder,
            ) -> Result<Order, StoreError> {
                let (user_id, product_id, quantity) = (new.user_id, new.product_id, new.quantity);
                conn.transaction::<_, StoreError, _>(async move |conn| {
                    user(conn, user_id).await?;
                    let bought = product(conn, product_id).await?;
                    let taken = diesel::update(
                        products::table
                            .find(product_id)
                            .filter(products::stock.ge(quantity)),
                    )
                    .set(products::stock.eq(products::stock - quantity))
                    .execute(conn)
                    .await?;
                    if taken == 0 {
                        return Err(StoreError::OutOfStock {
                            product_id,
                            stock: bought.stock,
                            quantity,
                        });
                    }
                    let total_cents = bought.price_cents * i64::from(quantity);
                    diesel::insert_into(orders::table)
                        .values((
                            orders::user_id.eq(user_id),
                            orders::product_id.eq(product_id),
                            orders::quantity.eq(quantity),
                            orders::total_cents.eq(total_cents),
                        ))
                        .execute(conn)
                        .await?;
                    let id = last_insert_id(conn).await?;
                    Ok(Order {
                        id,
                        user_id,
                        product_id,
                        quantity,
                        total_cents,
                    })
                })
                .await
            }

            pub async fn order(conn: &mut Conn, id: i64) -> Result<Order, StoreError> {
                orders::table
                    .find(id)
                    .select(Order::as_select())
                    .first(conn)
                    .await
                    .optional()?
                    .ok_or(StoreError::NotFound("order"))
            }

            pub async fn orders_of(
                conn: &mut Conn,
                user_id: i64,
            ) -> Result<Vec<Order>, StoreError> {
                user(conn, user_id).await?;
                Ok(orders::table
                    .filter(orders::user_id.eq(user_id))
                    .select(Order::as_select())
                    .order(orders::id)
                    .load(conn)
                    .await?)
            }
        }
    };
}

queries!(
    postgres,
    diesel_async::AsyncPgConnection,
    "SELECT lastval() AS id"
);
queries!(
    mysql,
    diesel_async::AsyncMysqlConnection,
    "SELECT CAST(LAST_INSERT_ID() AS SIGNED) AS id"
);
queries!(
    sqlite,
    super::AsyncSqliteConnection,
    "SELECT last_insert_rowid() AS id"
);
