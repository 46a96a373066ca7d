//! `POST /api/v1/edi`: an X12 interchange as the raw body.

use super::extract::RawBody;
use super::problem::{ApiResult, Problem};
use crate::auth::api_key::ApiCaller;
use crate::ingest::edi::{self, EdiOutcome};
use crate::ingest::x12;
use crate::state::AppState;
use axum::extract::State;
use axum::{Extension, Json};

/// Accepts one X12 interchange (ISA ... IEA) with any separators and line
/// endings: 214 shipment status, 856 advance ship notice, 850 purchase order,
/// 855 PO acknowledgment. The envelope is checked first (control counts and
/// numbers); a broken one is refused with the segment position and what was
/// expected, and nothing is recorded. Then each transaction set is applied on
/// its own and the response lists what it became. Resending an interchange
/// (same sender and ISA13) returns the first results and changes nothing.
/// Each set needs its scope: 214 `carrier`, 856 `wms`, 850 and 855 `oms`.
#[utoipa::path(post, path = "/api/v1/edi", tag = "EDI",
    request_body(content = String, content_type = "application/edi-x12", description = "An X12 interchange"),
    responses(
        (status = 200, body = EdiOutcome),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's scopes do not cover a transaction set", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The envelope is broken; `errors[0].message` names the segment", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = ["oms", "wms", "carrier"])))]
pub async fn post_edi(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    RawBody(body): RawBody,
) -> ApiResult<Json<EdiOutcome>> {
    let interchange = x12::parse(&body).map_err(|e| Problem::field("body", e.to_string()))?;
    for transaction in interchange.groups.iter().flat_map(|g| &g.transactions) {
        if let Some(scope) = edi::scope_for(&transaction.set_id).filter(|scope| !caller.has(*scope)) {
            return Err(Problem::forbidden(format!(
                "This API key lacks the `{}` scope needed for transaction set {} (ST02 {}); nothing was recorded.",
                scope.as_str(),
                transaction.set_id,
                transaction.control_number
            )));
        }
    }
    Ok(Json(edi::apply(&state, caller.tenant, &body, &interchange).await?))
}
