//! `POST /t/{token}/requests`: a buyer asks customer service for something
//! from the tracking page (new delivery instructions, a problem to report).
//! It lands on the order's timeline as a note for customer service (never
//! shown to buyers), then the page says it arrived. A plain form with a
//! redirect back, so it works without the wasm.

use crate::state::AppState;
use crate::store::{self, NewEvent, TrackingLinkTarget};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::Utc;
use serde::Deserialize;

/// At most this many requests per order a day: enough for a real buyer,
/// too few to flood customer service through a leaked link.
const DAILY_REQUESTS: i64 = 5;
const MAX_TEXT: usize = 1000;

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub lang: Option<String>,
}

/// What the buyer asks for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RequestKind {
    DeliveryInstructions,
    Problem,
}

impl RequestKind {
    pub fn parse(kind: &str) -> Option<RequestKind> {
        match kind {
            "delivery_instructions" => Some(RequestKind::DeliveryInstructions),
            "problem" => Some(RequestKind::Problem),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RequestKind::DeliveryInstructions => "delivery_instructions",
            RequestKind::Problem => "problem",
        }
    }
}

/// How the request went, as the page's `?request=` says it.
pub fn outcome_code(outcome: Result<(), RequestRefused>) -> &'static str {
    match outcome {
        Ok(()) => "sent",
        Err(RequestRefused::Empty) => "empty",
        Err(RequestRefused::TooMany) => "limited",
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RequestRefused {
    Empty,
    TooMany,
}

pub async fn send(
    State(state): State<AppState>,
    Extension(target): Extension<TrackingLinkTarget>,
    Path(token): Path<String>,
    Form(form): Form<RequestForm>,
) -> Response {
    let outcome = record(&state, &target, &form).await;
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::error!(error = %e, "recording a buyer's request failed");
            use leptos::prelude::*;
            let page = crate::shell::render("Tracking unavailable", crate::shell::Robots::NoIndex, || {
                view! { <super::unavailable::Unavailable/> }
            });
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(page)).into_response();
        }
    };
    let lang = form.lang.as_deref().and_then(|l| crate::domain::language::Language::parse(l).ok());
    let lang = lang.map(|l| format!("&lang={l}")).unwrap_or_default();
    Redirect::to(&format!("/t/{token}?request={}{lang}#help", outcome_code(outcome))).into_response()
}

async fn record(
    state: &AppState,
    target: &TrackingLinkTarget,
    form: &RequestForm,
) -> store::Result<Result<(), RequestRefused>> {
    let text = form.text.trim();
    let Some(kind) = RequestKind::parse(&form.kind).filter(|_| !text.is_empty() && text.chars().count() <= MAX_TEXT)
    else {
        return Ok(Err(RequestRefused::Empty));
    };
    let now = Utc::now();
    if store::events_from_since(&state.pool, target.order, "buyer", now - chrono::Duration::days(1)).await?
        >= DAILY_REQUESTS
    {
        return Ok(Err(RequestRefused::TooMany));
    }
    let event = NewEvent {
        shipment: None,
        source: "buyer".into(),
        source_event_id: crate::token::random(12),
        raw_code: "BUYER_REQUEST".into(),
        canonical: crate::domain::Canonical::Note,
        occurred_at: now,
        occurred_offset_minutes: None,
        location: None,
        details: serde_json::json!({ "request": kind.code(), "text": text, "by": "buyer (tracking page)" }),
    };
    store::append(&state.pool, target.tenant, target.order, &[event]).await?;
    Ok(Ok(()))
}
