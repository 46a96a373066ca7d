//! The buyer's return request from the tracking page (a multipart form,
//! photos included) and the printable return label. The tracking-link gate
//! has resolved the token; everything here is scoped to its order.

use crate::domain::returns::{Refusal, Resolution, ReturnReason, RmaNumber};
use crate::domain::{OrderLineId, Quantity};
use crate::returns::{NewReturn, NewReturnLine, RequestedBy, ReturnError};
use crate::state::AppState;
use crate::store::TrackingLinkTarget;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::collections::BTreeMap;

/// Return requests a tracking link may make in a day (each is work for
/// customer service and a label for a carrier).
const DAILY_REQUESTS: usize = 5;

#[derive(Default)]
struct ReturnForm {
    lang: Option<String>,
    resolution: Option<String>,
    comment: Option<String>,
    quantities: BTreeMap<i64, String>,
    reasons: BTreeMap<i64, String>,
    photos: BTreeMap<i64, Vec<u8>>,
}

pub async fn send(
    State(state): State<AppState>,
    Extension(target): Extension<TrackingLinkTarget>,
    Path(token): Path<String>,
    multipart: Multipart,
) -> Response {
    let (form, outcome) = match read_form(multipart).await {
        Ok(form) => {
            let outcome = record(&state, &target, &form).await;
            (form, outcome)
        }
        Err(code) => (ReturnForm::default(), Ok(Err(code))),
    };
    let code = match outcome {
        Ok(Ok(rma)) => rma.to_string(),
        Ok(Err(code)) => code.to_string(),
        Err(e) => {
            tracing::error!(error = %e, "recording a buyer's return request failed");
            return unavailable();
        }
    };
    let lang = form.lang.as_deref().and_then(|l| crate::domain::language::Language::parse(l).ok());
    let lang = lang.map(|l| format!("&lang={l}")).unwrap_or_default();
    Redirect::to(&format!("/t/{token}?return={code}{lang}#returns")).into_response()
}

/// The form, or the code of why it cannot be read: photos beyond the
/// body limit, or a broken upload.
async fn read_form(mut multipart: Multipart) -> Result<ReturnForm, &'static str> {
    let unreadable = |e: axum::extract::multipart::MultipartError| match e.status() {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => "photo_unreadable",
        _ => "nothing",
    };
    let mut form = ReturnForm::default();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        let line = |prefix: &str| name.strip_prefix(prefix).and_then(|id| id.parse::<i64>().ok());
        if let Some(id) = line("photo-") {
            let bytes = field.bytes().await.map_err(unreadable)?;
            if !bytes.is_empty() {
                form.photos.insert(id, bytes.to_vec());
            }
            continue;
        }
        let text = field.text().await.map_err(unreadable)?;
        match (name.as_str(), line("quantity-"), line("reason-")) {
            ("lang", ..) => form.lang = Some(text),
            ("resolution", ..) => form.resolution = Some(text),
            ("comment", ..) => form.comment = Some(text).filter(|c| !c.trim().is_empty()),
            (_, Some(id), _) => {
                form.quantities.insert(id, text);
            }
            (_, _, Some(id)) => {
                form.reasons.insert(id, text);
            }
            _ => {}
        }
    }
    Ok(form)
}

/// The return's number, or the code of why it was refused (the page
/// words it: `present::returns::REFUSALS`).
async fn record(
    state: &AppState,
    target: &TrackingLinkTarget,
    form: &ReturnForm,
) -> Result<Result<RmaNumber, &'static str>, crate::store::StoreError> {
    let mut lines = Vec::new();
    for (id, quantity) in &form.quantities {
        let Ok(quantity) = Quantity::from_typed(quantity.trim()) else { return Ok(Err("nothing")) };
        if quantity.is_zero() {
            continue;
        }
        let Some(reason) = form.reasons.get(id).and_then(|r| r.parse::<ReturnReason>().ok()) else {
            return Ok(Err("nothing"));
        };
        let photo_sha256 = match form.photos.get(id) {
            Some(bytes) => match crate::returns::store_photo(state, bytes).await {
                Ok(sha256) => Some(sha256),
                Err(ReturnError::Store(e)) => return Err(e),
                Err(_) => return Ok(Err("photo_unreadable")),
            },
            None => None,
        };
        lines.push(NewReturnLine { line: OrderLineId(*id), quantity, reason, photo_sha256 });
    }
    let resolution = form.resolution.as_deref().and_then(|r| r.parse::<Resolution>().ok());
    let (Some(resolution), false) = (resolution, lines.is_empty()) else {
        return Ok(Err("nothing"));
    };
    let today = chrono::Utc::now() - chrono::Duration::days(1);
    let recent = crate::store::returns::order_returns(&state.pool, target.tenant, target.order)
        .await?
        .iter()
        .filter(|r| r.requested_by == RequestedBy::Buyer && r.requested_at > today)
        .count();
    if recent >= DAILY_REQUESTS {
        return Ok(Err("limited"));
    }
    let new = NewReturn {
        resolution,
        lines,
        comment: form.comment.clone().map(|c| c.chars().take(crate::returns::MAX_COMMENT_CHARS).collect()),
        requested_by: RequestedBy::Buyer,
    };
    match crate::returns::request(state, target.tenant, target.order, new).await {
        Ok(record) => Ok(Ok(record.rma)),
        Err(ReturnError::Refused(eligibility)) => {
            Ok(Err(eligibility.refused().next().map_or("nothing", |(_, refusal)| refusal_code(refusal))))
        }
        Err(ReturnError::Store(e)) => Err(e),
        Err(_) => Ok(Err("nothing")),
    }
}

fn refusal_code(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::OutsideWindow { .. } => "outside_window",
        Refusal::NotReturnable | Refusal::NotDelivered => "not_returnable",
        Refusal::MoreThanReturnable { .. } => "more_than_returnable",
        Refusal::PhotoRequired => "photo_required",
        Refusal::ZeroQuantity | Refusal::UnknownLine | Refusal::DuplicateLine | Refusal::ReasonNotOffered => "nothing",
    }
}

/// The printable label of one of the link's own returns, once approved.
/// Downloading it issues the label (a step on the return's timeline) the
/// first time.
pub async fn label(
    State(state): State<AppState>,
    Extension(target): Extension<TrackingLinkTarget>,
    Path((_token, rma)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Ok(rma) = RmaNumber::parse(&rma) else { return not_found() };
    let language = match crate::store::get_tenant(&state.pool, target.tenant).await {
        Ok(tenant) => crate::i18n::negotiate(&tenant.languages(), None, &headers),
        Err(e) => {
            tracing::error!(error = %e, "reading the tenant for a return label failed");
            return unavailable();
        }
    };
    match crate::returns::label_pdf(&state, target.tenant, Some(target.order), rma, language).await {
        Ok(Some(pdf)) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{rma}.pdf\"")),
            ],
            pdf,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "making a return label failed");
            (StatusCode::SERVICE_UNAVAILABLE, "The return label is temporarily unavailable.").into_response()
        }
    }
}

fn unavailable() -> Response {
    use leptos::prelude::*;
    let page = crate::shell::render("Tracking unavailable", crate::shell::Robots::NoIndex, || {
        view! { <super::unavailable::Unavailable/> }
    });
    (StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(page)).into_response()
}

fn not_found() -> Response {
    use leptos::prelude::*;
    let page = crate::shell::render("Not found", crate::shell::Robots::NoIndex, || {
        view! { <super::not_found::NotFound/> }
    });
    (StatusCode::NOT_FOUND, axum::response::Html(page)).into_response()
}
