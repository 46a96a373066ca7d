//! Builds the portal's returns views from the store's records: formatted
//! for staff and B2B people (English, times in the zone given), with only
//! what the viewer may do switched on.

use super::portal::time_in;
use super::portal_returns_view::*;
use crate::domain::queue::short_duration;
use crate::domain::return_queue::{status_label, waiting_since, ReturnWork};
use crate::domain::returns::{Condition, ReturnPolicy, ReturnableLine};
use crate::domain::{AccountId, OrderLineId, TimeZone, UserId};
use crate::store::returns::{RequestedBy, ReturnRecord, Settlement};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The names a return's ids stand for: customer accounts and people.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub accounts: HashMap<AccountId, String>,
    pub people: HashMap<UserId, String>,
}

/// Who asked, as the queue says it. A person the viewer may not know by
/// name (`names` leaves them out) is said by their side only.
pub fn requester(record: &ReturnRecord, names: &Names) -> String {
    let account = record.account.and_then(|a| names.accounts.get(&a)).map_or("the account", String::as_str);
    let person = |user| names.people.get(&user);
    match record.requested_by {
        RequestedBy::Buyer => "the buyer (tracking page)".to_string(),
        RequestedBy::Staff(user) => {
            person(user).map_or_else(|| "customer service".to_string(), |name| format!("{name} (customer service)"))
        }
        RequestedBy::Account(user) => {
            person(user).map_or_else(|| format!("someone at {account}"), |name| format!("{name} ({account})"))
        }
        RequestedBy::Api => "another system (API)".to_string(),
    }
}

/// `may_decide`: the viewer may approve or decline returns (the flag is
/// set only on those waiting for a decision).
pub fn portal_return(
    record: &ReturnRecord,
    names: &Names,
    tz: TimeZone,
    now: DateTime<Utc>,
    may_decide: bool,
) -> PortalReturn {
    let status = record.status;
    let photo_href =
        |sha256: &str| format!("/portal/orders/{}/returns/{}/photos/{sha256}", record.order_number, record.rma);
    let decision = match (status, record.decided_at) {
        (crate::domain::ReturnStatus::Declined, at) => Some(format!(
            "Declined{}: {}",
            at.map(|at| format!(" {}", time_in(at, tz))).unwrap_or_default(),
            record.decline_reason.clone().unwrap_or_default()
        )),
        (crate::domain::ReturnStatus::Requested | crate::domain::ReturnStatus::Cancelled, _) => None,
        (_, Some(at)) => Some(format!("Approved {}", time_in(at, tz))),
        (_, None) => None,
    };
    PortalReturn {
        rma: record.rma.to_string(),
        order_number: record.order_number.clone(),
        account: record.account.and_then(|a| names.accounts.get(&a)).cloned(),
        status: status.code().to_string(),
        status_label: status_label(status).to_string(),
        requested: format!("{} by {}", time_in(record.requested_at, tz), requester(record, names)),
        waiting: ReturnWork::of(status)
            .map(|_| short_duration(now - waiting_since(status, record.requested_at, record.received_at))),
        resolution: record.resolution.label().to_string(),
        comment: record.comment.clone().filter(|c| !c.trim().is_empty()),
        lines: record
            .lines
            .iter()
            .map(|l| PortalReturnLine {
                line_number: l.line_number,
                sku: l.sku.clone(),
                description: l.description.clone(),
                quantity: format!("{} {}", l.quantity, l.unit),
                reason: l.reason.label().to_string(),
                photo: l.photo_sha256.as_deref().map(photo_href),
                inspected: l
                    .condition
                    .map(|c| format!("{} counted, {}", l.counted.unwrap_or_default(), condition_label(c))),
            })
            .collect(),
        tracking: record
            .shipments
            .iter()
            .map(|s| super::portal::shipment_label(&s.carrier, &s.tracking_number))
            .collect(),
        decision,
        credit: credit_memo(record, tz),
        may_decide: may_decide && ReturnWork::of(status) == Some(ReturnWork::Decision),
    }
}

fn condition_label(condition: Condition) -> &'static str {
    match condition {
        Condition::AsNew => "as new",
        Condition::Opened => "opened",
        Condition::Damaged => "damaged",
        Condition::Missing => "missing",
    }
}

pub fn settlement_label(settlement: Settlement) -> &'static str {
    match settlement {
        Settlement::Refund => "Refund",
        Settlement::StoreCredit => "Store credit",
    }
}

/// The credit memo of a settled return, dated in `tz`.
pub fn credit_memo(record: &ReturnRecord, tz: TimeZone) -> Option<CreditMemoView> {
    let memo = record.credit.as_ref()?;
    Some(CreditMemoView {
        amount: super::returns::money(memo.amount_minor, memo.currency.as_str()),
        reference: memo.reference.clone(),
        date: record.credited_at.map(|at| tz.local(at).format("%Y-%m-%d").to_string()).unwrap_or_default(),
        settlement: record.settlement().map_or("Credit", settlement_label).to_string(),
    })
}

/// The memo's amount as a plain decimal ("49.90"), for a spreadsheet.
pub fn plain_amount(amount_minor: i64, currency: &str) -> String {
    let text = super::returns::money(amount_minor, currency);
    text.strip_suffix(currency).map_or(text.as_str(), str::trim_end).to_string()
}

