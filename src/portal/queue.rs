//! Customer service's queue, the forms: bulk actions on the ticked orders
//! (note, resolve with a reason, assign, message the buyer) and the
//! administrator's targets per reason.

use super::forms::{open_exceptions, service_event, service_events};
use super::{form_session, order_for, redirect, PortalError, PortalForm};
use crate::domain::queue::{BuyerTemplate, QueueReason, Target};
use crate::domain::{Canonical, OrderId, UserId};
use crate::policy::{self, Action, Decision, Role};
use crate::present::portal_view::QueueQuery;
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use std::collections::HashMap;

const QUEUE: &str = "/portal/cs/exceptions";
/// More than a page of the queue at once is a mistake, not a plan.
const MOST_AT_ONCE: usize = 200;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BulkForm {
    pub csrf: String,
    /// note, resolve, assign or notify.
    pub action: String,
    /// The note, or the reason for resolving.
    pub text: String,
    /// "me", "nobody" or a person's id.
    pub owner: String,
    /// A buyer message's trigger (`cs_delay`...).
    pub template: String,
    /// The queue's filters, to come back to.
    pub back: String,
    /// `order:{number}` for every ticked order.
    #[serde(flatten)]
    pub ticked: HashMap<String, String>,
}

/// The queue as it was, with the filters the form came from. The filters
/// are read and written again, so `back` can only ever be a query string.
fn queue_url(back: &str) -> String {
    let query: QueueQuery = serde_urlencoded::from_str(back).unwrap_or_default();
    match query.to_query_string() {
        q if q.is_empty() => QUEUE.to_string(),
        q => format!("{QUEUE}?{q}"),
    }
}

