//! OMS endpoints: create or update an order, confirm, cancel, tracking links,
//! and reading an order's internal timeline.

use super::extract::{ApiJson, ApiQuery, OptionalJson};
use super::problem::{ApiResult, FieldError, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::auth::tracking_link;
use crate::domain::address_zone::zone_for_address;
use crate::domain::{OrderId, Quantity, StatusDictionary, TimeZone};
use crate::ingest;
use crate::state::AppState;
use crate::store::{self, NewEvent, NewOrder, NewOrderLine, ShipTo};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderIn {
    pub customer_po: Option<String>,
    /// The customer account's reference in this tenant (B2B orders).
    pub account_ref: Option<String>,
    /// When the order was placed; defaults to now.
    pub placed_at: Option<DateTime<Utc>>,
    /// The delivery date promised to the customer, in the ship-to's calendar.
    pub promised_date: Option<NaiveDate>,
    pub contact: Option<ContactIn>,
    pub ship_to: ShipToIn,
    /// 1 to 500 lines, numbered by position.
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<LineIn>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactIn {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipToIn {
    #[schema(pattern = r"\S", max_length = 200)]
    pub name: String,
    #[schema(pattern = r"\S", max_length = 200)]
    pub line1: String,
    pub line2: Option<String>,
    #[schema(pattern = r"\S", max_length = 200)]
    pub city: String,
    pub region: Option<String>,
    #[schema(pattern = r"\S", max_length = 200)]
    pub postcode: String,
    #[schema(pattern = r"\S", max_length = 200)]
    pub country: String,
    /// IANA time zone of the delivery address, e.g. `America/Chicago`.
    /// When absent it is derived from the country, region and postcode
    /// (US and Canada by state and ZIP, Brazil by state or CEP, one-zone
    /// countries directly), the tenant's zone as the last resort.
    #[schema(required = false)]
    pub time_zone: Option<String>,
    /// WGS 84 coordinates of the address, for the live map and the ETA (both or neither).
    #[schema(required = false, minimum = -90, maximum = 90)]
    pub latitude: Option<f64>,
    #[schema(required = false, minimum = -180, maximum = 180)]
    pub longitude: Option<f64>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineIn {
    #[schema(pattern = r"\S", max_length = 100)]
    pub sku: String,
    #[schema(pattern = r"\S", max_length = 500)]
    pub description: String,
    /// How many of `unit`: whole or decimal (2.5 for 2.5 kg), at most three decimals.
    #[schema(value_type = f64, minimum = 0.001, maximum = 1_000_000_000, multiple_of = 0.001)]
    pub quantity: Quantity,
    /// Unit of measure; defaults to `EA`.
    #[schema(required = false, pattern = r"\S", max_length = 10)]
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderOut {
    pub order_number: String,
    /// The one-line status a buyer sees, e.g. "2 of 3 shipments delivered".
    pub status: String,
    /// The order's derived milestone (the slowest shipment decides).
    pub milestone: Option<String>,
    pub created: bool,
}

/// Optional body of order actions (confirm, cancel, warehouse steps).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionIn {
    /// Your id for this action; repeats are ignored. Defaults to one per action and order.
    pub event_id: Option<String>,
    /// When it happened; defaults to now.
    pub occurred_at: Option<DateTime<Utc>>,
    pub location: Option<String>,
    /// Why (required to cancel).
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ActionOut {
    /// `created` or `duplicate`.
    pub result: String,
    pub event_id: Option<i64>,
    pub order: OrderOut,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackingLinkIn {
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TrackingLinkOut {
    /// The link to give the buyer. Shown once: only a hash is stored.
    pub url: String,
    pub token: String,
    pub expires_at: Option<DateTime<Utc>>,
}

pub fn check_order_number(order_number: &str) -> ApiResult<()> {
    let mut errors = vec![];
    FieldError::check_text(&mut errors, "order_number", order_number, 100);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Problem::invalid(errors))
    }
}

fn validate_order(
    tenant: crate::domain::TenantId,
    tenant_zone: TimeZone,
    order_number: &str,
    input: OrderIn,
    account: Option<crate::domain::AccountId>,
) -> ApiResult<NewOrder> {
    let mut errors = vec![];
    FieldError::check_text(&mut errors, "order_number", order_number, 100);
    let s = &input.ship_to;
    for (value, field) in [
        (&s.name, "ship_to.name"),
        (&s.line1, "ship_to.line1"),
        (&s.city, "ship_to.city"),
        (&s.postcode, "ship_to.postcode"),
        (&s.country, "ship_to.country"),
    ] {
        FieldError::check_text(&mut errors, field, value, 200);
    }
    let time_zone = match s.time_zone.as_deref().map(TimeZone::parse) {
        None => Some(zone_for_address(&s.country, s.region.as_deref(), Some(&s.postcode), tenant_zone).0),
        Some(Ok(zone)) => Some(zone),
        Some(Err(unknown)) => {
            errors.push(FieldError { field: "ship_to.time_zone".into(), message: unknown.to_string() });
            None
        }
    };
    FieldError::check_coordinates(&mut errors, "ship_to.", s.latitude, s.longitude);
    if let Some(email) = input.contact.as_ref().and_then(|c| c.email.as_deref()) {
        if !email.contains('@') || email.len() > 254 {
            errors.push(FieldError { field: "contact.email".into(), message: "is not an email address".into() });
        }
    }
    if input.lines.is_empty() || input.lines.len() > 500 {
        errors.push(FieldError { field: "lines".into(), message: "must have 1 to 500 lines".into() });
    }
    for (i, line) in input.lines.iter().enumerate() {
        FieldError::check_text(&mut errors, format!("lines[{i}].sku"), &line.sku, 100);
        FieldError::check_text(&mut errors, format!("lines[{i}].description"), &line.description, 500);
        if !line.quantity.is_positive() {
            errors.push(FieldError { field: format!("lines[{i}].quantity"), message: "must be more than zero".into() });
        }
        if line.unit.as_deref().is_some_and(|u| u.trim().is_empty() || u.len() > 10) {
            errors.push(FieldError { field: format!("lines[{i}].unit"), message: "must be 1 to 10 characters".into() });
        }
    }
    // No errors means the zone was read.
    let (true, Some(time_zone)) = (errors.is_empty(), time_zone) else {
        return Err(Problem::invalid(errors));
    };
    let contact = input.contact.unwrap_or(ContactIn { name: None, email: None, phone: None });
    let s = input.ship_to;
    Ok(NewOrder {
        tenant,
        account,
        order_number: order_number.trim().to_string(),
        customer_po: input.customer_po,
        placed_at: input.placed_at.unwrap_or_else(Utc::now),
        promised_date: input.promised_date,
        contact_name: contact.name,
        contact_email: contact.email,
        contact_phone: contact.phone,
        ship_to: ShipTo {
            name: s.name,
            line1: s.line1,
            line2: s.line2,
            city: s.city,
            region: s.region,
            postcode: s.postcode,
            country: s.country,
            time_zone,
            latitude: s.latitude,
            longitude: s.longitude,
        },
        lines: input
            .lines
            .into_iter()
            .map(|l| NewOrderLine {
                sku: l.sku,
                description: l.description,
                quantity: l.quantity,
                unit: l.unit.unwrap_or_else(|| "EA".into()),
            })
            .collect(),
    })
}

pub async fn order_out(state: &AppState, caller: &ApiCaller, order: OrderId, created: bool) -> ApiResult<OrderOut> {
    let status = store::order_status(&state.pool, caller.tenant, order).await?;
    Ok(OrderOut {
        order_number: status.order_number,
        status: status.status_headline,
        milestone: status.status_milestone.map(|m| m.code().to_string()),
        created,
    })
}

/// Finds an order of the caller's tenant or answers 404 naming the number.
pub async fn find_order(state: &AppState, caller: &ApiCaller, order_number: &str) -> ApiResult<OrderId> {
    check_order_number(order_number)?;
    store::find_order_by_number(&state.pool, caller.tenant, order_number.trim())
        .await?
        .ok_or_else(|| Problem::not_found("order", "order_number", order_number))
}

/// Create or update an order (OMS).
#[utoipa::path(put, path = "/api/v1/orders/{order_number}", tag = "OMS",
    params(("order_number" = String, Path, description = "Your order number")),
    request_body = OrderIn,
    responses(
        (status = 201, description = "Order created (a `placed` event is recorded)", body = OrderOut),
        (status = 200, description = "Order updated", body = OrderOut),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = ["oms"])))]
pub async fn upsert_order(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
    ApiJson(input): ApiJson<OrderIn>,
) -> ApiResult<impl IntoResponse> {
    require(&caller, Scope::Oms)?;
    let account = match input.account_ref.as_deref() {
        None => None,
        Some(reference) => {
            Some(store::account_by_ref(&state.pool, caller.tenant, reference).await?.ok_or_else(|| {
                Problem::field("account_ref", format!("no customer account `{reference}` in this tenant"))
            })?)
        }
    };
    let tenant_zone = store::get_tenant(&state.pool, caller.tenant).await?.time_zone;
    let order = validate_order(caller.tenant, tenant_zone, &order_number, input, account)?;
    let dictionary = state.dictionary_for(caller.tenant).await?;
    let placed =
        order_event(&dictionary, "oms", "ORDER_PLACED", format!("placed:{}", order.order_number), order.placed_at);
    let store::SavedOrder { id, created, .. } = ingest::save_order(&state, &order, placed).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(order_out(&state, &caller, id, created).await?)))
}

