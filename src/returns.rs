//! Returns and credits on the order's own thread: what the REST API and
//! the pages call to request a return, decide it, issue its label, attach
//! its parcels, receive and inspect it, and settle it.
//!
//! Each write commits through `store::returns` (one transaction: the
//! return's new status and its event on the order's timeline) and only
//! then tells the live hub, so the buyer's page moves, and wakes the
//! notification worker, so the rules (approved, label ready, received,
//! refunded) and the tenant's webhooks go out. Who may do what is decided
//! by the caller (`policy`, API key scopes) before calling here; every
//! function is scoped by the tenant it is given.

use crate::domain::returns::{CreditMemo, InspectedLine, ReturnPolicy, RmaNumber};
use crate::domain::{OrderId, TenantId};
use crate::state::AppState;
use crate::store::returns::{self as stored, ReturnChange, ReturnChanged};
use crate::store::EventRecord;
use chrono::{DateTime, Utc};

pub use crate::store::returns::{
    NewReturn, NewReturnLine, RequestedBy, ReturnAddress, ReturnError, ReturnFilter, ReturnKpis, ReturnRecord,
    ReturnSettings, Settlement,
};

pub type ReturnResult<T> = Result<T, ReturnError>;

/// The most a buyer's note on a return may hold.
pub const MAX_COMMENT_CHARS: usize = 2_000;
/// The most a return photo may weigh (as for proof-of-delivery photos).
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;
/// A request form's body (the tracking page's, the portal's): photos for
/// a few lines and the fields. A larger one is refused before it is read.
pub const MAX_REQUEST_BODY: usize = 4 * MAX_PHOTO_BYTES + 64 * 1024;

/// Tells the hub and the outbox what a committed change appended.
fn published(state: &AppState, changed: ReturnChanged) -> ReturnRecord {
    let record = changed.record;
    crate::ingest::publish(state, record.tenant, record.order, &[&changed.appended]);
    record
}

// ---------------------------------------------------------------- settings

/// The tenant's policy (the default until it saves one) and return addresses.
pub async fn settings(state: &AppState, tenant: TenantId) -> ReturnResult<ReturnSettings> {
    Ok(stored::return_settings(&state.pool, tenant).await?)
}

/// Replaces the tenant's policy and return addresses, each checked first:
/// a policy problem names its field, an address problem
/// `return_addresses[i].<field>`.
pub async fn save_settings(
    state: &AppState,
    tenant: TenantId,
    policy: ReturnPolicy,
    addresses: Vec<ReturnAddress>,
) -> ReturnResult<ReturnSettings> {
    policy.validate()?;
    let mut sites = std::collections::BTreeSet::new();
    for (i, a) in addresses.iter().enumerate() {
        let field = |name: &str| format!("return_addresses[{i}].{name}");
        for (name, value) in [
            ("name", &a.name),
            ("line1", &a.line1),
            ("city", &a.city),
            ("postcode", &a.postcode),
            ("country", &a.country),
        ] {
            check_text(&field(name), value, 200)?;
        }
        for (name, value) in [("line2", &a.line2), ("region", &a.region), ("ship_from", &a.ship_from)] {
            if let Some(value) = value {
                check_text(&field(name), value, 200)?;
            }
        }
        let site = a.ship_from.as_deref().map(|s| s.trim().to_lowercase());
        if !sites.insert(site) {
            return Err(ReturnError::field(field("ship_from"), "has another address above; give each site one"));
        }
    }
    Ok(stored::put_return_settings(&state.pool, tenant, &policy, &addresses).await?)
}

fn check_text(field: &str, value: &str, max: usize) -> ReturnResult<()> {
    if value.trim().is_empty() {
        return Err(ReturnError::field(field, "must not be blank"));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(ReturnError::field(field, format!("must be at most {max} characters, without control characters")));
    }
    Ok(())
}

// ----------------------------------------------------------------- request

