//! `GET /api/v1/kpis` and its CSV tables: the KPI dashboard's numbers for
//! the caller's tenant, for an API key with the `admin` scope. A person's
//! session opens no API route (the house's rule), so the dashboard page
//! downloads the same CSV tables from `/portal/dashboard/csv/{table}`,
//! open to signed-in administrators and customer service.

use super::extract::ApiQuery;
use super::problem::{ApiResult, Problem};
use crate::auth::{api_key, session};
use crate::domain::kpi::KpiReport;
use crate::domain::TenantId;
use crate::kpis::{FilterError, FilterInput};
use crate::policy::{self, Action, Decision, Scope};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;

pub fn router() -> Router<AppState> {
    Router::new().route("/kpis", get(get_kpis)).route("/kpis/csv/{table}", get(get_kpi_csv))
}

/// The filters, as query parameters. Dates are `YYYY-MM-DD`; the range is
/// widened to whole weeks (Monday to Sunday, UTC).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KpiQuery {
    /// First day (default: the Monday eleven weeks before this week's).
    pub from: Option<String>,
    /// Last day (default: today); at most 731 days after `from`.
    pub to: Option<String>,
    /// A carrier as it appears in the carrier scorecard.
    pub carrier: Option<String>,
    /// A lane as in the lane scorecard: `OH → CO` (origin region → destination region).
    pub lane: Option<String>,
    /// A ship-from site as in the ship-from table.
    pub ship_from: Option<String>,
    /// A customer account's external reference.
    pub account: Option<String>,
}

impl From<KpiQuery> for FilterInput {
    fn from(q: KpiQuery) -> Self {
        FilterInput {
            from: q.from,
            to: q.to,
            carrier: q.carrier,
            lane: q.lane,
            ship_from: q.ship_from,
            account: q.account,
        }
    }
}

/// Whose KPIs a system may read: its API key's tenant, with the `admin` scope.
async fn key_viewer(state: &AppState, headers: &HeaderMap) -> ApiResult<TenantId> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| Problem::unauthorized("Send an API key as `Authorization: Bearer <key>`."))?;
    let caller = api_key::authenticate(&state.pool, key)
        .await?
        .ok_or_else(|| Problem::unauthorized("The API key is unknown or has been revoked."))?;
    match caller.has(Scope::Admin) {
        true => Ok(caller.tenant),
        false => Err(Problem::forbidden("This API key lacks the `admin` scope needed here.")),
    }
}

/// Whose KPIs a person may read: their tenant's, if they are staff.
async fn session_viewer(state: &AppState, headers: &HeaderMap) -> ApiResult<TenantId> {
    let signed_in = session::signed_in(state, headers)
        .await?
        .ok_or_else(|| Problem::unauthorized("Sign in to the portal to download the KPI tables."))?;
    match policy::decide_role(&signed_in.person, Action::ViewKpis) {
        Decision::Allow => Ok(signed_in.person.tenant),
        _ => Err(Problem::forbidden("The KPI dashboard is for administrators and customer service.")),
    }
}

/// The report for a tenant and the filters as typed, or the problem naming
/// the bad field.
pub async fn load(state: &AppState, tenant: TenantId, input: &FilterInput) -> ApiResult<KpiReport> {
    let today = Utc::now().date_naive();
    let filter = match input.parse(&state.pool, tenant, today).await {
        Ok(filter) => filter,
        Err(FilterError::Bad(bad)) => return Err(Problem::field(bad.field, bad.message)),
        Err(FilterError::Store(e)) => return Err(e.into()),
    };
    Ok(crate::kpis::report(&state.pool, tenant, &filter, input.account_ref()).await?)
}

/// KPIs: on-time delivery, promise accuracy, click-to-door and handling
/// time, carrier, lane and ship-from scorecards, exceptions, WISMO
/// indicators, event quality and notifications, with weekly trends. Read
/// from rollups that a background worker keeps a few seconds behind the
/// event log (`rolled_up_to_event` says how far).
#[utoipa::path(get, path = "/api/v1/kpis", tag = "KPIs", params(KpiQuery),
    responses((status = 200, body = KpiReport),
              (status = 422, description = "A filter is invalid (named in `errors`)", body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn get_kpis(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<KpiQuery>,
) -> ApiResult<Json<KpiReport>> {
    let tenant = key_viewer(&state, &headers).await?;
    Ok(Json(load(&state, tenant, &query.into()).await?))
}

/// One table of the KPI report as CSV (`summary`, `weekly`, `carriers`,
/// `lanes`, `ship_from`, `exceptions`, `event_quality`, `notifications`),
/// with the same filters as `GET /api/v1/kpis`.
#[utoipa::path(get, path = "/api/v1/kpis/csv/{table}", tag = "KPIs",
    params(("table" = String, Path, description = "summary, weekly, carriers, lanes, ship_from, exceptions, event_quality or notifications"), KpiQuery),
    responses((status = 200, description = "RFC 4180 CSV with a header row", content_type = "text/csv", body = String),
              (status = 404, description = "No such table", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "A filter is invalid (named in `errors`)", body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn get_kpi_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(table): Path<String>,
    ApiQuery(query): ApiQuery<KpiQuery>,
) -> ApiResult<Response> {
    let tenant = key_viewer(&state, &headers).await?;
    csv_response(&state, tenant, &table, query).await
}

/// `GET /portal/dashboard/csv/{table}`: the dashboard's download links,
/// the same tables for a signed-in administrator or customer-service person.
pub async fn portal_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(table): Path<String>,
    ApiQuery(query): ApiQuery<KpiQuery>,
) -> ApiResult<Response> {
    let tenant = session_viewer(&state, &headers).await?;
    csv_response(&state, tenant, &table, query).await
}

async fn csv_response(state: &AppState, tenant: TenantId, table: &str, query: KpiQuery) -> ApiResult<Response> {
    if !crate::kpis::TABLES.contains(&table) {
        return Err(Problem::not_found("KPI table", "table", table));
    }
    let report = load(state, tenant, &query.into()).await?;
    let csv = crate::kpis::csv_table(&report, table).ok_or_else(Problem::internal)?;
    let filename = format!("attachment; filename=\"kpis-{table}-{}-{}.csv\"", report.from, report.to);
    let mut response =
        ([(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"))], csv).into_response();
    if let Ok(value) = HeaderValue::from_str(&filename) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
