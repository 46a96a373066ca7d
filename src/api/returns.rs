//! Returns (RMA) on the order's thread: the tenant's return policy, a
//! return requested for delivered lines, the decision, the return parcels
//! (whose carrier events then land on the return), the warehouse's
//! receipt, accounting's credit, and the returns KPIs. Thin handlers over
//! `crate::returns`; refusals name the line (`lines[1].quantity`) with the
//! sentence the buyer would read.

use super::extract::{ApiJson, ApiQuery, RawBody};
use super::orders::find_order;
use super::problem::{ApiResult, FieldError, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::domain::returns::{
    Condition, CreditMemo, InspectedLine, Refusal, RequestError, Resolution, ReturnPolicy, ReturnReason, ReturnStatus,
    RmaNumber, SkuRule,
};
use crate::domain::{OrderLineId, Quantity};
use crate::returns::{self, Decision, NewReturn, NewReturnLine, RequestedBy, ReturnAddress, ReturnError, ReturnRecord};
use crate::state::AppState;
use crate::store::{self, ReturnFilter, Settlement};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The body limit of the photo upload: one photo and its framing.
pub const MAX_PHOTO_BODY: usize = returns::MAX_PHOTO_BYTES + 64 * 1024;

// ------------------------------------------------------------------ errors

impl From<ReturnError> for Problem {
    fn from(error: ReturnError) -> Self {
        match error {
            ReturnError::NotFound(what) => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", format!("The {what} does not exist."))
            }
            ReturnError::Request(e @ RequestError::NoLines) => Problem::field("lines", e.to_string()),
            ReturnError::Request(e @ RequestError::ResolutionNotOffered(_)) => {
                Problem::field("resolution", e.to_string())
            }
            ReturnError::Refused(eligibility) => Problem::invalid(
                eligibility
                    .lines
                    .iter()
                    .enumerate()
                    .filter_map(|(i, d)| d.refusal().map(|r| (i, r)))
                    .map(|(i, refusal)| FieldError { field: refusal_field(i, refusal), message: refusal.to_string() })
                    .collect(),
            ),
            ReturnError::Policy(e) => Problem::field(e.field(), e.to_string()),
            ReturnError::Transition(e) => Problem::conflict(format!("A {}.", e.to_string().trim_start_matches("a "))),
            ReturnError::Field { field, message } => Problem::field(field, message),
            ReturnError::Conflict(detail) => Problem::conflict(detail),
            ReturnError::Store(e) => e.into(),
        }
    }
}

/// Which part of `lines[i]` a refusal is about: the quantity, the reason,
/// the photo, the line itself (delivered? returnable? in time?).
fn refusal_field(i: usize, refusal: Refusal) -> String {
    let part = match refusal {
        Refusal::ZeroQuantity | Refusal::MoreThanReturnable { .. } => ".quantity",
        Refusal::ReasonNotOffered => ".reason",
        Refusal::PhotoRequired => ".photo_sha256",
        Refusal::UnknownLine | Refusal::DuplicateLine => ".line_number",
        Refusal::NotDelivered | Refusal::OutsideWindow { .. } | Refusal::NotReturnable => "",
    };
    format!("lines[{i}]{part}")
}

/// The RMA in the path, or 404 naming it: a number that cannot be an RMA
/// is a return that does not exist.
fn rma_in_path(rma: &str) -> ApiResult<RmaNumber> {
    RmaNumber::parse(rma).map_err(|_| Problem::not_found("return", "rma", rma))
}

/// A store or service error for a request about `rma`, a missing return
/// answered as 404 naming the RMA (another tenant's included).
fn about(rma: &str) -> impl Fn(ReturnError) -> Problem + '_ {
    move |error| match error {
        ReturnError::NotFound("return") => Problem::not_found("return", "rma", rma),
        other => other.into(),
    }
}

fn codes<T: std::str::FromStr>(errors: &mut Vec<FieldError>, field: &str, texts: &[String], known: &[&str]) -> Vec<T> {
    let mut parsed = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        match text.trim().parse::<T>() {
            Ok(value) => parsed.push(value),
            Err(_) => errors.push(FieldError {
                field: format!("{field}[{i}]"),
                message: format!("`{text}` is not one of {}", known.join(", ")),
            }),
        }
    }
    parsed
}

fn reason_codes() -> Vec<&'static str> {
    ReturnReason::ALL.iter().map(|r| r.code()).collect()
}

