//! Operations endpoints: `/healthz` (is the app up and can it reach its database?) and
//! `/metrics` (Prometheus text format: request counts and latencies by route template, for the
//! loopback interface or holders of the configured token).

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_prometheus::metrics_exporter_prometheus::PrometheusHandle;
use axum_prometheus::{EndpointLabel, PrometheusMetricLayer, PrometheusMetricLayerBuilder};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::error::ErrorPage;
use crate::web::access::{Access, Routes};
use crate::web::client_ip;
use crate::{Config, database};

/// The metrics layer and its exporter handle. The recorder is process-global: it is installed
/// once, however many apps a process builds (tests build one per test).
pub fn metrics() -> &'static (PrometheusMetricLayer<'static>, PrometheusHandle) {
    static METRICS: OnceLock<(PrometheusMetricLayer<'static>, PrometheusHandle)> = OnceLock::new();
    METRICS.get_or_init(|| {
        PrometheusMetricLayerBuilder::new()
            // Labelled by route template; every path that matches no route shares one label,
            // so unknown URLs cannot grow the metrics.
            .with_endpoint_label_type(EndpointLabel::MatchedPathWithFallbackFn(|_| {
                UNMATCHED.to_owned()
            }))
            .with_default_metrics()
            .build_pair()
    })
}

/// The endpoint label of requests that matched no route.
pub const UNMATCHED: &str = "unmatched";

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

/// The metrics, for callers on the loopback interface or holding the configured token
/// (`TERRITOIRES_METRICS_TOKEN`, sent as `Authorization: Bearer …`); others get 403.
async fn prometheus(
    State(config): State<Arc<Config>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
) -> Response {
    let peer = peer.map(|Extension(ConnectInfo(p))| p);
    let local = client_ip(&config, &headers, peer).is_some_and(|ip| ip.is_loopback());
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let holds_token = match (&config.metrics_token, token) {
        (Some(expected), Some(given)) => {
            Sha256::digest(expected.as_bytes()) == Sha256::digest(given.as_bytes())
        }
        _ => false,
    };
    if local || holds_token {
        metrics().1.render().into_response()
    } else {
        ErrorPage::Forbidden.response()
    }
}
