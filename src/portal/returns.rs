//! Returns in the portal: customer service's queue, the returns part of an
//! order page (with the credits accounts payable files), what a receiver's
//! site should expect back, the forms (approve, decline with a reason, a
//! note on the order, a request for a caller or by the account's buyer)
//! and the buyers' photos. A return is out of a person's reach exactly
//! when its order is: the policy decides on the order's owner.

use super::forms::{service_event, service_events};
use super::sign_in::urlencode;
use super::{form_session, get_session, order_for, redirect, PortalError, PortalForm};
use crate::auth::session::SignedIn;
use crate::domain::return_queue::{queue_key, status_label, ReturnQueueFilter, ReturnWork};
use crate::domain::returns::{Resolution, ReturnReason, ReturnStatus, RmaNumber};
use crate::domain::{Canonical, OrderId, OrderLineId, Quantity, TimeZone};
use crate::policy::{self, Action, Decision, Owner, Reach};
use crate::present::portal_returns::{self as views, Names};
use crate::present::portal_returns_view::*;
use crate::present::portal_view::PortalPage;
use crate::returns::{self as service, NewReturn, NewReturnLine, RequestedBy, ReturnError, ReturnFilter, ReturnRecord};
use crate::state::AppState;
use crate::store::{self, returns as stored, SiteRecord};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

const QUEUE: &str = "/portal/cs/returns";
/// More than this on one page is a backlog to filter, not to scroll.
const LISTED: usize = 200;
/// What one read of one status brings back at most.
const READ_LIMIT: u32 = 500;

// ------------------------------------------------------------------ pages

/// Customer service's returns queue: the open returns, decisions first
/// then settlements, each the longest waiting first; or every return in
/// one status.
pub async fn queue(
    state: &AppState,
    signed_in: Option<SignedIn>,
    status: &str,
) -> store::Result<PortalPage<ReturnsQueuePage>> {
    let Some(signed_in) = signed_in else { return Ok(PortalPage::SignIn) };
    if policy::decide_role(&signed_in.person, Action::DecideReturn) != Decision::Allow {
        return Ok(PortalPage::Forbidden);
    }
    let tenant = store::get_tenant(&state.pool, signed_in.person.tenant).await?;
    let filter = ReturnQueueFilter::parse(status).unwrap_or(ReturnQueueFilter::Open);
    let open = read(state, &tenant.id, ReturnQueueFilter::Open.statuses(), None).await?;
    let counts = ReturnWork::ALL
        .iter()
        .map(|work| {
            let n = open.iter().filter(|r| ReturnWork::of(r.status) == Some(*work)).count();
            (work.label().to_string(), n)
        })
        .collect();
    let mut listed = match filter {
        ReturnQueueFilter::Open => open,
        ReturnQueueFilter::Status(_) => read(state, &tenant.id, filter.statuses(), None).await?,
    };
    listed.sort_by_key(|r| (queue_key(r.status, r.requested_at, r.received_at), r.id));
    let names = names(state, &signed_in, true).await?;
    let now = Utc::now();
    let mut groups: Vec<ReturnsGroup> = Vec::new();
    for record in listed.iter().take(LISTED) {
        let title = match filter {
            ReturnQueueFilter::Open => ReturnWork::of(record.status).map_or("", ReturnWork::label).to_string(),
            ReturnQueueFilter::Status(_) => String::new(),
        };
        let item = views::portal_return(record, &names, tenant.time_zone, now, true);
        match groups.last_mut() {
            Some(group) if group.title == title => group.items.push(item),
            _ => groups.push(ReturnsGroup { title, items: vec![item] }),
        }
    }
    let statuses = std::iter::once((String::new(), "Open: waiting for someone".to_string()))
        .chain(ReturnStatus::ALL.iter().map(|s| (s.code().to_string(), status_label(*s).to_string())))
        .collect();
    Ok(PortalPage::Ready(ReturnsQueuePage {
        viewer: crate::present::portal::viewer(&signed_in, &tenant),
        status: filter.code().to_string(),
        statuses,
        counts,
        matching: listed.len(),
        limited_to: (listed.len() > LISTED).then_some(LISTED),
        groups,
        back: queue_query(filter),
    }))
}