/// An order-level event from the OMS or WMS, mapped by the tenant's dictionary.
pub fn order_event(
    dictionary: &StatusDictionary,
    source: &str,
    code: &str,
    source_event_id: String,
    occurred_at: DateTime<Utc>,
) -> NewEvent {
    NewEvent {
        shipment: None,
        source: source.into(),
        source_event_id,
        raw_code: code.into(),
        canonical: dictionary.map(source, code),
        occurred_at,
        occurred_offset_minutes: None,
        location: None,
        details: serde_json::json!({}),
    }
}

/// Records an order-level action as an event through the one ingest path.
pub async fn record_action(
    state: &AppState,
    caller: &ApiCaller,
    order_number: &str,
    source: &str,
    code: &str,
    action: &str,
    input: ActionIn,
) -> ApiResult<ActionOut> {
    let order = find_order(state, caller, order_number).await?;
    let mut errors = vec![];
    if let Some(id) = &input.event_id {
        FieldError::check_text(&mut errors, "event_id", id, 200);
    }
    if input.occurred_at.is_some_and(|t| t > Utc::now() + chrono::Duration::hours(1)) {
        errors.push(FieldError { field: "occurred_at".into(), message: "is more than an hour in the future".into() });
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let event = NewEvent {
        location: input.location,
        details: input.reason.map_or(serde_json::json!({}), |reason| serde_json::json!({ "reason": reason })),
        ..order_event(
            &*state.dictionary_for(caller.tenant).await?,
            source,
            code,
            input.event_id.unwrap_or_else(|| format!("{action}:{}", order_number.trim())),
            input.occurred_at.unwrap_or_else(Utc::now),
        )
    };
    let outcome = ingest::append(state, caller.tenant, order, &[event]).await?;
    Ok(ActionOut {
        result: if outcome.inserted.is_empty() { "duplicate" } else { "created" }.into(),
        event_id: outcome.inserted.first().map(|id| id.0),
        order: order_out(state, caller, order, false).await?,
    })
}

/// Confirm an order (OMS).
#[utoipa::path(post, path = "/api/v1/orders/{order_number}/confirm", tag = "OMS",
    params(("order_number" = String, Path)),
    request_body(content = Option<ActionIn>, description = "Optional"),
    responses((status = 200, body = ActionOut), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms"])))]
pub async fn confirm_order(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
    OptionalJson(input): OptionalJson<ActionIn>,
) -> ApiResult<Json<ActionOut>> {
    require(&caller, Scope::Oms)?;
    Ok(Json(record_action(&state, &caller, &order_number, "oms", "ORDER_CONFIRMED", "confirmed", input).await?))
}

/// Cancel an order (OMS). `reason` is required.
#[utoipa::path(post, path = "/api/v1/orders/{order_number}/cancel", tag = "OMS",
    params(("order_number" = String, Path)),
    request_body = ActionIn,
    responses((status = 200, body = ActionOut), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms"])))]
pub async fn cancel_order(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
    ApiJson(input): ApiJson<ActionIn>,
) -> ApiResult<Json<ActionOut>> {
    require(&caller, Scope::Oms)?;
    if input.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Problem::field("reason", "is required to cancel an order"));
    }
    Ok(Json(record_action(&state, &caller, &order_number, "oms", "ORDER_CANCELLED", "cancelled", input).await?))
}

/// Issue a tracking link for the buyer (OMS). The token is shown only here.
#[utoipa::path(post, path = "/api/v1/orders/{order_number}/tracking-links", tag = "OMS",
    params(("order_number" = String, Path)),
    request_body(content = Option<TrackingLinkIn>, description = "Optional expiry"),
    responses((status = 201, body = TrackingLinkOut), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms"])))]
pub async fn create_tracking_link(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
    OptionalJson(link): OptionalJson<TrackingLinkIn>,
) -> ApiResult<impl IntoResponse> {
    require(&caller, Scope::Oms)?;
    let order = find_order(&state, &caller, &order_number).await?;
    let expires_at = link.expires_at;
    if expires_at.is_some_and(|t| t <= Utc::now()) {
        return Err(Problem::field("expires_at", "must be in the future"));
    }
    let token = tracking_link::issue(&state.pool, caller.tenant, order, expires_at).await?;
    let url = format!("{}/t/{}", state.public_url(), token.as_str());
    Ok((StatusCode::CREATED, Json(TrackingLinkOut { url, token: token.as_str().to_string(), expires_at })))
}

/// The delivery window Milepost predicts, in the ship-to's dates, from
/// the lane's delivery history, the carrier's estimate and the promised date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PredictedDelivery {
    #[schema(value_type = String, format = Date)]
    pub earliest: chrono::NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub likely: chrono::NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub latest: chrono::NaiveDate,
    /// Probability of delivery after the promised date; null without a promised date or history.
    #[schema(minimum = 0, maximum = 1)]
    pub p_late: Option<f64>,
    /// What the window rests on: `history`, `carrier_estimate`, `promised_date`, `last_mile` or `delivered`.
    pub basis: String,
    /// One line a person understands, e.g. "based on 1,240 deliveries from TX to OH in the last 180 days".
    pub reason: String,
}

impl From<&crate::domain::promise::DeliveryWindow> for PredictedDelivery {
    fn from(w: &crate::domain::promise::DeliveryWindow) -> Self {
        PredictedDelivery {
            earliest: w.earliest,
            likely: w.likely,
            latest: w.latest,
            p_late: w.p_late,
            basis: w.basis.code().to_string(),
            reason: w.reason.clone(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderDetail {
    pub order_number: String,
    pub status: String,
    pub milestone: Option<String>,
    /// The order's predicted delivery window (its last shipment's); null until one is computed.
    pub predicted_delivery: Option<PredictedDelivery>,
    pub shipments: Vec<ShipmentSummary>,
    /// Every event, internal ones included, in the order they happened.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ShipmentSummary {
    pub shipment_id: i64,
    pub carrier: String,
    pub tracking_number: String,
    pub milestone: Option<String>,
    /// The carrier's own latest delivery estimate, when it sent one.
    #[schema(value_type = Option<String>, format = Date)]
    pub carrier_estimate: Option<chrono::NaiveDate>,
    pub predicted_delivery: Option<PredictedDelivery>,
}

/// An order's status and full internal timeline (any scope).
#[utoipa::path(get, path = "/api/v1/orders/{order_number}", tag = "Orders",
    params(("order_number" = String, Path)),
    responses((status = 200, body = OrderDetail), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = [])))]
pub async fn get_order(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
) -> ApiResult<Json<OrderDetail>> {
    let order = find_order(&state, &caller, &order_number).await?;
    let snapshot = store::order_snapshot(&state.pool, caller.tenant, order).await?;
    let windows = store::delivery_window(&state.pool, caller.tenant, order).await?;
    let window_of = |shipment: Option<crate::domain::ShipmentId>| {
        windows.iter().find(|w| w.shipment == shipment).map(|w| PredictedDelivery::from(&w.window))
    };
    let mut shipments = Vec::new();
    for s in &snapshot.shipments {
        shipments.push(ShipmentSummary {
            shipment_id: s.id.0,
            carrier: s.carrier.clone(),
            tracking_number: s.tracking_number.clone(),
            milestone: s.status_milestone.map(|m| m.code().to_string()),
            carrier_estimate: store::promise::carrier_estimate(&state.pool, s.id).await?,
            predicted_delivery: window_of(Some(s.id)),
        });
    }
    Ok(Json(OrderDetail {
        order_number: snapshot.order.order_number,
        status: snapshot.order.status_headline,
        milestone: snapshot.order.status_milestone.map(|m| m.code().to_string()),
        predicted_delivery: window_of(None),
        shipments,
        events: snapshot.events.iter().map(crate::live::sse::event_json).collect(),
    }))
}

/// Live stream of an order's events as server-sent events (any scope).
/// Each message has `event: event`, the event id as `id`, and the event as JSON.
#[utoipa::path(get, path = "/api/v1/orders/{order_number}/stream", tag = "Orders",
    params(("order_number" = String, Path), crate::live::sse::Resume,
           ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id")),
    responses((status = 200, description = "text/event-stream", content_type = "text/event-stream"),
              (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = [])))]
pub async fn order_stream(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
    ApiQuery(resume): ApiQuery<crate::live::sse::Resume>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let order = find_order(&state, &caller, &order_number).await?;
    Ok(crate::live::sse::order_event_stream(
        axum::extract::FromRef::from_ref(&state),
        caller.tenant,
        order,
        resume.point(&headers)?,
    ))
}
