//! The delivery promise's tenant settings: how likely a late delivery must
//! be before an order opens a "predicted late" exception and tells the buyer.

use super::extract::ApiJson;
use super::problem::{ApiResult, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseSettingsIn {
    /// The probability, in percent (50 to 99), that delivery lands after
    /// the promised date above which an order counts as trending late.
    /// Default 50. Whole percent: a decimal bound would be at the mercy of
    /// float parsing one unit in the last place either side.
    #[schema(minimum = 50, maximum = 99)]
    pub predicted_late_percent: u8,
}

/// The tenant's trending-late threshold.
#[utoipa::path(put, path = "/api/v1/promise-settings", tag = "Delivery promise", request_body = PromiseSettingsIn,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn put_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(input): ApiJson<PromiseSettingsIn>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Admin)?;
    // Below one in two, "trending late" would fire on orders more likely on time than not.
    if !(50..=99).contains(&input.predicted_late_percent) {
        return Err(Problem::field("predicted_late_percent", "must be a whole percent from 50 to 99"));
    }
    let threshold = f64::from(input.predicted_late_percent) / 100.0;
    store::set_predicted_late_threshold(&state.pool, caller.tenant, threshold).await?;
    Ok(StatusCode::NO_CONTENT)
}
