//! Notifications for customer service and integrators: every message of an
//! order with its state and attempts, resend, and webhook endpoints.

use super::extract::ApiJson;
use super::orders::find_order;
use super::problem::{ApiResult, FieldError, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::auth::webhook_signature;
use crate::domain::Canonical;
use crate::notify::webhook_target::TargetPolicy;
use crate::state::AppState;
use crate::store;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NotificationOut {
    pub id: i64,
    /// `email`, `sms` or `webhook`.
    pub channel: String,
    /// The address, number or endpoint URL.
    pub recipient: String,
    /// The milestone or exception that caused it (`delivered`, `exception:damaged`).
    pub trigger: String,
    /// `pending`, `sending`, `sent`, `dead` (gave up; resend to try again) or
    /// `cancelled` (the recipient unsubscribed).
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// The HTTP status the endpoint or SMS provider answered last.
    pub response_status: Option<i64>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Every notification of an order, oldest first.
#[utoipa::path(get, path = "/api/v1/orders/{order_number}/notifications", tag = "Notifications",
    params(("order_number" = String, Path)),
    responses((status = 200, body = Vec<NotificationOut>), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms", "admin"])))]
pub async fn order_notifications(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(order_number): Path<String>,
) -> ApiResult<Json<Vec<NotificationOut>>> {
    require(&caller, Scope::Oms)?;
    let order = find_order(&state, &caller, &order_number).await?;
    let records = store::order_notifications(&state.pool, order).await?;
    Ok(Json(
        records
            .into_iter()
            .map(|r| NotificationOut {
                id: r.id,
                channel: r.channel,
                recipient: r.recipient,
                trigger: r.trigger,
                state: r.state,
                attempts: r.attempts,
                last_error: r.last_error,
                response_status: r.response_status,
                next_attempt_at: r.next_attempt_at,
                sent_at: r.sent_at,
            })
            .collect(),
    ))
}

/// Sends a notification again now, whatever became of it before.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/resend", tag = "Notifications",
    params(("id" = String, Path, pattern = r"^[+-]?[0-9]{1,18}$", description = "The notification's id (a whole number)")),
    responses((status = 202, description = "Queued to be sent now"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["oms", "admin"])))]
pub async fn resend(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Oms)?;
    if store::resend_notification(&state.pool, caller.tenant, id).await? {
        Ok(StatusCode::ACCEPTED)
    } else {
        Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "No such notification, or it is being sent right now.",
        ))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointIn {
    /// Where to POST: an https URL without credentials whose host resolves
    /// only to public addresses. Redirects are not followed.
    pub url: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EndpointOut {
    pub id: i64,
    pub url: String,
    /// The signing secret (Standard Webhooks `whsec_...`), shown only now.
    pub secret: String,
}

/// Registers an endpoint that receives every notifying event of the
/// tenant's orders, signed per Standard Webhooks with its own secret.
#[utoipa::path(post, path = "/api/v1/webhook-endpoints", tag = "Notifications", request_body = EndpointIn,
    responses((status = 201, body = EndpointOut), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn add_endpoint(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(input): ApiJson<EndpointIn>,
) -> ApiResult<(StatusCode, Json<EndpointOut>)> {
    require(&caller, Scope::Admin)?;
    // Vetted as the sender will see it (resolved, every address checked);
    // the sender checks again before each delivery.
    let url = TargetPolicy::of(&state.config)
        .vet(input.url.trim())
        .await
        .map_err(|refused| Problem::field("url", refused.to_string()))?;
    let secret = webhook_signature::generate_secret();
    let id = store::add_webhook_endpoint(&state.pool, &state.secret_key, caller.tenant, url.as_str(), &secret).await?;
    Ok((StatusCode::CREATED, Json(EndpointOut { id, url: url.into(), secret })))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleIn {
    /// A milestone or exception code: `shipped`, `delivered`, `exception:delayed`...
    pub trigger: String,
    /// `email`, `sms` or `webhook`.
    pub channel: String,
    pub enabled: bool,
    /// Limit the rule to one customer account (its external reference);
    /// without it the rule is the tenant's.
    pub account_ref: Option<String>,
}

/// Turns a trigger on or off for a channel, for the tenant or one account.
/// Without a rule the defaults apply: confirmed, shipped, out for delivery,
/// delivered and every exception notify on every channel.
#[utoipa::path(put, path = "/api/v1/notification-rules", tag = "Notifications", request_body = RuleIn,
    responses((status = 204, description = "Saved"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn put_rule(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(input): ApiJson<RuleIn>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Admin)?;
    let mut errors = Vec::new();
    let mut invalid = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });
    if input.trigger.parse::<Canonical>().map_or(true, |c| c == Canonical::Unmapped) {
        invalid("trigger", "must be a milestone or exception code (see /status-dictionary)".into());
    }
    if !["email", "sms", "webhook"].contains(&input.channel.as_str()) {
        invalid("channel", "must be email, sms or webhook".into());
    }
    let account = match &input.account_ref {
        Some(reference) => {
            let account = store::account_by_ref(&state.pool, caller.tenant, reference).await?;
            if account.is_none() {
                invalid("account_ref", format!("no account `{reference}` in this tenant"));
            }
            account
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    store::set_notification_rule(&state.pool, caller.tenant, account, &input.trigger, &input.channel, input.enabled)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursIn {
    /// `HH:MM` in each recipient's own time zone, e.g. `21:00`.
    pub start: String,
    /// `HH:MM`, e.g. `08:00`. Equal to `start` means no quiet hours.
    pub end: String,
}

/// When non-urgent messages to people wait (exceptions and webhooks never do).
#[utoipa::path(put, path = "/api/v1/notification-settings/quiet-hours", tag = "Notifications", request_body = QuietHoursIn,
    responses((status = 204, description = "Saved"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn put_quiet_hours(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(input): ApiJson<QuietHoursIn>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Admin)?;
    let quiet = crate::domain::notification_rules::QuietHours::parse(&input.start, &input.end)
        .ok_or_else(|| Problem::field("start", "start and end must be times as HH:MM"))?;
    store::set_quiet_hours(&state.pool, caller.tenant, quiet).await?;
    Ok(StatusCode::NO_CONTENT)
}