/// The tenant's returns in these statuses (of one account's orders, when given).
async fn read(
    state: &AppState,
    tenant: &crate::domain::TenantId,
    statuses: Vec<ReturnStatus>,
    account: Option<crate::domain::AccountId>,
) -> store::Result<Vec<ReturnRecord>> {
    let mut found = Vec::new();
    for status in statuses {
        let filter = ReturnFilter { status: Some(status), account, limit: Some(READ_LIMIT) };
        found.extend(stored::tenant_returns(&state.pool, *tenant, &filter).await?);
    }
    Ok(found)
}

/// Whose names a viewer reads: staff every account's and person's; account
/// people their own account's (colleagues at the tenant stay "customer
/// service").
async fn names(state: &AppState, signed_in: &SignedIn, staff: bool) -> store::Result<Names> {
    let person = &signed_in.person;
    let accounts = store::accounts(&state.pool, person.tenant)
        .await?
        .into_iter()
        .filter(|(id, _)| staff || Some(*id) == person.account)
        .collect();
    let people = store::list_users(&state.pool, person.tenant)
        .await?
        .into_iter()
        .filter(|u| staff || (u.account_id.is_some() && u.account_id == person.account))
        .map(|u| (u.id, u.name))
        .collect();
    Ok(Names { accounts, people })
}

/// The returns part of an order page: the order's returns with their
/// credits, approve and decline for those who decide, and the request
/// form for those who may ask. `None` when there is nothing to show.
pub async fn order_returns(
    state: &AppState,
    signed_in: &SignedIn,
    order: OrderId,
    owner: Owner,
    snapshot: &store::OrderSnapshot,
    tz: TimeZone,
) -> store::Result<Option<OrderReturns>> {
    let person = &signed_in.person;
    let may = |action| policy::decide(person, action, owner) == Decision::Allow;
    let records = stored::order_returns(&state.pool, owner.tenant, order).await?;
    let request = if may(Action::RequestReturn) {
        let policy = stored::return_settings(&state.pool, owner.tenant).await?.policy;
        let items = stored::returnable_items(&state.pool, owner.tenant, order).await?;
        let numbers: HashMap<OrderLineId, i64> = snapshot.lines.iter().map(|l| (l.id, l.line_number)).collect();
        let title = if person.role.is_staff() { "Start a return for a caller" } else { "Request a return" };
        views::request_form(title, &policy, &views::requestable(items, &numbers), Utc::now(), tz)
    } else {
        None
    };
    if records.is_empty() && request.is_none() {
        return Ok(None);
    }
    let staff = person.role.is_staff();
    let names = names(state, signed_in, staff).await?;
    let decide = may(Action::DecideReturn);
    let now = Utc::now();
    Ok(Some(OrderReturns {
        returns: records.iter().map(|r| views::portal_return(r, &names, tz, now, decide)).collect(),
        request,
        back: "order".to_string(),
    }))
}

/// Returns of the site's orders on their way back: approved, labelled or
/// with the carrier. Receivers belong to an account; without one, none.
pub async fn expected_back(state: &AppState, reach: Reach, site: &SiteRecord) -> store::Result<Vec<ExpectedReturn>> {
    let Some(account) = reach.account else { return Ok(Vec::new()) };
    let statuses = ReturnStatus::ALL.into_iter().filter(|s| crate::domain::return_queue::expected_back(*s)).collect();
    let mut records = read(state, &reach.tenant, statuses, Some(account)).await?;
    let mut orders: Vec<OrderId> = records.iter().map(|r| r.order).collect();
    orders.sort();
    orders.dedup();
    let at_site: Vec<OrderId> = store::orders_by_id(&state.pool, reach, &orders)
        .await?
        .into_iter()
        .filter(|o| o.site.name == site.name && o.site.postcode == site.postcode)
        .map(|o| o.id)
        .collect();
    records.retain(|r| at_site.contains(&r.order));
    records.sort_by_key(|r| (r.requested_at, r.id));
    Ok(records.iter().map(views::expected_return).collect())
}

