//! Builds the tracking page's returns part from the store's records, in the
//! buyer's language.

use super::returns_view::{Choice, OfferLine, ReturnCard, ReturnFormTexts, ReturnOffer, ReturnStepView, ReturnsView};
use crate::domain::returns::{CreditMemo, Resolution, ReturnPolicy, ReturnStatus, ReturnableLine};
use crate::domain::TimeZone;
use crate::i18n::Translator;
use crate::store::returns::ReturnRecord;
use chrono::{DateTime, Utc};

/// A delivered line as the buyer may return it, with the words to show.
pub struct ReturnableItem {
    pub line: ReturnableLine,
    pub description: String,
    pub unit: String,
}

/// `None` when there is nothing to return and no return to follow.
pub fn returns_view(
    policy: &ReturnPolicy,
    items: &[ReturnableItem],
    returns: &[ReturnRecord],
    now: DateTime<Utc>,
    tz: TimeZone,
    t: &Translator,
) -> Option<ReturnsView> {
    let offer = return_offer(policy, items, now, tz, t);
    if offer.is_none() && returns.is_empty() {
        return None;
    }
    let mut cards: Vec<ReturnCard> = returns.iter().map(|r| return_card(r, tz, t)).collect();
    cards.reverse();
    let outcomes = std::iter::once(("sent".to_string(), t.with("returns-sent", &[("rma", "%RMA%".into())])))
        .chain(REFUSALS.iter().map(|code| (code.to_string(), t.text(&format!("returns-refused-{code}")))))
        .map(|(code, label)| Choice { code, label })
        .collect();
    Some(ReturnsView { heading: t.text("returns-heading"), offer, returns: cards, outcomes })
}

/// Why a buyer's request can come back refused, as the form's answer names it.
pub const REFUSALS: [&str; 7] = [
    "outside_window",
    "not_returnable",
    "more_than_returnable",
    "photo_required",
    "photo_unreadable",
    "nothing",
    "limited",
];

fn return_offer(
    policy: &ReturnPolicy,
    items: &[ReturnableItem],
    now: DateTime<Utc>,
    tz: TimeZone,
    t: &Translator,
) -> Option<ReturnOffer> {
    let open = |item: &&ReturnableItem| {
        let line = &item.line;
        let left = line.delivered.saturating_sub(line.already_returned);
        let in_window = line.delivered_at.and_then(|at| policy.window_closes(at)).is_some_and(|closes| closes > now);
        !left.is_zero() && in_window && policy.is_returnable(&line.sku)
    };
    let open: Vec<&ReturnableItem> = items.iter().filter(open).collect();
    // The earliest window still open is the one to mention.
    let closes = open.iter().filter_map(|i| i.line.delivered_at.and_then(|at| policy.window_closes(at))).min()?;
    let lines = open
        .iter()
        .map(|item| {
            let left = item.line.delivered.saturating_sub(item.line.already_returned);
            OfferLine {
                line_id: item.line.line.0,
                description: item.description.clone(),
                sku: item.line.sku.clone(),
                returnable: t.with("returns-up-to", &[("quantity", format!("{left} {}", item.unit).into())]),
                max: left.to_string(),
                step: if left.thousandths() % 1000 == 0 { "1".into() } else { "0.001".into() },
            }
        })
        .collect();
    let reasons: Vec<Choice> = policy
        .reasons
        .iter()
        .map(|r| Choice { code: r.code().into(), label: t.text(&format!("return-reason-{}", r.code())) })
        .collect();
    let photo: Vec<String> = policy
        .reasons
        .iter()
        .filter(|r| policy.needs_photo(**r))
        .map(|r| t.text(&format!("return-reason-{}", r.code())))
        .collect();
    Some(ReturnOffer {
        window: t.with("returns-window", &[("date", t.date(tz.local(closes).date_naive()).into())]),
        lines,
        reasons,
        resolutions: policy
            .resolutions
            .iter()
            .map(|r| Choice { code: r.code().into(), label: t.text(&format!("return-resolution-{}", r.code())) })
            .collect(),
        photo_note: (!photo.is_empty())
            .then(|| t.with("returns-photo-needed", &[("reasons", photo.join(", ").into())])),
        texts: ReturnFormTexts {
            start: t.text("returns-start"),
            quantity: t.text("returns-quantity"),
            reason: t.text("returns-reason"),
            photo: t.text("returns-photo"),
            comment: t.text("returns-comment"),
            resolution: t.text("returns-resolution"),
            submit: t.text("returns-submit"),
        },
    })
}

