//! The JSON API, `/health` and `/metrics`, and how a failure becomes a
//! status: a pool that hands out no connection in time is 503, at once,
//! not a request that hangs.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use metrics_exporter_prometheus::PrometheusHandle;
use retort::pool::PoolError;
use serde_json::json;

use crate::db::{Db, StoreError};
use crate::models::{NewOrder, NewProduct, NewUser, Order, Product, User};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The Prometheus recorder's view, rendered by `/metrics`.
    pub prometheus: PrometheusHandle,
}

/// The shop's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/users", post(create_user))
        .route("/users/{id}", get(user))
        .route("/users/{id}/orders", get(orders_of))
        .route("/products", post(create_product).get(products))
        .route("/products/{id}", get(product))
        .route("/orders", post(create_order))
        .route("/orders/{id}", get(order))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// A failed request: its status and a message for the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn unprocessable(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        let status = match &error {
            // The pool's messages carry no password.
            StoreError::Pool(PoolError::Exhausted { .. } | PoolError::Connect { .. }) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            StoreError::NotFound(_) => StatusCode::NOT_FOUND,
            StoreError::OutOfStock { .. } => StatusCode::CONFLICT,
            StoreError::Query(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                _,
            )) => StatusCode::CONFLICT,
            StoreError::Query(DieselError::DatabaseError(
                DatabaseErrorKind::ForeignKeyViolation | DatabaseErrorKind::CheckViolation,
                _,
            )) => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!("request failed: {error}");
        }
        ApiError {
            status,
            message: error.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(json!({ "error": self.message }));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            (self.status, [(header::RETRY_AFTER, "1")], body).into_response()
        } else {
            (self.status, body).into_response()
        }
    }
}

type ApiResult<T> = Result<T, ApiError>;

async fn create_user(
    State(state): State<AppState>,
    Json(new): Json<NewUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    if !new.email.contains('@') || new.email.len() > 255 {
        return Err(ApiError::unprocessable(format!(
            "email {:?} is not an address of at most 255 bytes",
            new.email
        )));
    }
    if new.name.is_empty() || new.name.len() > 255 {
        return Err(ApiError::unprocessable("name must have 1 to 255 bytes"));
    }
    Ok((StatusCode::CREATED, Json(state.db.create_user(&new).await?)))
}

async fn user(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<Json<User>> {
    Ok(Json(state.db.user(id).await?))
}

async fn orders_of(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Order>>> {
    Ok(Json(state.db.orders_of(id).await?))
}

async fn create_product(
    State(state): State<AppState>,
    Json(new): Json<NewProduct>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    if new.name.is_empty() || new.name.len() > 255 {
        return Err(ApiError::unprocessable("name must have 1 to 255 bytes"));
    }
    if new.price_cents < 0 || new.stock < 0 {
        return Err(ApiError::unprocessable(
            "price_cents and stock cannot be negative",
        ));
    }
    Ok((
        StatusCode::CREATED,
        Json(state.db.create_product(&new).await?),
    ))
}

async fn product(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<Json<Product>> {
    Ok(Json(state.db.product(id).await?))
}

async fn products(State(state): State<AppState>) -> ApiResult<Json<Vec<Product>>> {
    Ok(Json(state.db.products().await?))
}

async fn create_order(
    State(state): State<AppState>,
    Json(new): Json<NewOrder>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    if new.quantity <= 0 {
        return Err(ApiError::unprocessable("quantity must be at least 1"));
    }
    Ok((
        StatusCode::CREATED,
        Json(state.db.create_order(&new).await?),
    ))
}

async fn order(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<Json<Order>> {
    Ok(Json(state.db.order(id).await?))
}

/// 200 when a connection can be checked out and answers `SELECT 1`, 503
/// otherwise.
async fn health(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => Json(json!({ "status": "ok" })).into_response(),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "error": error.to_string() })),
        )
            .into_response(),
    }
}

/// Every series the process records, the pool's `retort_pool_*` among
/// them, in Prometheus' text format.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.prometheus.render(),
    )
}