// ------------------------------------------------------------------ forms

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    pub csrf: String,
    /// `approve` or `decline`.
    pub decision: String,
    /// Why it is declined (the buyer reads it).
    pub reason: String,
    /// `order` for the order page, otherwise the queue's filter (`status=…`).
    pub back: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReturnNoteForm {
    pub csrf: String,
    pub text: String,
    pub back: String,
}

/// The return request form, sent as multipart for its photos: `csrf`,
/// `resolution`, `comment`, and per order line `quantity_{id}`,
/// `reason_{id}` and an optional `photo_{id}`.
#[derive(Default)]
pub struct RequestForm {
    texts: HashMap<String, String>,
    photos: BTreeMap<OrderLineId, Vec<u8>>,
}

impl RequestForm {
    async fn read(mut multipart: Multipart) -> Result<Self, PortalError> {
        let mut form = RequestForm::default();
        let bad = |field: &str, message: &str| PortalError::BadForm { field: field.into(), message: message.into() };
        while let Some(field) = multipart.next_field().await.map_err(|e| match e.status() {
            axum::http::StatusCode::PAYLOAD_TOO_LARGE => bad("photo", "files are larger than the form allows"),
            _ => bad("form", "could not be read"),
        })? {
            let name = field.name().unwrap_or_default().to_string();
            if let Some(id) = name.strip_prefix("photo_") {
                let id = OrderLineId(id.parse().map_err(|_| bad(&name, "is not a line of this order"))?);
                let bytes = field.bytes().await.map_err(|_| bad(&name, "could not be read"))?;
                // A file input left empty still sends an empty part.
                if !bytes.is_empty() && form.photos.insert(id, bytes.to_vec()).is_some() {
                    return Err(bad(&name, "is given more than once"));
                }
                continue;
            }
            let text = field.text().await.map_err(|_| bad(&name, "is not valid"))?;
            if form.texts.insert(name.clone(), text).is_some() {
                return Err(bad(&name, "is given more than once"));
            }
        }
        Ok(form)
    }

    fn text(&self, name: &str) -> &str {
        self.texts.get(name).map_or("", String::as_str)
    }
}

fn order_path(number: &str) -> String {
    format!("/portal/orders/{}", urlencode(number))
}

/// The queue's filter as its query string (empty for the open returns).
fn queue_query(filter: ReturnQueueFilter) -> String {
    match filter {
        ReturnQueueFilter::Open => String::new(),
        ReturnQueueFilter::Status(status) => format!("status={}", status.code()),
    }
}

/// Where a form about `record` goes back to: its order's page, or the
/// queue as it was filtered. Read and written again, so `back` can only
/// ever name one of these.
fn back_to(back: &str, record: &ReturnRecord) -> String {
    if back.trim() == "order" {
        return order_path(&record.order_number);
    }
    let status = url::form_urlencoded::parse(back.as_bytes())
        .find(|(k, _)| k == "status")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    match queue_query(ReturnQueueFilter::parse(&status).unwrap_or(ReturnQueueFilter::Open)) {
        q if q.is_empty() => QUEUE.to_string(),
        q => format!("{QUEUE}?{q}"),
    }
}

fn with_notice(url: &str, message: &str) -> Response {
    let join = if url.contains('?') { '&' } else { '?' };
    redirect(&format!("{url}{join}notice={}", urlencode(message)))
}

/// The return with this RMA, if the person may do `action` to it: 404
/// when its order is out of their reach (or there is no such return), 403
/// when their role may not.
async fn return_for(
    state: &AppState,
    signed_in: &SignedIn,
    rma: &str,
    action: Action,
) -> Result<(ReturnRecord, Owner), PortalError> {
    let rma = RmaNumber::parse(rma).map_err(|_| PortalError::NotFound)?;
    let tenant = signed_in.person.tenant;
    let record = stored::return_by_rma(&state.pool, tenant, rma).await?.ok_or(PortalError::NotFound)?;
    let owner = Owner { tenant: record.tenant, account: record.account };
    match policy::decide(&signed_in.person, action, owner) {
        Decision::Allow => Ok((record, owner)),
        Decision::Forbidden => Err(PortalError::Forbidden),
        Decision::NotFound => Err(PortalError::NotFound),
    }
}