// ------------------------------------------------------------------ policy

/// Where returns are sent: for one ship-from site (as the KPI dashboard
/// names it), or, without `ship_from`, for every site without its own.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnAddressDoc {
    #[schema(required = false)]
    pub ship_from: Option<String>,
    #[schema(pattern = r"\S", max_length = 200)]
    pub name: String,
    #[schema(pattern = r"\S", max_length = 200)]
    pub line1: String,
    #[schema(required = false)]
    pub line2: Option<String>,
    #[schema(pattern = r"\S", max_length = 200)]
    pub city: String,
    #[schema(required = false)]
    pub region: Option<String>,
    #[schema(pattern = r"\S", max_length = 200)]
    pub postcode: String,
    #[schema(pattern = r"\S", max_length = 200)]
    pub country: String,
}

impl From<ReturnAddress> for ReturnAddressDoc {
    fn from(a: ReturnAddress) -> Self {
        ReturnAddressDoc {
            ship_from: a.ship_from,
            name: a.name,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postcode: a.postcode,
            country: a.country,
        }
    }
}

/// The tenant's return policy. A field left out takes its default.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnPolicyIn {
    /// Days after delivery a return may be requested: 1 to 365 (default 30).
    #[schema(required = false, minimum = 1, maximum = 365)]
    pub window_days: Option<u32>,
    /// SKUs that cannot be returned; `GIFT-*` covers every SKU starting `GIFT-` (any case).
    #[schema(required = false)]
    pub non_returnable: Option<Vec<String>>,
    /// The reasons offered, in order: `wrong_item`, `damaged`, `defective`,
    /// `not_as_described`, `no_longer_needed`, `arrived_late`, `other` (default all).
    #[schema(required = false)]
    pub reasons: Option<Vec<String>>,
    /// Reasons that need a photo (default `damaged`, `defective`).
    #[schema(required = false)]
    pub photo_required: Option<Vec<String>>,
    /// `refund`, `exchange`, `store_credit` (default all).
    #[schema(required = false)]
    pub resolutions: Option<Vec<String>>,
    /// Whether requests wait for a decision (default false: approved as made).
    #[schema(required = false)]
    pub requires_approval: Option<bool>,
    #[schema(required = false)]
    pub return_addresses: Option<Vec<ReturnAddressDoc>>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ReturnPolicyOut {
    pub window_days: u32,
    pub non_returnable: Vec<String>,
    pub reasons: Vec<String>,
    pub photo_required: Vec<String>,
    pub resolutions: Vec<String>,
    pub requires_approval: bool,
    pub return_addresses: Vec<ReturnAddressDoc>,
    /// Null while the tenant runs on the default policy.
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<returns::ReturnSettings> for ReturnPolicyOut {
    fn from(s: returns::ReturnSettings) -> Self {
        let p = s.policy;
        ReturnPolicyOut {
            window_days: p.window_days,
            non_returnable: p.non_returnable.iter().map(ToString::to_string).collect(),
            reasons: p.reasons.iter().map(|r| r.code().to_string()).collect(),
            photo_required: p.photo_required.iter().map(|r| r.code().to_string()).collect(),
            resolutions: p.resolutions.iter().map(|r| r.code().to_string()).collect(),
            requires_approval: p.requires_approval,
            return_addresses: s.addresses.into_iter().map(Into::into).collect(),
            updated_at: s.updated_at,
        }
    }
}

/// The tenant's return policy and return addresses (any scope).
#[utoipa::path(get, path = "/api/v1/return-policy", tag = "Returns",
    responses((status = 200, body = ReturnPolicyOut)),
    security(("api_key" = [])))]
pub async fn get_policy(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
) -> ApiResult<Json<ReturnPolicyOut>> {
    Ok(Json(returns::settings(&state, caller.tenant).await?.into()))
}

