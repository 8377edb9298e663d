//! Operations endpoints: `/healthz` (is the app up and can it reach its database?) and
//! `/metrics` (Prometheus text format: request counts and latencies by route).

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_prometheus::PrometheusMetricLayer;
use axum_prometheus::metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;

use crate::database;
use crate::web::access::{Access, Routes};

/// The metrics layer and its exporter handle. The recorder is process-global: it is installed
/// once, however many apps a process builds (tests build one per test).
pub fn metrics() -> &'static (PrometheusMetricLayer<'static>, PrometheusHandle) {
    static METRICS: OnceLock<(PrometheusMetricLayer<'static>, PrometheusHandle)> = OnceLock::new();
    METRICS.get_or_init(PrometheusMetricLayer::pair)
}

pub fn routes() -> Routes {
    Routes::new().get("/healthz", Access::Anyone, healthz).get(
        "/metrics",
        Access::Anyone,
        prometheus,
    )
}

/// 200 when the database answers a ping within two seconds, 503 otherwise.
async fn healthz(State(pool): State<PgPool>) -> impl IntoResponse {
    if database::ping(&pool).await {
        (StatusCode::OK, "ok\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
    }
}

async fn prometheus() -> String {
    metrics().1.render()
}