fn notice(back: &str, message: &str) -> Response {
    let url = queue_url(back);
    let join = if url.contains('?') { '&' } else { '?' };
    redirect(&format!(
        "{url}{join}notice={}",
        url::form_urlencoded::byte_serialize(message.as_bytes()).collect::<String>()
    ))
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

pub async fn bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<BulkForm>,
) -> Result<Response, PortalError> {
    let signed_in = form_session(&state, &headers, form.csrf.trim()).await?;
    let back = queue_url(&form.back);
    let refuse = |message: &str| PortalError::invalid(back.clone(), message);
    let mut numbers: Vec<&str> =
        form.ticked.iter().filter(|(_, v)| !v.is_empty()).filter_map(|(k, _)| k.strip_prefix("order:")).collect();
    numbers.sort();
    if numbers.is_empty() {
        return Err(refuse("Tick the orders to act on first."));
    }
    if numbers.len() > MOST_AT_ONCE {
        return Err(refuse("At most 200 orders at once."));
    }
    let action = match form.action.as_str() {
        "note" => Action::AddNote,
        "resolve" | "assign" | "notify" => Action::OverrideStatus,
        _ => return Err(refuse("Choose what to do with the ticked orders.")),
    };
    let text = form.text.trim();
    if matches!(form.action.as_str(), "note" | "resolve") && (text.is_empty() || text.chars().count() > 500) {
        let what = if form.action == "note" { "Write the note" } else { "Give a reason for resolving" };
        return Err(refuse(&format!("{what} (at most 500 characters).")));
    }
    let mut orders = Vec::new();
    for number in &numbers {
        orders.push(order_for(&state, &signed_in, number, action).await?);
    }
    let tenant = signed_in.person.tenant;
    let by = signed_in.person.id;
    let message = match form.action.as_str() {
        "note" => {
            for &(order, owner) in &orders {
                let event = service_event(&signed_in, None, Canonical::Note, "NOTE", text.to_string());
                service_events(&state, &signed_in, order, owner, vec![event], "note", text).await?;
            }
            format!("Note added to {}.", plural(orders.len(), "order"))
        }
        "resolve" => {
            let (mut resolved, mut nothing_open) = (0, 0);
            for &(order, owner) in &orders {
                // Terminal exceptions (cancelled, returned) end the order: nothing resolves them.
                let events: Vec<_> = open_exceptions(&state, owner, order)
                    .await?
                    .into_iter()
                    .filter(|(kind, _)| !kind.presentation().terminal)
                    .map(|(kind, scope)| {
                        let label = format!("Resolve: {} (customer service: {text})", kind.presentation().label);
                        service_event(&signed_in, scope, Canonical::Resolved(kind), "OVERRIDE", label)
                    })
                    .collect();
                if events.is_empty() {
                    nothing_open += 1;
                    continue;
                }
                resolved += 1;
                let detail = format!("Resolved from the queue: {text}");
                service_events(&state, &signed_in, order, owner, events, "status_override", &detail).await?;
            }
            let mut message = format!("Resolved {}.", plural(resolved, "order"));
            if nothing_open > 0 {
                message.push_str(&format!(
                    " {} had no open exception (late or silent orders leave the queue when they move).",
                    plural(nothing_open, "order")
                ));
            }
            message
        }
        "assign" => {
            // (who, their name), or nobody.
            let owner: Option<(UserId, String)> = match form.owner.trim() {
                "me" => Some((by, signed_in.person.name.clone())),
                "nobody" => None,
                id => {
                    let id: i64 = id.parse().map_err(|_| refuse("Choose who takes the orders."))?;
                    let staff = store::list_users(&state.pool, tenant)
                        .await?
                        .into_iter()
                        .find(|u| u.id.0 == id && !u.disabled && u.role.parse::<Role>().is_ok_and(|r| r.is_staff()));
                    let staff = staff.ok_or_else(|| refuse("That person cannot work the queue."))?;
                    Some((staff.id, staff.name))
                }
            };
            let ids: Vec<OrderId> = orders.iter().map(|(o, _)| *o).collect();
            let changed =
                store::assign_orders(&state.pool, tenant, &ids, owner.as_ref().map(|(id, _)| *id), Utc::now()).await?;
            let recorded =
                owner.as_ref().map_or_else(|| "Unassigned".to_string(), |(_, name)| format!("Assigned to {name}"));
            for order in &ids {
                store::record_audit(&state.pool, tenant, Some(*order), by, "assign", &recorded).await?;
            }
            let to = match &owner {
                Some((user, _)) if *user == by => "you".to_string(),
                Some((_, name)) => name.clone(),
                None => "nobody".to_string(),
            };
            format!("{} assigned to {to}.", plural(changed as usize, "order"))
        }
        _ => {
            let template = BuyerTemplate::from_trigger(form.template.trim())
                .ok_or_else(|| refuse("Choose the message to send."))?;
            let mut queued = 0;
            for &(order, _) in &orders {
                let n =
                    store::queue_service_message(&state.pool, tenant, order, template.trigger(), Utc::now()).await?;
                let detail = format!("Message to the buyer: {} ({n} queued)", template.label());
                store::record_audit(&state.pool, tenant, Some(order), by, "notify_buyer", &detail).await?;
                queued += n;
            }
            state.outbox.notify_one();
            format!(
                "“{}” queued {} for {}.",
                template.label(),
                plural(queued, "message"),
                plural(orders.len(), "order")
            )
        }
    };
    Ok(notice(&form.back, &message))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TargetsForm {
    pub csrf: String,
    pub back: String,
    /// `hours_{reason}` and `working_{reason}` per reason.
    #[serde(flatten)]
    pub fields: HashMap<String, String>,
}

/// An administrator sets the time customer service has per reason.
pub async fn targets(
    State(state): State<AppState>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<TargetsForm>,
) -> Result<Response, PortalError> {
    let signed_in = form_session(&state, &headers, form.csrf.trim()).await?;
    if policy::decide_role(&signed_in.person, Action::ManageUsers) != Decision::Allow {
        return Err(PortalError::Forbidden);
    }
    let back = queue_url(&form.back);
    let mut targets = Vec::new();
    for reason in QueueReason::all() {
        let Some(raw) = form.fields.get(&format!("hours_{}", reason.code())) else { continue };
        let hours = raw.trim().parse::<u32>().ok().filter(|h| (1..=24 * 30).contains(h)).ok_or_else(|| {
            PortalError::invalid(back.clone(), format!("{}: hours must be 1 to 720.", reason.label()))
        })?;
        let working_hours = form.fields.contains_key(&format!("working_{}", reason.code()));
        targets.push((reason, Target { hours, working_hours }));
    }
    store::set_queue_targets(&state.pool, signed_in.person.tenant, &targets).await?;
    let detail: Vec<String> = targets.iter().map(|(r, t)| format!("{}: {t}", r.code())).collect();
    store::record_audit(
        &state.pool,
        signed_in.person.tenant,
        None,
        signed_in.person.id,
        "queue_targets",
        &detail.join(", "),
    )
    .await?;
    Ok(notice(&form.back, "Targets saved."))
}