/// Asks for a return of delivered lines of the order. Every line must be
/// accepted by the tenant's policy, or nothing is recorded and
/// [`ReturnError::Refused`] lists each line's decision (in the order
/// given; `Refusal`'s `Display` is the sentence to show under it). Photos
/// must already be stored ([`store_photo`]). A return that needs no review
/// comes back approved.
pub async fn request(state: &AppState, tenant: TenantId, order: OrderId, new: NewReturn) -> ReturnResult<ReturnRecord> {
    if let Some(comment) = &new.comment {
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(ReturnError::field("comment", format!("must be at most {MAX_COMMENT_CHARS} characters")));
        }
    }
    for (i, line) in new.lines.iter().enumerate() {
        if let Some(sha256) = &line.photo_sha256 {
            if state.blobs.get(sha256).await.is_err() {
                return Err(ReturnError::field(
                    format!("lines[{i}].photo_sha256"),
                    "names no uploaded photo; upload it first",
                ));
            }
        }
    }
    let changed = stored::create_return(&state.pool, tenant, order, &new, Utc::now()).await?;
    Ok(published(state, changed))
}

/// Keeps a photo for a return line (its metadata, such as the GPS
/// position, stripped) and returns the SHA-256 that names it.
pub async fn store_photo(state: &AppState, bytes: &[u8]) -> ReturnResult<String> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(ReturnError::field("photo", format!("must be at most {} MiB", MAX_PHOTO_BYTES / 1024 / 1024)));
    }
    let (_, clean) =
        crate::domain::image::strip_metadata(bytes).map_err(|e| ReturnError::field("photo", e.to_string()))?;
    state.blobs.put(&clean).await.map_err(|e| ReturnError::Store(crate::store::StoreError::Invalid(e.to_string())))
}

// ------------------------------------------------------------------- steps

async fn change(
    state: &AppState,
    tenant: TenantId,
    rma: RmaNumber,
    changes: &[ReturnChange],
) -> ReturnResult<ReturnRecord> {
    let changed = stored::change_return(&state.pool, tenant, rma, changes, Utc::now()).await?;
    Ok(published(state, changed))
}

/// Approve or decline; a decision already taken is a conflict, the same
/// one again changes nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Decline { reason: String },
}

pub async fn decide(
    state: &AppState,
    tenant: TenantId,
    rma: RmaNumber,
    decision: Decision,
) -> ReturnResult<ReturnRecord> {
    let change = match decision {
        Decision::Approve => ReturnChange::Approve,
        Decision::Decline { reason } => ReturnChange::Decline { reason },
    };
    self::change(state, tenant, rma, &[change]).await
}

pub async fn approve(state: &AppState, tenant: TenantId, rma: RmaNumber) -> ReturnResult<ReturnRecord> {
    decide(state, tenant, rma, Decision::Approve).await
}

pub async fn decline(state: &AppState, tenant: TenantId, rma: RmaNumber, reason: &str) -> ReturnResult<ReturnRecord> {
    decide(state, tenant, rma, Decision::Decline { reason: reason.to_string() }).await
}

/// The return label exists (printed from the portal, or made by a label
/// provider without a tracking number yet).
pub async fn issue_label(state: &AppState, tenant: TenantId, rma: RmaNumber) -> ReturnResult<ReturnRecord> {
    change(state, tenant, rma, &[ReturnChange::IssueLabel]).await
}

/// Attaches a parcel of the return: its carrier's events then land on the
/// return (see `store::returns::attach_return_shipment`), and an approved
/// return's label counts as issued.
pub async fn attach_shipment(
    state: &AppState,
    tenant: TenantId,
    rma: RmaNumber,
    carrier: &str,
    tracking_number: &str,
) -> ReturnResult<ReturnRecord> {
    check_text("carrier", carrier, 100)?;
    check_text("tracking_number", tracking_number, 100)?;
    let changed =
        stored::attach_return_shipment(&state.pool, tenant, rma, carrier.trim(), tracking_number.trim(), Utc::now())
            .await?;
    Ok(published(state, changed))
}

