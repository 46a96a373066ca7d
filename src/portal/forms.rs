//! The portal's form actions (each a POST with the session's CSRF token,
//! answered with a redirect back to the page) and the order's live stream.

use super::sign_in::urlencode;
use super::{form_session, get_session, order_for, page, redirect, PortalError, PortalForm};
use crate::auth::{random_token, session::SignedIn, tracking_link};
use crate::domain::receiving::{assess, CountedLine, DiscrepancyReason};
use crate::domain::{derive_order_status, AccountId, Canonical, OrderId, Quantity, ShipmentId, UserId};
use crate::live::event_stream::{message, EventStream};
use crate::policy::{self, Action, Decision, Owner, Role};
use crate::present::portal::{RECEIVING_SOURCE, SERVICE_SOURCE};
use crate::state::AppState;
use crate::store::{self, LinkPurpose, NewEvent, NewReceipt};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

// Every field defaults to empty: a missing field gets the same answer as
// an empty one (a missing CSRF token is a wrong one), in the handler's words.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReceiptForm {
    pub csrf: String,
    pub shipment: String,
    pub note: String,
    /// Why the count differs, or why a receipt is corrected (a `DiscrepancyReason` code).
    pub reason: String,
    /// "yes" from the deliberate "All arrived as expected" button.
    pub all_as_expected: String,
    /// `counted_{order line id}` and `damaged_{order line id}` per line.
    #[serde(flatten)]
    pub counts: HashMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoteForm {
    pub csrf: String,
    pub text: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    pub csrf: String,
    /// A canonical code: a milestone, `exception:<kind>` or `resolved:<kind>`.
    pub status: String,
    pub reason: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResendForm {
    pub csrf: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrackingLinkForm {
    pub csrf: String,
    /// `revoke` or `reissue`.
    pub action: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteForm {
    pub csrf: String,
    pub email: String,
    pub name: String,
    pub role: String,
    /// An account id for account roles, empty for staff.
    pub account: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PersonForm {
    pub csrf: String,
    /// `disable`, or anything else to set the role and account.
    pub action: String,
    pub role: String,
    pub account: String,
}

fn order_path(number: &str) -> String {
    format!("/portal/orders/{}", urlencode(number))
}

fn order_notice(number: &str, message: &str) -> Response {
    redirect(&format!("{}?notice={}", order_path(number), urlencode(message)))
}

/// Back to the order, which shows `message` as the problem.
fn order_error(number: &str, message: impl Into<String>) -> PortalError {
    PortalError::invalid(order_path(number), message)
}

/// The signed-in person and the order, for an action they may take on it.
async fn order_action(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
    number: &str,
    action: Action,
) -> Result<(SignedIn, OrderId, Owner), PortalError> {
    let signed_in = form_session(state, headers, csrf.trim()).await?;
    let (order, owner) = order_for(state, &signed_in, number, action).await?;
    Ok((signed_in, order, owner))
}

/// A receiver counts a shipment: quantities per line (damaged included in
/// the count), which becomes a timeline event flagging shortages, overages
/// and damage. Nothing is pre-filled: every line is counted, or the
/// receiver says deliberately that all arrived as expected. A count that
/// differs needs a reason. A shipment already received is corrected by a
/// later count, with a reason, kept as a revision.
pub async fn receive(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<ReceiptForm>,
) -> Result<Response, PortalError> {
    let (signed_in, order, owner) = order_action(&state, &headers, &form.csrf, &number, Action::Receive).await?;
    let Ok(shipment) = form.shipment.trim().parse::<i64>().map(ShipmentId) else {
        return Err(order_error(&number, "Choose the shipment you counted."));
    };
    let expected = store::shipment_expected_lines(&state.pool, order, shipment).await?;
    if expected.is_empty() {
        return Err(PortalError::NotFound);
    }
    let all_as_expected = form.all_as_expected == "yes";
    let mut counted = Vec::new();
    for line in &expected {
        let raw = |name: &str| form.counts.get(&format!("{name}_{}", line.order_line_id.0)).map_or("", |v| v.trim());
        let read = |name: &str, value: &str| -> Result<Quantity, String> {
            Quantity::from_typed(value).map_err(|e| {
                format!(
                    "Line {}: {name} must be a number with at most three decimals, not “{value}” ({e}).",
                    line.line_number
                )
            })
        };
        let (c, d) = if all_as_expected {
            (Ok(line.quantity), Ok(Quantity::ZERO))
        } else if raw("counted").is_empty() {
            return Err(order_error(
                &number,
                format!("Line {}: enter the quantity counted, or choose “All arrived as expected”.", line.line_number),
            ));
        } else {
            let damaged = match raw("damaged") {
                "" => Ok(Quantity::ZERO),
                value => read("damaged", value),
            };
            (read("counted", raw("counted")), damaged)
        };
        match (c, d) {
            (Ok(c), Ok(d)) => counted.push(CountedLine {
                line_number: line.line_number,
                sku: line.sku.clone(),
                expected: line.quantity,
                counted: c,
                damaged: d,
            }),
            (Err(problem), _) | (_, Err(problem)) => return Err(order_error(&number, problem)),
        }
    }
    let assessment = assess(&counted).map_err(|e| order_error(&number, format!("{}.", capitalize(&e.to_string()))))?;
    let reason = DiscrepancyReason::parse(form.reason.trim());
    let received_before = store::received_quantities(&state.pool, order).await?.1.contains(&shipment);
    if reason.is_none() && received_before {
        return Err(order_error(&number, "Say why the receipt is corrected."));
    }
    if reason.is_none() && assessment.has_discrepancy() {
        return Err(order_error(
            &number,
            "The count differs from the shipment: choose a reason (short, over, damaged…).",
        ));
    }
    let note = Some(form.note.trim()).filter(|n| !n.is_empty()).map(|n| n.chars().take(1000).collect::<String>());
    let raw_code = match assessment.canonical {
        Canonical::Note => "RECEIVED",
        Canonical::Exception(crate::domain::ExceptionKind::Damaged) => "RECEIVED_DAMAGED",
        _ => "RECEIVED_DISCREPANCY",
    };
    let mut text = match received_before {
        true => format!("Receipt corrected. {}", assessment.summary),
        false => assessment.summary.clone(),
    };
    if let Some(reason) = reason.filter(|_| received_before || assessment.has_discrepancy()) {
        text.push_str(&format!(" Reason: {}.", reason.label()));
    }
    if let Some(n) = &note {
        text.push_str(&format!(" Note: {n}"));
    }
    let event = |canonical: Canonical, raw_code: &str, id: String| NewEvent {
        // Order-level: a delivered shipment would close its own exceptions at
        // once, and a problem found at receiving is open until someone resolves it.
        shipment: None,
        source: RECEIVING_SOURCE.into(),
        source_event_id: id,
        raw_code: raw_code.into(),
        canonical,
        occurred_at: Utc::now(),
        occurred_offset_minutes: None,
        location: None,
        details: serde_json::json!({
            "text": text,
            "shipment_id": shipment.0,
            "by": signed_in.person.name,
            "shortage": assessment.shortage,
            "overage": assessment.overage,
            "damaged": assessment.damaged,
            "reason": reason.map(|r| r.code()),
            "lines": counted,
        }),
    };
    let outcome = if received_before {
        let revision = random_token(8);
        let mut events = vec![event(assessment.canonical, raw_code, format!("receipt:{}:{revision}", shipment.0))];
        for kind in assessment.resolves() {
            let id = format!("receipt:{}:{revision}:{}", shipment.0, kind.code());
            events.push(event(Canonical::Resolved(kind), "RECEIPT_CORRECTED", id));
        }
        let correction = store::ReceiptCorrection {
            tenant: owner.tenant,
            order,
            shipment,
            user: signed_in.person.id,
            reason: reason.map_or("", |r| r.code()),
            lines: expected.iter().zip(&counted).map(|(e, c)| (e.order_line_id, c.counted, c.damaged)).collect(),
            events,
        };
        store::correct_receipt(&state.pool, correction).await?.ok_or(PortalError::NotFound)?
    } else {
        let receipt = NewReceipt {
            tenant: owner.tenant,
            order,
            shipment,
            user: signed_in.person.id,
            note: note.as_deref(),
            reason: reason.filter(|_| assessment.has_discrepancy()).map(|r| r.code()),
            lines: expected
                .iter()
                .zip(&counted)
                .map(|(e, c)| (e.order_line_id, c.expected, c.counted, c.damaged))
                .collect(),
            event: event(assessment.canonical, raw_code, format!("receipt:{}", shipment.0)),
        };
        let Some(outcome) = store::save_receipt(&state.pool, receipt).await? else {
            return Err(order_error(&number, "This shipment was received meanwhile; correct that receipt instead."));
        };
        outcome
    };
    crate::ingest::publish(&state, owner.tenant, order, &[&outcome]);
    let action = if received_before { "receipt_correction" } else { "receipt" };
    store::record_audit(&state.pool, owner.tenant, Some(order), signed_in.person.id, action, &text).await?;
    let saved = if received_before { "Receipt corrected." } else { "Receipt saved." };
    Ok(order_notice(&number, &format!("{saved} {}", assessment.summary)))
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Appends customer service's events (notes, overrides) and audits them.
pub(super) async fn service_events(
    state: &AppState,
    signed_in: &SignedIn,
    order: OrderId,
    owner: Owner,
    events: Vec<NewEvent>,
    action: &str,
    detail: &str,
) -> Result<(), PortalError> {
    crate::ingest::append(state, owner.tenant, order, &events).await?;
    store::record_audit(&state.pool, owner.tenant, Some(order), signed_in.person.id, action, detail).await?;
    Ok(())
}

pub(super) fn service_event(
    signed_in: &SignedIn,
    shipment: Option<ShipmentId>,
    canonical: Canonical,
    raw_code: &str,
    text: String,
) -> NewEvent {
    NewEvent {
        shipment,
        source: SERVICE_SOURCE.into(),
        source_event_id: random_token(12),
        raw_code: raw_code.into(),
        canonical,
        occurred_at: Utc::now(),
        occurred_offset_minutes: None,
        location: None,
        details: serde_json::json!({ "text": text, "by": signed_in.person.name }),
    }
}

pub async fn add_note(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<NoteForm>,
) -> Result<Response, PortalError> {
    let (signed_in, order, owner) = order_action(&state, &headers, &form.csrf, &number, Action::AddNote).await?;
    let text = form.text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(order_error(&number, "A note needs some text (at most 2,000 characters)."));
    }
    let event = service_event(&signed_in, None, Canonical::Note, "NOTE", text.to_string());
    service_events(&state, &signed_in, order, owner, vec![event], "note", text).await?;
    Ok(order_notice(&number, "Note added."))
}

/// Sets a milestone, raises an exception or resolves one, with a reason.
/// A resolution is recorded in every scope (shipment or order) where that
/// exception is open, since each scope's status is derived on its own.
pub async fn override_status(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<StatusForm>,
) -> Result<Response, PortalError> {
    let (signed_in, order, owner) = order_action(&state, &headers, &form.csrf, &number, Action::OverrideStatus).await?;
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(order_error(&number, "Give a reason for the change (at most 500 characters)."));
    }
    let Ok(canonical) = form.status.trim().parse::<Canonical>() else {
        return Err(order_error(&number, "Choose a status."));
    };
    let label = match canonical {
        Canonical::Milestone(m) => format!("Set: {}", m.presentation().label),
        Canonical::Exception(k) => format!("Raise: {}", k.presentation().label),
        Canonical::Resolved(k) => format!("Resolve: {}", k.presentation().label),
        // Returns move through their own steps (the returns queue and API).
        Canonical::Note | Canonical::Return(_) | Canonical::Unmapped => {
            return Err(order_error(&number, "Choose a status."))
        }
    };
    let text = format!("{label} (customer service: {reason})");
    let scopes: Vec<Option<ShipmentId>> = match canonical {
        Canonical::Resolved(kind) => {
            let open = open_exceptions(&state, owner, order).await?;
            match open.into_iter().filter(|(k, _)| *k == kind).map(|(_, scope)| scope).collect::<Vec<_>>() {
                scopes if !scopes.is_empty() => scopes,
                _ => return Err(order_error(&number, "That exception is not open.")),
            }
        }
        _ => vec![None],
    };
    let events =
        scopes.into_iter().map(|s| service_event(&signed_in, s, canonical, "OVERRIDE", text.clone())).collect();
    service_events(&state, &signed_in, order, owner, events, "status_override", &text).await?;
    Ok(order_notice(&number, &format!("{label} recorded.")))
}

/// The order's open exceptions and where each is open: a shipment, or the
/// order itself (`None`).
pub(super) async fn open_exceptions(
    state: &AppState,
    owner: Owner,
    order: OrderId,
) -> store::Result<Vec<(crate::domain::ExceptionKind, Option<ShipmentId>)>> {
    let snapshot = store::order_snapshot(&state.pool, owner.tenant, order).await?;
    let facts = snapshot.status_facts();
    let shipments: Vec<i64> = snapshot.shipments.iter().map(|s| s.id.0).collect();
    let status = derive_order_status(&facts, &shipments, false);
    Ok(status.open_exceptions.iter().map(|e| (e.kind, e.shipment.map(ShipmentId))).collect())
}

/// The buyer's tracking page for this order, as the buyer sees it: a link
/// that works for an hour, made for whoever may see the order.
pub async fn buyer_view(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let signed_in = get_session(&state, &headers).await?;
    let (order, owner) = order_for(&state, &signed_in, &number, Action::ViewOrder).await?;
    let expires = Utc::now() + chrono::Duration::hours(1);
    let token = tracking_link::issue(&state.pool, owner.tenant, order, Some(expires)).await?;
    Ok(redirect(&format!("/t/{}", token.as_str())))
}

pub async fn resend_notification(
    State(state): State<AppState>,
    Path((number, id)): Path<(String, i64)>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<ResendForm>,
) -> Result<Response, PortalError> {
    let (signed_in, order, owner) =
        order_action(&state, &headers, &form.csrf, &number, Action::ResendNotification).await?;
    // Only this order's messages: an id from another order is not found.
    let ours = store::order_notifications(&state.pool, order).await?;
    let message = ours.into_iter().find(|n| n.id == id).ok_or(PortalError::NotFound)?;
    if !store::resend_notification(&state.pool, owner.tenant, id).await? {
        return Err(order_error(&number, "That message is being sent right now; try again in a moment."));
    }
    state.outbox.notify_one();
    let detail = format!("{} to {} ({})", message.channel, message.recipient, message.trigger);
    store::record_audit(&state.pool, owner.tenant, Some(order), signed_in.person.id, "resend", &detail).await?;
    Ok(order_notice(&number, "The message is queued to send again."))
}

/// Revokes the order's tracking links, and with `reissue` makes a new one,
/// shown once on the answer page (never put in a URL or a log).
pub async fn tracking_link(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<TrackingLinkForm>,
) -> Result<Response, PortalError> {
    let (signed_in, order, owner) =
        order_action(&state, &headers, &form.csrf, &number, Action::ManageTrackingLink).await?;
    let reissue = match form.action.trim() {
        "revoke" => false,
        "reissue" => true,
        _ => return Err(order_error(&number, "Choose revoke or reissue.")),
    };
    let revoked = store::revoke_order_tracking_links(&state.pool, order).await?;
    let detail =
        if reissue { format!("revoked {revoked} and issued a new link") } else { format!("revoked {revoked}") };
    store::record_audit(&state.pool, owner.tenant, Some(order), signed_in.person.id, "tracking_link", &detail).await?;
    if !reissue {
        return Ok(order_notice(&number, &format!("Revoked {revoked} tracking link(s).")));
    }
    let token = tracking_link::issue(&state.pool, owner.tenant, order, None).await?;
    let url = format!("{}/t/{}", state.public_url(), token.as_str());
    let back = format!("/portal/orders/{}", urlencode(&number));
    Ok(Html(page(&format!("New tracking link for order {number}"), move || {
        use leptos::prelude::*;
        view! {
            <p class="mt-4">"The old links no longer work. Copy this one now; it is not shown again:"</p>
            <p class="mt-2 break-all rounded bg-white p-3 font-mono ring-1 ring-slate-200"><span data-testid="new-link">{url}</span></p>
            <p class="mt-6"><a class="underline" href=back>"Back to the order"</a></p>
        }
    }))
    .into_response())
}

const PEOPLE: &str = "/portal/admin/users";

/// Back to the people page, which shows `message` as the problem.
fn people_error(message: impl Into<String>) -> PortalError {
    PortalError::invalid(PEOPLE, message)
}

/// A form post by someone who may manage people.
async fn admin_session(state: &AppState, headers: &HeaderMap, csrf: &str) -> Result<SignedIn, PortalError> {
    let signed_in = form_session(state, headers, csrf.trim()).await?;
    match policy::decide_role(&signed_in.person, Action::ManageUsers) {
        Decision::Allow => Ok(signed_in),
        _ => Err(PortalError::Forbidden),
    }
}

/// The role and account a form gives someone: an account of this tenant
/// for account roles, none for staff.
async fn assignment(
    state: &AppState,
    signed_in: &SignedIn,
    role: &str,
    account: &str,
) -> Result<(Role, Option<AccountId>), PortalError> {
    let role = role.trim().parse::<Role>().map_err(|_| people_error("Choose a role."))?;
    let raw = account.trim();
    let account = if raw.is_empty() {
        None
    } else {
        let accounts = store::accounts(&state.pool, signed_in.person.tenant).await?;
        let wanted = raw.parse::<i64>().ok();
        Some(accounts.into_iter().map(|(id, _)| id).find(|id| Some(id.0) == wanted).ok_or(PortalError::NotFound)?)
    };
    if !policy::valid_assignment(role, account) {
        return Err(people_error("Buyers, receivers and accounts payable belong to a customer account; staff do not."));
    }
    Ok((role, account))
}

/// An administrator invites someone: the person is created without a
/// password and gets a one-time link to choose one.
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<InviteForm>,
) -> Result<Response, PortalError> {
    let signed_in = admin_session(&state, &headers, &form.csrf).await?;
    let email = form.email.trim();
    let name = form.name.trim();
    if !email.contains('@') || email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err(people_error("Enter the person's email address."));
    }
    if name.is_empty() || name.chars().count() > 200 {
        return Err(people_error("Enter the person's name."));
    }
    let (role, account) = assignment(&state, &signed_in, &form.role, &form.account).await?;
    let tenant = signed_in.person.tenant;
    let new = store::NewUser { tenant, account, email, name, role, password_hash: None };
    let id = store::create_user(&state.pool, &new).await.map_err(|e| match e {
        store::StoreError::Invalid(problem) => people_error(problem),
        e => e.into(),
    })?;
    let person = policy::Person { id, tenant, account, role, name: name.to_string(), email: email.to_lowercase() };
    let link = super::sign_in::send_link(&state, &person, LinkPurpose::Invite).await?;
    let detail = format!("invited {} as {}", person.email, role.label());
    store::record_audit(&state.pool, tenant, None, signed_in.person.id, "invite", &detail).await?;
    Ok(Html(page(&format!("{name} is invited"), move || {
        use leptos::prelude::*;
        view! {
            <p class="mt-4">
                "We emailed them a link to choose a password. If the email does not arrive, give them this link yourself (it works once, for 7 days):"
            </p>
            <p class="mt-2 break-all rounded bg-white p-3 font-mono ring-1 ring-slate-200"><span data-testid="invite-link">{link}</span></p>
            <p class="mt-6"><a class="underline" href="/portal/admin/users">"Back to people"</a></p>
        }
    }))
    .into_response())
}

/// An administrator changes someone's role (their sessions end) or disables them.
pub async fn change_person(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<PersonForm>,
) -> Result<Response, PortalError> {
    let signed_in = admin_session(&state, &headers, &form.csrf).await?;
    let tenant = signed_in.person.tenant;
    let user = UserId(id);
    if user == signed_in.person.id {
        return Err(people_error("Ask another administrator to change your own access."));
    }
    let (changed, detail) = if form.action.trim() == "disable" {
        (store::disable_user(&state.pool, tenant, user).await?, format!("disabled user {id}"))
    } else {
        let (role, account) = assignment(&state, &signed_in, &form.role, &form.account).await?;
        (store::set_role(&state.pool, tenant, user, role, account).await?, format!("set user {id} to {}", role.label()))
    };
    if !changed {
        return Err(PortalError::NotFound);
    }
    store::record_audit(&state.pool, tenant, None, signed_in.person.id, "user", &detail).await?;
    Ok(redirect(&format!("{PEOPLE}?notice={}", urlencode("Saved. Their open sessions have ended."))))
}

/// "This order changed": the page reloads its data on each. Ends when the
/// session does (checked every 30 s).
pub async fn order_stream(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let signed_in = get_session(&state, &headers).await?;
    let (order, _) = order_for(&state, &signed_in, &number, Action::ViewOrder).await?;
    let mut updates = state.hub.subscribe(order);
    let stream = async_stream::stream! {
        let mut recheck = tokio::time::interval(Duration::from_secs(30));
        recheck.tick().await;
        loop {
            tokio::select! {
                received = updates.recv() => match received {
                    Ok(update) => yield message("changed", None, &update.last_event_id.0.to_string()),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => yield message("changed", None, "0"),
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
                _ = recheck.tick() => {
                    if !matches!(crate::auth::session::signed_in(&state, &headers).await, Ok(Some(_))) {
                        break;
                    }
                }
            }
        }
    };
    Ok(EventStream(stream).into_response())
}