/// What a receiver's site should expect back.
pub fn expected_return(record: &ReturnRecord) -> ExpectedReturn {
    ExpectedReturn {
        rma: record.rma.to_string(),
        order_number: record.order_number.clone(),
        status_label: status_label(record.status).to_string(),
        lines: record
            .lines
            .iter()
            .map(|l| format!("{} {} · {} {}", l.quantity, l.unit, l.sku, l.description))
            .collect(),
        tracking: record
            .shipments
            .iter()
            .map(|s| super::portal::shipment_label(&s.carrier, &s.tracking_number))
            .collect(),
    }
}

/// A line of the order as the request form may offer it.
pub struct Requestable {
    pub line: ReturnableLine,
    pub line_number: i64,
    pub description: String,
    pub unit: String,
}

/// The request form: the lines that can still come back under the
/// policy (delivered, within the window, not final sale, not all
/// returned), or `None` when there are none.
pub fn request_form(
    title: &str,
    policy: &ReturnPolicy,
    items: &[Requestable],
    now: DateTime<Utc>,
    tz: TimeZone,
) -> Option<ReturnRequestForm> {
    let closes = |item: &Requestable| item.line.delivered_at.and_then(|at| policy.window_closes(at));
    let open: Vec<&Requestable> = items
        .iter()
        .filter(|item| {
            let left = item.line.delivered.saturating_sub(item.line.already_returned);
            left.is_positive() && closes(item).is_some_and(|c| c > now) && policy.is_returnable(&item.line.sku)
        })
        .collect();
    if open.is_empty() {
        return None;
    }
    let window = open.iter().filter_map(|i| closes(i)).min();
    let photo: Vec<&str> = policy.reasons.iter().filter(|r| policy.needs_photo(**r)).map(|r| r.label()).collect();
    Some(ReturnRequestForm {
        title: title.to_string(),
        window: window.map(|at| format!("Returns are accepted until {}.", time_in(at, tz))),
        lines: open
            .iter()
            .map(|item| {
                let left = item.line.delivered.saturating_sub(item.line.already_returned);
                RequestableLine {
                    line_id: item.line.line.0,
                    line_number: item.line_number,
                    sku: item.line.sku.clone(),
                    description: item.description.clone(),
                    returnable: format!("up to {left} {}", item.unit),
                    max: left.to_string(),
                    step: if left.thousandths() % 1000 == 0 { "1".into() } else { "0.001".into() },
                }
            })
            .collect(),
        reasons: policy.reasons.iter().map(|r| (r.code().to_string(), r.label().to_string())).collect(),
        resolutions: policy.resolutions.iter().map(|r| (r.code().to_string(), r.label().to_string())).collect(),
        photo_note: (!photo.is_empty())
            .then(|| format!("The policy needs a photo for: {}. Add it on the line's photo field.", photo.join(", "))),
    })
}

/// The order's lines the form names, by id: (line number, description, unit).
pub fn requestable(
    lines: Vec<(ReturnableLine, String, String)>,
    line_numbers: &HashMap<OrderLineId, i64>,
) -> Vec<Requestable> {
    lines
        .into_iter()
        .map(|(line, description, unit)| Requestable {
            line_number: line_numbers.get(&line.line).copied().unwrap_or_default(),
            line,
            description,
            unit,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_for_a_spreadsheet_have_no_currency() {
        assert_eq!(plain_amount(4990, "EUR"), "49.90");
        assert_eq!(plain_amount(1200, "JPY"), "1200");
        assert_eq!(plain_amount(12345, "KWD"), "12.345");
    }
}

/// The return policy page from the tenant's settings.
pub fn return_policy_page(
    viewer: super::portal_view::Viewer,
    settings: &crate::store::returns::ReturnSettings,
    sites: Vec<String>,
    tz: TimeZone,
) -> ReturnPolicyPage {
    use crate::domain::returns::{Resolution, ReturnReason};
    let policy = &settings.policy;
    let mut addresses: Vec<ReturnAddressRow> = settings
        .addresses
        .iter()
        .map(|a| ReturnAddressRow {
            ship_from: a.ship_from.clone().unwrap_or_default(),
            site: a.ship_from.clone().unwrap_or_else(|| "Every site".into()),
            lines: a.address_lines(),
        })
        .collect();
    // The address for every site first, then the sites by name.
    addresses.sort_by(|a, b| (!a.ship_from.is_empty(), &a.site).cmp(&(!b.ship_from.is_empty(), &b.site)));
    ReturnPolicyPage {
        viewer,
        window_days: policy.window_days,
        non_returnable: policy.non_returnable.iter().map(|r| r.to_string()).collect::<Vec<_>>().join("\n"),
        reasons: ReturnReason::ALL
            .iter()
            .map(|r| ReasonChoice {
                code: r.code().into(),
                label: r.label().into(),
                offered: policy.offers(*r),
                needs_photo: policy.needs_photo(*r),
            })
            .collect(),
        resolutions: Resolution::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string(), policy.offers_resolution(*r)))
            .collect(),
        requires_approval: policy.requires_approval,
        addresses,
        sites,
        saved: settings.updated_at.map_or_else(
            || "Not saved yet: the defaults below apply.".to_string(),
            |at| format!("Saved {}.", time_in(at, tz)),
        ),
    }
}