fn return_card(record: &ReturnRecord, tz: TimeZone, t: &Translator) -> ReturnCard {
    let status = record.status;
    let canonical = crate::domain::Canonical::Return(status);
    let labelled = matches!(status, ReturnStatus::Approved | ReturnStatus::LabelIssued | ReturnStatus::InTransit);
    ReturnCard {
        rma: record.rma.to_string(),
        headline: t.label(canonical),
        explanation: t.explanation(canonical),
        requested: t
            .with("returns-requested-at", &[("when", super::tracking::format_time(record.requested_at, tz, t).into())]),
        steps: steps(status, record.resolution, t),
        lines: record
            .lines
            .iter()
            .map(|l| {
                format!(
                    "{} {} · {} · {}",
                    l.quantity,
                    l.unit,
                    l.description,
                    t.text(&format!("return-reason-{}", l.reason.code()))
                )
            })
            .collect(),
        label: labelled.then(|| t.text("returns-label")),
        settlement: record.credit.as_ref().map(|credit| settlement(status, credit, t)),
        tracking: record
            .shipments
            .iter()
            .map(|s| {
                t.with(
                    "returns-tracking",
                    &[("carrier", s.carrier.clone().into()), ("number", s.tracking_number.clone().into())],
                )
            })
            .collect(),
        declined_because: record
            .decline_reason
            .clone()
            .filter(|_| status == ReturnStatus::Declined)
            .map(|reason| t.with("returns-declined-because", &[("reason", reason.into())])),
    }
}

/// The steps a buyer follows; a declined or cancelled return stops after
/// the request.
fn steps(status: ReturnStatus, resolution: Resolution, t: &Translator) -> Vec<ReturnStepView> {
    let label = |s: ReturnStatus| t.label(crate::domain::Canonical::Return(s));
    if matches!(status, ReturnStatus::Declined | ReturnStatus::Cancelled) {
        return vec![
            ReturnStepView { label: label(ReturnStatus::Requested), reached: true, current: false },
            ReturnStepView { label: label(status), reached: true, current: true },
        ];
    }
    let settled = match resolution {
        Resolution::StoreCredit => ReturnStatus::Credited,
        Resolution::Refund | Resolution::Exchange => ReturnStatus::Refunded,
    };
    let path =
        [ReturnStatus::Requested, ReturnStatus::Approved, ReturnStatus::InTransit, ReturnStatus::Received, settled];
    let reached = rank(status);
    path.iter()
        .map(|&s| ReturnStepView { label: label(s), reached: rank(s) <= reached, current: rank(s) == reached })
        .collect()
}

fn rank(status: ReturnStatus) -> u8 {
    match status {
        ReturnStatus::Requested => 0,
        ReturnStatus::Approved | ReturnStatus::LabelIssued => 1,
        ReturnStatus::InTransit => 2,
        ReturnStatus::Received | ReturnStatus::Inspected => 3,
        ReturnStatus::Refunded | ReturnStatus::Credited => 4,
        ReturnStatus::Declined | ReturnStatus::Cancelled => 0,
    }
}

fn settlement(status: ReturnStatus, credit: &CreditMemo, t: &Translator) -> String {
    let amount = money(credit.amount_minor, credit.currency.as_str());
    let id = if status == ReturnStatus::Credited { "returns-credited" } else { "returns-refunded" };
    t.with(id, &[("amount", amount.into()), ("reference", credit.reference.clone().into())])
}

/// Minor units shown with the currency's usual decimals (ISO 4217: none
/// for yen and won, three for the dinars, two elsewhere).
pub fn money(amount_minor: i64, currency: &str) -> String {
    let decimals = match currency {
        "JPY" | "KRW" | "CLP" | "ISK" | "VND" => 0,
        "BHD" | "JOD" | "KWD" | "OMR" | "TND" | "IQD" | "LYD" => 3,
        _ => 2,
    };
    let scale = 10i64.pow(decimals);
    let (units, fraction) = (amount_minor / scale, (amount_minor % scale).abs());
    match decimals {
        0 => format!("{units} {currency}"),
        d => format!("{units}.{fraction:0width$} {currency}", width = d as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_uses_the_currency_decimals() {
        assert_eq!(money(4990, "EUR"), "49.90 EUR");
        assert_eq!(money(5, "USD"), "0.05 USD");
        assert_eq!(money(1200, "JPY"), "1200 JPY");
        assert_eq!(money(12345, "KWD"), "12.345 KWD");
    }

    #[test]
    fn a_return_reaches_its_steps_in_order() {
        let t = Translator::new(crate::domain::language::Language::English, "en-GB");
        let shown = |s| steps(s, Resolution::Refund, &t).iter().filter(|x| x.reached).count();
        assert_eq!(shown(ReturnStatus::Requested), 1);
        assert_eq!(shown(ReturnStatus::LabelIssued), 2);
        assert_eq!(shown(ReturnStatus::InTransit), 3);
        assert_eq!(shown(ReturnStatus::Inspected), 4);
        assert_eq!(shown(ReturnStatus::Refunded), 5);
        let declined = steps(ReturnStatus::Declined, Resolution::Refund, &t);
        assert_eq!(declined.len(), 2);
        assert!(declined[1].current);
        let credit = steps(ReturnStatus::Credited, Resolution::StoreCredit, &t);
        assert_eq!(credit.last().unwrap().label, "Store credit issued");
        assert_eq!(credit.iter().filter(|s| s.current).count(), 1);
    }
}