/// The parcel arrived, not yet checked (a dock scan).
pub async fn mark_received(state: &AppState, tenant: TenantId, rma: RmaNumber) -> ReturnResult<ReturnRecord> {
    change(state, tenant, rma, &[ReturnChange::Receive]).await
}

/// The warehouse's receipt: received (if the carrier's delivery scan did
/// not say so already) and inspected, with what was counted of each line
/// and in which condition.
pub async fn receive(
    state: &AppState,
    tenant: TenantId,
    rma: RmaNumber,
    lines: Vec<InspectedLine>,
) -> ReturnResult<ReturnRecord> {
    change(state, tenant, rma, &[ReturnChange::Receive, ReturnChange::Inspect { lines }]).await
}

/// Accounting's credit memo settles an inspected return, as a refund or
/// as store credit. The same memo again changes nothing; another is a
/// conflict.
pub async fn settle(
    state: &AppState,
    tenant: TenantId,
    rma: RmaNumber,
    memo: CreditMemo,
    settlement: Settlement,
) -> ReturnResult<ReturnRecord> {
    memo.validate().map_err(|e| ReturnError::field(e.field(), e.to_string()))?;
    change(state, tenant, rma, &[ReturnChange::Settle { memo, settlement }]).await
}

/// Withdraws a return before its parcel is on its way.
pub async fn cancel(state: &AppState, tenant: TenantId, rma: RmaNumber) -> ReturnResult<ReturnRecord> {
    change(state, tenant, rma, &[ReturnChange::Cancel]).await
}

// ----------------------------------------------------------------- readers

pub async fn by_rma(state: &AppState, tenant: TenantId, rma: RmaNumber) -> ReturnResult<Option<ReturnRecord>> {
    Ok(stored::return_by_rma(&state.pool, tenant, rma).await?)
}

/// The order's returns, oldest first.
pub async fn for_order(state: &AppState, tenant: TenantId, order: OrderId) -> ReturnResult<Vec<ReturnRecord>> {
    Ok(stored::order_returns(&state.pool, tenant, order).await?)
}

/// A tenant's returns, oldest request first (customer service's queue).
pub async fn list(state: &AppState, tenant: TenantId, filter: &ReturnFilter) -> ReturnResult<Vec<ReturnRecord>> {
    Ok(stored::tenant_returns(&state.pool, tenant, filter).await?)
}

/// The return's own events (its steps and its parcels' scans), oldest first.
pub async fn events(state: &AppState, record: &ReturnRecord) -> ReturnResult<Vec<EventRecord>> {
    Ok(stored::return_events(&state.pool, record.tenant, record.id).await?)
}

/// Where the return is to be sent (for the label), if the tenant said.
pub async fn address(state: &AppState, tenant: TenantId, rma: RmaNumber) -> ReturnResult<Option<ReturnAddress>> {
    stored::return_address(&state.pool, tenant, rma).await
}