/// A refused change, in the words of the page it goes back to.
fn refused(back: &str, error: ReturnError) -> PortalError {
    let message = match error {
        ReturnError::Store(e) => return PortalError::Store(e),
        ReturnError::NotFound(_) => return PortalError::NotFound,
        ReturnError::Transition(e) => format!(
            "The return is {} already; it cannot be {} now.",
            status_label(e.from).to_lowercase(),
            status_label(e.to).to_lowercase()
        ),
        ReturnError::Field { field, message } => format!("{field} {message}."),
        other => other.to_string(),
    };
    PortalError::invalid(back, message)
}

/// Approve, or decline with the reason the buyer will read.
pub async fn decide(
    State(state): State<AppState>,
    Path(rma): Path<String>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<DecisionForm>,
) -> Result<Response, PortalError> {
    let signed_in = form_session(&state, &headers, form.csrf.trim()).await?;
    let (record, owner) = return_for(&state, &signed_in, &rma, Action::DecideReturn).await?;
    let back = back_to(&form.back, &record);
    let reason = form.reason.trim();
    let decision = match form.decision.trim() {
        "approve" => service::Decision::Approve,
        "decline" if reason.is_empty() || reason.chars().count() > 500 => {
            return Err(PortalError::invalid(
                back,
                format!("Give the reason for declining {} (at most 500 characters); the buyer reads it.", record.rma),
            ))
        }
        "decline" => service::Decision::Decline { reason: reason.to_string() },
        _ => return Err(PortalError::invalid(back, "Choose approve or decline.")),
    };
    let (done, detail) = match &decision {
        service::Decision::Approve => (format!("Return {} approved.", record.rma), format!("{} approved", record.rma)),
        service::Decision::Decline { reason } => {
            (format!("Return {} declined: {reason}", record.rma), format!("{} declined: {reason}", record.rma))
        }
    };
    service::decide(&state, owner.tenant, record.rma, decision).await.map_err(|e| refused(&back, e))?;
    store::record_audit(&state.pool, owner.tenant, Some(record.order), signed_in.person.id, "return_decision", &detail)
        .await?;
    Ok(with_notice(&back, &done))
}

/// A note about a return, on its order's timeline (internal, as the order
/// desk's notes are) and in the audit log.
pub async fn add_note(
    State(state): State<AppState>,
    Path(rma): Path<String>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<ReturnNoteForm>,
) -> Result<Response, PortalError> {
    let signed_in = form_session(&state, &headers, form.csrf.trim()).await?;
    let (record, owner) = return_for(&state, &signed_in, &rma, Action::AddNote).await?;
    let back = back_to(&form.back, &record);
    let text = form.text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(PortalError::invalid(back, "A note needs some text (at most 2,000 characters)."));
    }
    let text = format!("{}: {text}", record.rma);
    let event = service_event(&signed_in, None, Canonical::Note, "NOTE", text.clone());
    service_events(&state, &signed_in, record.order, owner, vec![event], "note", &text).await?;
    Ok(with_notice(&back, &format!("Note added to order {} about {}.", record.order_number, record.rma)))
}