/// Replace the return policy and return addresses (admin).
#[utoipa::path(put, path = "/api/v1/return-policy", tag = "Returns",
    request_body = ReturnPolicyIn,
    responses((status = 200, body = ReturnPolicyOut),
              (status = 422, description = "A field is invalid, named", body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn put_policy(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(input): ApiJson<ReturnPolicyIn>,
) -> ApiResult<Json<ReturnPolicyOut>> {
    require(&caller, Scope::Admin)?;
    let defaults = ReturnPolicy::default();
    let mut errors = Vec::new();
    let mut non_returnable = Vec::new();
    for (i, text) in input.non_returnable.unwrap_or_default().iter().enumerate() {
        match SkuRule::parse(text) {
            Ok(rule) => non_returnable.push(rule),
            Err(e) => errors.push(FieldError { field: format!("non_returnable[{i}]"), message: e.to_string() }),
        }
    }
    let known_reasons = reason_codes();
    let known_resolutions: Vec<&str> = Resolution::ALL.iter().map(|r| r.code()).collect();
    let policy = ReturnPolicy {
        window_days: input.window_days.unwrap_or(defaults.window_days),
        non_returnable,
        reasons: match &input.reasons {
            Some(texts) => codes(&mut errors, "reasons", texts, &known_reasons),
            None => defaults.reasons,
        },
        photo_required: match &input.photo_required {
            Some(texts) => codes(&mut errors, "photo_required", texts, &known_reasons),
            None => defaults.photo_required,
        },
        resolutions: match &input.resolutions {
            Some(texts) => codes(&mut errors, "resolutions", texts, &known_resolutions),
            None => defaults.resolutions,
        },
        requires_approval: input.requires_approval.unwrap_or(defaults.requires_approval),
    };
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let addresses = input
        .return_addresses
        .unwrap_or_default()
        .into_iter()
        .map(|a| ReturnAddress {
            ship_from: a.ship_from.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            name: a.name,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            region: a.region,
            postcode: a.postcode,
            country: a.country,
        })
        .collect();
    Ok(Json(returns::save_settings(&state, caller.tenant, policy, addresses).await?.into()))
}

// ------------------------------------------------------------------ output

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReturnLineOut {
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    pub unit: String,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    pub reason: String,
    pub photo_sha256: Option<String>,
    /// What the warehouse counted; null until inspected.
    #[schema(value_type = Option<f64>)]
    pub counted: Option<Quantity>,
    /// `as_new`, `opened`, `damaged` or `missing`; null until inspected.
    pub condition: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReturnShipmentOut {
    pub carrier: String,
    pub tracking_number: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreditOut {
    /// `refund` or `store_credit`.
    pub kind: String,
    /// In the currency's minor unit (cents).
    pub amount_minor: i64,
    pub currency: String,
    /// Accounting's document number.
    pub reference: String,
    pub credited_at: Option<DateTime<Utc>>,
}

/// A return, its lines and parcels, and where it stands.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReturnOut {
    /// `RMA-` and eight characters: what the buyer writes on the parcel.
    pub rma: String,
    pub order_number: String,
    /// `requested`, `approved`, `declined`, `label_issued`, `in_transit`,
    /// `received`, `inspected`, `refunded`, `credited` or `cancelled`.
    pub status: String,
    /// The status as the buyer reads it.
    pub status_label: String,
    /// `refund`, `exchange` or `store_credit`: what the buyer asked for.
    pub resolution: String,
    pub comment: Option<String>,
    /// `buyer`, `staff`, `account` or `api`.
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
    pub label_issued_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub inspected_at: Option<DateTime<Utc>>,
    pub credit: Option<CreditOut>,
    pub lines: Vec<ReturnLineOut>,
    pub shipments: Vec<ReturnShipmentOut>,
    /// The return's own events (its steps and its parcels' carrier
    /// scans), oldest first; only when one return is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub events: Option<Vec<serde_json::Value>>,
}

impl From<&ReturnRecord> for ReturnOut {
    fn from(r: &ReturnRecord) -> Self {
        ReturnOut {
            rma: r.rma.to_string(),
            order_number: r.order_number.clone(),
            status: r.status.code().to_string(),
            status_label: r.status.headline().to_string(),
            resolution: r.resolution.code().to_string(),
            comment: r.comment.clone(),
            requested_by: r.requested_by.kind().to_string(),
            requested_at: r.requested_at,
            decided_at: r.decided_at,
            decline_reason: r.decline_reason.clone(),
            label_issued_at: r.label_issued_at,
            received_at: r.received_at,
            inspected_at: r.inspected_at,
            credit: r.credit.as_ref().map(|m| CreditOut {
                kind: r.settlement().map_or("refund", Settlement::code).to_string(),
                amount_minor: m.amount_minor,
                currency: m.currency.to_string(),
                reference: m.reference.clone(),
                credited_at: r.credited_at,
            }),
            lines: r
                .lines
                .iter()
                .map(|l| ReturnLineOut {
                    line_number: l.line_number,
                    sku: l.sku.clone(),
                    description: l.description.clone(),
                    unit: l.unit.clone(),
                    quantity: l.quantity,
                    reason: l.reason.code().to_string(),
                    photo_sha256: l.photo_sha256.clone(),
                    counted: l.counted,
                    condition: l.condition.map(|c| c.code().to_string()),
                })
                .collect(),
            shipments: r
                .shipments
                .iter()
                .map(|s| ReturnShipmentOut {
                    carrier: s.carrier.clone(),
                    tracking_number: s.tracking_number.clone(),
                    created_at: s.created_at,
                })
                .collect(),
            events: None,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReturnsOut {
    pub returns: Vec<ReturnOut>,
}

// ----------------------------------------------------------------- request

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnIn {
    /// `refund`, `exchange` or `store_credit`, among those the policy offers.
    pub resolution: String,
    /// 1 to 500 lines; each order line at most once.
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<ReturnLineIn>,
    /// The buyer's note, up to 2,000 characters.
    #[schema(required = false, max_length = 2000)]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnLineIn {
    /// The order line's number (1 for the first line).
    pub line_number: i64,
    /// How many of the line's unit: at most what was delivered less what
    /// is already returned or in an open return.
    #[schema(value_type = f64, minimum = 0.001, maximum = 1_000_000_000, multiple_of = 0.001)]
    pub quantity: Quantity,
    /// One of the reasons the policy offers (see `GET /api/v1/return-policy`).
    pub reason: String,
    /// A photo uploaded with `POST /api/v1/return-photos`; required for the
    /// policy's `photo_required` reasons.
    #[schema(required = false, pattern = "^[0-9a-f]{64}$")]
    pub photo_sha256: Option<String>,
}

/// Request a return of delivered lines (OMS). Every line must be
/// returnable, or nothing is recorded and each refused line is named with
/// the reason (`lines[1].quantity`: "Only 2 of this item can still be
/// returned."). Without review in the policy the return is approved at
/// once. The steps appear on the order's timeline (`return:requested`,
/// `return:approved`, ...) and are sent to webhook endpoints.
#[utoipa::path(post, path = "/api/v1/orders/{order_number}/returns", tag = "Returns",
    params(("order_number" = String, Path)),
    request_body = ReturnIn,
    responses((status = 201, body = ReturnOut),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "Refused lines, each named with the reason", body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms"])))]
pub async fn create_return(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
    ApiJson(input): ApiJson<ReturnIn>,
) -> ApiResult<impl IntoResponse> {
    require(&caller, Scope::Oms)?;
    let order = find_order(&state, &caller, &order_number).await?;
    let mut errors = Vec::new();
    let resolution = match input.resolution.trim().parse::<Resolution>() {
        Ok(r) => Some(r),
        Err(_) => {
            let known: Vec<&str> = Resolution::ALL.iter().map(|r| r.code()).collect();
            errors.push(FieldError {
                field: "resolution".into(),
                message: format!("`{}` is not one of {}", input.resolution, known.join(", ")),
            });
            None
        }
    };
    if input.lines.len() > 500 {
        errors.push(FieldError { field: "lines".into(), message: "must have at most 500 lines".into() });
    }
    let numbered = store::line_quantities(&state.pool, order).await?;
    let mut lines = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        let reason = line.reason.trim().parse::<ReturnReason>();
        if reason.is_err() {
            errors.push(FieldError {
                field: format!("lines[{i}].reason"),
                message: format!("`{}` is not one of {}", line.reason, reason_codes().join(", ")),
            });
        }
        let photo = line.photo_sha256.as_deref().map(str::trim);
        if photo.is_some_and(|p| p.len() != 64 || !p.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        {
            errors.push(FieldError {
                field: format!("lines[{i}].photo_sha256"),
                message: "must be the 64 lower-case hex digits `POST /api/v1/return-photos` answered".into(),
            });
        }
        // A number the order does not have is left to the policy check,
        // which names it as an item not on the order (no order line has id 0).
        let id = numbered.iter().find(|(n, ..)| *n == line.line_number).map_or(OrderLineId(0), |(_, id, ..)| *id);
        if let Ok(reason) = reason {
            lines.push(NewReturnLine {
                line: id,
                quantity: line.quantity,
                reason,
                photo_sha256: photo.map(str::to_string),
            });
        }
    }
    let (true, Some(resolution)) = (errors.is_empty(), resolution) else {
        return Err(Problem::invalid(errors));
    };
    let comment = input.comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    let new = NewReturn { resolution, lines, comment, requested_by: RequestedBy::Api };
    let record = returns::request(&state, caller.tenant, order, new).await?;
    Ok((StatusCode::CREATED, Json(ReturnOut::from(&record))))
}

/// An order's returns, oldest first (any scope).
#[utoipa::path(get, path = "/api/v1/orders/{order_number}/returns", tag = "Returns",
    params(("order_number" = String, Path)),
    responses((status = 200, body = ReturnsOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = [])))]
pub async fn order_returns(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
) -> ApiResult<Json<ReturnsOut>> {
    let order = find_order(&state, &caller, &order_number).await?;
    let records = returns::for_order(&state, caller.tenant, order).await?;
    Ok(Json(ReturnsOut { returns: records.iter().map(ReturnOut::from).collect() }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnsQuery {
    /// Only returns in this status (e.g. `requested`: the decisions waiting).
    pub status: Option<String>,
    /// At most this many, 1 to 500 (default 200).
    pub limit: Option<u32>,
}

/// The tenant's returns, oldest request first: customer service's queue
/// (any scope).
#[utoipa::path(get, path = "/api/v1/returns", tag = "Returns", params(ReturnsQuery),
    responses((status = 200, body = ReturnsOut)),
    security(("api_key" = [])))]
pub async fn list_returns(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(query): ApiQuery<ReturnsQuery>,
) -> ApiResult<Json<ReturnsOut>> {
    let status = match query.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => Some(code.parse::<ReturnStatus>().map_err(|_| {
            let known: Vec<&str> = ReturnStatus::ALL.iter().map(|s| s.code()).collect();
            Problem::field("status", format!("`{code}` is not one of {}", known.join(", ")))
        })?),
    };
    if query.limit.is_some_and(|l| !(1..=500).contains(&l)) {
        return Err(Problem::field("limit", "must be 1 to 500"));
    }
    let filter = ReturnFilter { status, account: None, limit: query.limit };
    let records = returns::list(&state, caller.tenant, &filter).await?;
    Ok(Json(ReturnsOut { returns: records.iter().map(ReturnOut::from).collect() }))
}

/// A return with its own events (any scope). Another tenant's RMA is 404.
#[utoipa::path(get, path = "/api/v1/returns/{rma}", tag = "Returns",
    params(("rma" = String, Path, description = "The RMA number, e.g. RMA-7K3M9Q2D")),
    responses((status = 200, body = ReturnOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = [])))]
pub async fn get_return(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(rma): Path<String>,
) -> ApiResult<Json<ReturnOut>> {
    let number = rma_in_path(&rma)?;
    let record = returns::by_rma(&state, caller.tenant, number)
        .await
        .map_err(about(&rma))?
        .ok_or_else(|| Problem::not_found("return", "rma", &rma))?;
    let events = returns::events(&state, &record).await?;
    let mut out = ReturnOut::from(&record);
    out.events = Some(events.iter().map(crate::live::sse::event_json).collect());
    Ok(Json(out))
}

// ------------------------------------------------------------------- steps

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// `approve` or `decline`.
    pub decision: String,
    /// Why it is declined (required to decline); the buyer reads it.
    #[schema(required = false, max_length = 500)]
    pub reason: Option<String>,
}

/// Approve or decline a requested return (OMS). The same decision again
/// changes nothing; the other one is a conflict (409).
#[utoipa::path(post, path = "/api/v1/returns/{rma}/decision", tag = "Returns",
    params(("rma" = String, Path)),
    request_body = DecisionIn,
    responses((status = 200, body = ReturnOut),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "Already decided otherwise, or past deciding", body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms"])))]
pub async fn post_decision(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(rma): Path<String>,
    ApiJson(input): ApiJson<DecisionIn>,
) -> ApiResult<Json<ReturnOut>> {
    require(&caller, Scope::Oms)?;
    let number = rma_in_path(&rma)?;
    let decision = match input.decision.trim() {
        "approve" => Decision::Approve,
        "decline" => {
            let reason = input.reason.as_deref().map(str::trim).unwrap_or_default();
            if reason.is_empty() {
                return Err(Problem::field("reason", "is required to decline a return"));
            }
            if reason.chars().count() > 500 {
                return Err(Problem::field("reason", "must be at most 500 characters"));
            }
            Decision::Decline { reason: reason.to_string() }
        }
        other => return Err(Problem::field("decision", format!("`{other}` is not one of approve, decline"))),
    };
    let record = returns::decide(&state, caller.tenant, number, decision).await.map_err(about(&rma))?;
    Ok(Json(ReturnOut::from(&record)))
}

/// Cancel a return (OMS: the buyer changed their mind, or asked customer
/// service) before its parcel is on its way; what it held can be returned
/// again. Cancelling a cancelled return changes nothing.
#[utoipa::path(post, path = "/api/v1/returns/{rma}/cancel", tag = "Returns",
    params(("rma" = String, Path)),
    responses((status = 200, body = ReturnOut),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "Its parcel is already on its way, or it is declined or settled", body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms"])))]
pub async fn post_cancel(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(rma): Path<String>,
) -> ApiResult<Json<ReturnOut>> {
    require(&caller, Scope::Oms)?;
    let number = rma_in_path(&rma)?;
    let record = returns::cancel(&state, caller.tenant, number).await.map_err(about(&rma))?;
    Ok(Json(ReturnOut::from(&record)))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnShipmentIn {
    #[schema(pattern = r"\S", max_length = 100)]
    pub carrier: String,
    /// The return parcel's tracking number: the carrier's events for it
    /// (webhooks, EDI 214, `POST /api/v1/events`) then land on the return.
    #[schema(pattern = r"\S", max_length = 100)]
    pub tracking_number: String,
}

/// Attach a return parcel (OMS or the label provider, scope `oms` or
/// `carrier`). The first parcel of an approved return issues its label
/// (`return:label_issued`). Its carrier's scans then move the return: the
/// delivery scan marks it received, the others in transit; its exceptions
/// stay the return's and never open one on the order.
#[utoipa::path(post, path = "/api/v1/returns/{rma}/shipments", tag = "Returns",
    params(("rma" = String, Path)),
    request_body = ReturnShipmentIn,
    responses((status = 201, description = "Attached", body = ReturnOut),
              (status = 200, description = "Already attached to this return", body = ReturnOut),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "Tracking number in use, or the return is not approved", body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms"]), ("api_key" = ["carrier"])))]
pub async fn post_shipment(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(rma): Path<String>,
    ApiJson(input): ApiJson<ReturnShipmentIn>,
) -> ApiResult<impl IntoResponse> {
    if !(caller.has(Scope::Oms) || caller.has(Scope::Carrier)) {
        return Err(Problem::forbidden("This API key lacks the `oms` or `carrier` scope needed here."));
    }
    let number = rma_in_path(&rma)?;
    let mut errors = Vec::new();
    FieldError::check_text(&mut errors, "carrier", &input.carrier, 100);
    FieldError::check_text(&mut errors, "tracking_number", &input.tracking_number, 100);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let tracking = input.tracking_number.trim();
    let before = returns::by_rma(&state, caller.tenant, number).await.map_err(about(&rma))?;
    let known = before.is_some_and(|r| r.shipments.iter().any(|s| s.tracking_number == tracking));
    let record =
        returns::attach_shipment(&state, caller.tenant, number, &input.carrier, tracking).await.map_err(about(&rma))?;
    let status = if known { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(ReturnOut::from(&record))))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptIn {
    /// What was counted of each returned line inspected.
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<ReceiptLineIn>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLineIn {
    /// The order line's number, as in the return's `lines`.
    pub line_number: i64,
    #[schema(value_type = f64, minimum = 0, maximum = 1_000_000_000, multiple_of = 0.001)]
    pub counted: Quantity,
    /// `as_new`, `opened`, `damaged` or `missing` (with nothing counted).
    pub condition: String,
}

/// The warehouse's receipt of a return parcel (WMS): marks the return
/// received (unless the carrier's delivery scan already did) and
/// inspected, with what was counted of each line and its condition. The
/// same receipt again changes nothing; other counts are a conflict.
#[utoipa::path(post, path = "/api/v1/returns/{rma}/receipt", tag = "Returns",
    params(("rma" = String, Path)),
    request_body = ReceiptIn,
    responses((status = 200, body = ReturnOut),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "Not approved yet, already settled, or inspected with other counts", body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["wms"])))]
pub async fn post_receipt(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(rma): Path<String>,
    ApiJson(input): ApiJson<ReceiptIn>,
) -> ApiResult<Json<ReturnOut>> {
    require(&caller, Scope::Wms)?;
    let number = rma_in_path(&rma)?;
    let record = returns::by_rma(&state, caller.tenant, number)
        .await
        .map_err(about(&rma))?
        .ok_or_else(|| Problem::not_found("return", "rma", &rma))?;
    let mut errors = Vec::new();
    if input.lines.is_empty() || input.lines.len() > 500 {
        errors.push(FieldError { field: "lines".into(), message: "must have 1 to 500 lines".into() });
    }
    let known: Vec<&str> = Condition::ALL.iter().map(|c| c.code()).collect();
    let mut lines = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        let returned = record.lines.iter().find(|l| l.line_number == line.line_number);
        if returned.is_none() {
            errors.push(FieldError {
                field: format!("lines[{i}].line_number"),
                message: format!("line {} is not in return {}", line.line_number, record.rma),
            });
        }
        let condition = line.condition.trim().parse::<Condition>();
        if condition.is_err() {
            errors.push(FieldError {
                field: format!("lines[{i}].condition"),
                message: format!("`{}` is not one of {}", line.condition, known.join(", ")),
            });
        }
        if let (Some(returned), Ok(condition)) = (returned, condition) {
            lines.push(InspectedLine { line: returned.line, counted: line.counted, condition });
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let record = returns::receive(&state, caller.tenant, number, lines).await.map_err(about(&rma))?;
    Ok(Json(ReturnOut::from(&record)))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditIn {
    /// `refund` or `store_credit`.
    pub kind: String,
    /// In the currency's minor unit (cents), more than zero.
    #[schema(minimum = 1)]
    pub amount_minor: i64,
    /// ISO 4217, three capital letters (`EUR`).
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: String,
    /// Accounting's credit memo number, 1 to 64 characters.
    #[schema(pattern = r"\S", max_length = 64)]
    pub reference: String,
}

/// Settle an inspected return with accounting's credit memo (OMS/ERP):
/// `refunded` or `credited` on the order's timeline, and the buyer told.
/// The same memo again changes nothing; another is a conflict.
#[utoipa::path(post, path = "/api/v1/returns/{rma}/credit", tag = "Returns",
    params(("rma" = String, Path)),
    request_body = CreditIn,
    responses((status = 200, body = ReturnOut),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "Not inspected yet, or settled with another memo", body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms"])))]
pub async fn post_credit(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(rma): Path<String>,
    ApiJson(input): ApiJson<CreditIn>,
) -> ApiResult<Json<ReturnOut>> {
    require(&caller, Scope::Oms)?;
    let number = rma_in_path(&rma)?;
    let settlement = match input.kind.trim() {
        "refund" => Settlement::Refund,
        "store_credit" => Settlement::StoreCredit,
        other => return Err(Problem::field("kind", format!("`{other}` is not one of refund, store_credit"))),
    };
    let memo = CreditMemo::new(input.amount_minor, &input.currency, &input.reference)
        .map_err(|e| Problem::field(e.field(), e.to_string()))?;
    let record = returns::settle(&state, caller.tenant, number, memo, settlement).await.map_err(about(&rma))?;
    Ok(Json(ReturnOut::from(&record)))
}

// ------------------------------------------------------------------ photos

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PhotoOut {
    /// Name the photo by this in a return line's `photo_sha256`.
    pub sha256: String,
}

/// Upload a photo for a return line (OMS): the body is the PNG or JPEG
/// itself, up to 8 MiB. Its metadata (the camera's GPS position among
/// it) is removed before it is kept.
#[utoipa::path(post, path = "/api/v1/return-photos", tag = "Returns",
    request_body(content = String, content_type = "image/jpeg", description = "A PNG or JPEG image (send its own Content-Type)"),
    responses((status = 201, body = PhotoOut),
              (status = 413, body = Problem, content_type = "application/problem+json"),
              (status = 415, description = "The body is not sent as image/jpeg or image/png", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "Not a PNG or JPEG image", body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms"])))]
pub async fn post_photo(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<impl IntoResponse> {
    require(&caller, Scope::Oms)?;
    let declared = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if crate::domain::image::ImageKind::parse_content_type(declared).is_none() {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "Send the photo itself with `Content-Type: image/jpeg` or `image/png`.",
        ));
    }
    let sha256 = returns::store_photo(&state, &body).await?;
    Ok((StatusCode::CREATED, Json(PhotoOut { sha256 })))
}

// -------------------------------------------------------------------- KPIs

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnKpisQuery {
    /// First day, `YYYY-MM-DD` UTC (default: 90 days before `to`).
    pub from: Option<String>,
    /// Last day, included (default: today); at most 731 days after `from`.
    pub to: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReasonOut {
    pub reason: String,
    /// Returned lines giving this reason.
    pub lines: usize,
    pub units: f64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReturnsBreakdownOut {
    /// The SKU, or the carrier that delivered the returned line.
    pub key: String,
    pub delivered_units: f64,
    pub returned_units: f64,
    /// Returned over delivered units; null when nothing was delivered.
    pub returns_rate: Option<f64>,
    pub top_reasons: Vec<ReasonOut>,
}

/// Returns requested in the range over units delivered in it, by SKU and
/// by carrier, with the reasons given, and the median time from request
/// to refund or credit for returns settled in it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReturnKpisOut {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// Returns requested (declined and cancelled ones left out).
    pub returns: usize,
    pub returned_units: f64,
    pub delivered_units: f64,
    pub returns_rate: Option<f64>,
    pub top_reasons: Vec<ReasonOut>,
    pub by_sku: Vec<ReturnsBreakdownOut>,
    pub by_carrier: Vec<ReturnsBreakdownOut>,
    /// Returns refunded or credited in the range.
    pub settled: usize,
    /// Hours from request to refund or credit, the median of those settled.
    pub median_hours_to_refund: Option<f64>,
}

fn reasons_out(reasons: &[crate::domain::returns::ReasonCount]) -> Vec<ReasonOut> {
    reasons
        .iter()
        .map(|r| ReasonOut { reason: r.reason.code().to_string(), lines: r.lines, units: r.units.as_f64() })
        .collect()
}

fn breakdown_out(rows: &[store::returns::ReturnsBreakdown]) -> Vec<ReturnsBreakdownOut> {
    rows.iter()
        .map(|r| ReturnsBreakdownOut {
            key: r.key.clone(),
            delivered_units: r.delivered_units.as_f64(),
            returned_units: r.returned_units.as_f64(),
            returns_rate: r.returns_rate,
            top_reasons: reasons_out(&r.top_reasons),
        })
        .collect()
}

/// Returns KPIs: returns rate and top reasons per SKU and per carrier,
/// and the median time to refund (admin).
#[utoipa::path(get, path = "/api/v1/kpis/returns", tag = "KPIs", params(ReturnKpisQuery),
    responses((status = 200, body = ReturnKpisOut),
              (status = 422, description = "A date is invalid (named in `errors`)", body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn get_kpis(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiQuery(query): ApiQuery<ReturnKpisQuery>,
) -> ApiResult<Json<ReturnKpisOut>> {
    require(&caller, Scope::Admin)?;
    let date = |field: &str, text: Option<&str>| -> ApiResult<Option<NaiveDate>> {
        text.map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .map_err(|_| Problem::field(field, "must be a date, YYYY-MM-DD"))
            })
            .transpose()
    };
    let to = date("to", query.to.as_deref())?.unwrap_or_else(|| Utc::now().date_naive());
    let from = date("from", query.from.as_deref())?.unwrap_or(to - Duration::days(90));
    if from > to {
        return Err(Problem::field("from", "must not be after `to`"));
    }
    if (to - from).num_days() > 731 {
        return Err(Problem::field("to", "must be at most 731 days after `from`"));
    }
    let start = from.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let end = (to + Duration::days(1)).and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let k = returns::kpis(&state, caller.tenant, start, end).await?;
    Ok(Json(ReturnKpisOut {
        from,
        to,
        returns: k.returns,
        returned_units: k.returned_units.as_f64(),
        delivered_units: k.delivered_units.as_f64(),
        returns_rate: k.returns_rate,
        top_reasons: reasons_out(&k.top_reasons),
        by_sku: breakdown_out(&k.by_sku),
        by_carrier: breakdown_out(&k.by_carrier),
        settled: k.settled,
        median_hours_to_refund: k.median_time_to_refund.map(|d| d.num_seconds() as f64 / 3600.0),
    }))
}