/// Returns rate, top reasons per SKU and per carrier, and the median time
/// to refund, for `[from, to)`.
pub async fn kpis(
    state: &AppState,
    tenant: TenantId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> ReturnResult<ReturnKpis> {
    if to <= from {
        return Err(ReturnError::field("to", "must be after `from`"));
    }
    Ok(stored::return_kpis(&state.pool, tenant, from, to).await?)
}

/// Whether a return in this status has a label to print.
fn has_label(status: crate::domain::returns::ReturnStatus) -> bool {
    use crate::domain::returns::ReturnStatus;
    matches!(status, ReturnStatus::Approved | ReturnStatus::LabelIssued | ReturnStatus::InTransit)
}

/// The printable label of an approved return, in the buyer's language, or
/// `None` when there is no such return (of `order`, when given) or it has
/// no label to print. The first download issues the label: the return's
/// timeline says "label ready".
pub async fn label_pdf(
    state: &AppState,
    tenant: TenantId,
    order: Option<OrderId>,
    rma: RmaNumber,
    language: crate::domain::language::Language,
) -> ReturnResult<Option<Vec<u8>>> {
    use crate::domain::returns::ReturnStatus;
    let Some(mut record) = by_rma(state, tenant, rma).await? else { return Ok(None) };
    if order.is_some_and(|o| o != record.order) || !has_label(record.status) {
        return Ok(None);
    }
    if record.status == ReturnStatus::Approved {
        record = issue_label(state, tenant, rma).await?;
    }
    render_label(state, tenant, &record, language).await.map(Some)
}

/// The label attached to the buyer's "return approved" email: the same
/// document, without issuing it (the buyer's first print or download does).
pub async fn emailed_label(
    state: &AppState,
    tenant: TenantId,
    rma: RmaNumber,
    language: crate::domain::language::Language,
) -> ReturnResult<Option<Vec<u8>>> {
    match by_rma(state, tenant, rma).await? {
        Some(record) if has_label(record.status) => render_label(state, tenant, &record, language).await.map(Some),
        _ => Ok(None),
    }
}

async fn render_label(
    state: &AppState,
    tenant: TenantId,
    record: &ReturnRecord,
    language: crate::domain::language::Language,
) -> ReturnResult<Vec<u8>> {
    use crate::documents::return_label::{render, LabelAddress, LabelLine, ReturnLabel, ReturnLabelTexts};
    let rma = record.rma;
    let tenant_record = crate::store::get_tenant(&state.pool, tenant).await?;
    let snapshot = crate::store::order_snapshot(&state.pool, tenant, record.order).await?;
    let to = address(state, tenant, rma).await?;
    let t = crate::i18n::Translator::new(language, &tenant_record.locale);
    let ship_to = snapshot.order.ship_to.address_lines();
    let label = ReturnLabel {
        brand: tenant_record.brand_name.clone(),
        rma,
        order_number: record.order_number.clone(),
        from: LabelAddress {
            name: ship_to.first().cloned().unwrap_or_default(),
            lines: ship_to.iter().skip(1).cloned().collect(),
        },
        to: match &to {
            Some(a) => {
                let lines = a.address_lines();
                LabelAddress {
                    name: lines.first().cloned().unwrap_or_default(),
                    lines: lines.into_iter().skip(1).collect(),
                }
            }
            // No return address set: the brand, for the carrier to ask about.
            None => LabelAddress { name: tenant_record.brand_name.clone(), lines: vec![t.text("label-no-address")] },
        },
        lines: record
            .lines
            .iter()
            .map(|l| LabelLine {
                sku: l.sku.clone(),
                description: l.description.clone(),
                quantity: format!("{} {}", l.quantity, l.unit),
                reason: t.text(&format!("return-reason-{}", l.reason.code())),
            })
            .collect(),
        instructions: ["label-step-print", "label-step-pack", "label-step-hand-over"]
            .iter()
            .map(|id| t.text(id))
            .collect(),
        qr_payload: String::new(),
        issued_at: record.label_issued_at.or(record.decided_at).unwrap_or(record.requested_at),
        texts: ReturnLabelTexts {
            language: language.tag().to_string(),
            title: t.text("label-title"),
            from: t.text("label-from"),
            to: t.text("label-to"),
            rma: t.text("label-rma"),
            order: t.text("label-order"),
            cut_here: t.text("label-cut-here"),
            instructions: t.text("label-instructions"),
            contents: t.text("label-contents"),
            sku: t.text("label-sku"),
            description: t.text("label-description"),
            quantity: t.text("label-quantity"),
            reason: t.text("label-reason"),
            no_lines: t.text("label-no-lines"),
            continued: t.text("label-continued"),
        },
    };
    render(&label).map_err(|e| ReturnError::Store(crate::store::StoreError::Invalid(e.to_string())))
}