/// A return asked for from the order page: by customer service for a
/// caller, or by a buyer of the order's account, with a photo per line
/// where the reason needs one. Every line must be accepted or nothing is
/// recorded, and the page lists each refused line with the policy's reason.
pub async fn request(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, PortalError> {
    let form = RequestForm::read(multipart).await?;
    let signed_in = form_session(&state, &headers, form.text("csrf")).await?;
    let (order, owner) = order_for(&state, &signed_in, &number, Action::RequestReturn).await?;
    let back = order_path(&number);
    let refuse = |message: String| PortalError::invalid(back.clone(), message);
    let snapshot = store::order_snapshot(&state.pool, owner.tenant, order).await?;
    // (line number, SKU) by id, for the messages.
    let named: BTreeMap<OrderLineId, (i64, String)> =
        snapshot.lines.iter().map(|l| (l.id, (l.line_number, l.sku.clone()))).collect();
    let name = |id: OrderLineId| named.get(&id).map_or_else(String::new, |(n, sku)| format!("Line {n} ({sku})"));
    let mut lines = Vec::new();
    let mut asked: Vec<(OrderLineId, &str)> = form
        .texts
        .iter()
        .filter_map(|(k, v)| Some((OrderLineId(k.strip_prefix("quantity_")?.parse().ok()?), v.trim())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    asked.sort_by_key(|(id, _)| named.get(id).map_or(i64::MAX, |(n, _)| *n));
    for (id, typed) in asked {
        if !named.contains_key(&id) {
            return Err(PortalError::NotFound);
        }
        let quantity = Quantity::from_typed(typed).map_err(|_| {
            refuse(format!("{}: the quantity must be a number with at most three decimals, not “{typed}”.", name(id)))
        })?;
        if quantity.is_zero() {
            continue;
        }
        let reason = form
            .text(&format!("reason_{}", id.0))
            .trim()
            .parse::<ReturnReason>()
            .map_err(|_| refuse(format!("{}: choose why it comes back.", name(id))))?;
        let photo_sha256 = match form.photos.get(&id) {
            None => None,
            Some(bytes) => match service::store_photo(&state, bytes).await {
                Ok(sha256) => Some(sha256),
                Err(ReturnError::Field { message, .. }) => {
                    return Err(refuse(format!("{}: the photo {message}.", name(id))))
                }
                Err(e) => return Err(refused(&back, e)),
            },
        };
        lines.push(NewReturnLine { line: id, quantity, reason, photo_sha256 });
    }
    if lines.is_empty() {
        return Err(refuse("Enter how many of at least one line come back.".into()));
    }
    let Ok(resolution) = form.text("resolution").trim().parse::<Resolution>() else {
        return Err(refuse("Choose refund, exchange or store credit.".into()));
    };
    let comment = Some(form.text("comment").trim().to_string()).filter(|c| !c.is_empty());
    let person = &signed_in.person;
    let requested_by =
        if person.role.is_staff() { RequestedBy::Staff(person.id) } else { RequestedBy::Account(person.id) };
    let new = NewReturn { resolution, lines, comment, requested_by };
    let record = match service::request(&state, owner.tenant, order, new).await {
        Ok(record) => record,
        Err(ReturnError::Refused(eligibility)) => {
            let each: Vec<String> =
                eligibility.refused().map(|(d, refusal)| format!("{}: {refusal}", name(d.line))).collect();
            return Err(refuse(format!("Nothing was recorded. {}", each.join(" "))));
        }
        Err(e) => return Err(refused(&back, e)),
    };
    let units: Quantity = record.lines.iter().map(|l| l.quantity).sum();
    let detail = format!("{} requested ({units} units, {})", record.rma, record.resolution.label());
    store::record_audit(&state.pool, owner.tenant, Some(order), person.id, "return_request", &detail).await?;
    Ok(with_notice(&back, &format!("Return {} recorded: {}.", record.rma, status_label(record.status).to_lowercase())))
}

/// A buyer's photo of a returned line, for whoever may see its order.
pub async fn photo(
    State(state): State<AppState>,
    Path((number, rma, sha256)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let signed_in = get_session(&state, &headers).await?;
    let (order, owner) = order_for(&state, &signed_in, &number, Action::ViewOrder).await?;
    let rma = RmaNumber::parse(&rma).map_err(|_| PortalError::NotFound)?;
    let record = stored::return_by_rma(&state.pool, owner.tenant, rma).await?.ok_or(PortalError::NotFound)?;
    // Only this return's own photos: another hash names nothing here.
    if record.order != order || !record.lines.iter().any(|l| l.photo_sha256.as_deref() == Some(sha256.as_str())) {
        return Err(PortalError::NotFound);
    }
    let bytes = state.blobs.get(&sha256).await.map_err(|e| store::corrupt(format!("return photo {sha256}: {e}")))?;
    let kind = crate::domain::image::sniff(&bytes).ok_or_else(|| store::corrupt(format!("return photo {sha256}")))?;
    let mut response = ([(header::CONTENT_TYPE, kind.content_type())], bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
