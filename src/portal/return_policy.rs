//! The administrator's return policy page: the policy's form (window,
//! final-sale SKUs, reasons and which need a photo, resolutions, review)
//! and the return address per ship-from site. Saved through the same
//! service, and checked by the same rules, as `PUT /api/v1/return-policy`.

use super::sign_in::urlencode;
use super::{form_session, redirect, PortalError, PortalForm};
use crate::domain::returns::{PolicyError, Resolution, ReturnPolicy, ReturnReason, SkuRule};
use crate::policy::{self, Action, Decision, Person};
use crate::returns::{self as service, ReturnAddress, ReturnError};
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use std::collections::HashMap;

const PAGE: &str = "/portal/admin/returns";

/// Every field of a form, by name: a ticked checkbox arrives as `on`, an
/// unticked one not at all.
type Fields = HashMap<String, String>;

fn field<'f>(fields: &'f Fields, name: &str) -> &'f str {
    fields.get(name).map_or("", |v| v.trim())
}

fn ticked(fields: &Fields, name: &str) -> bool {
    fields.contains_key(name)
}

/// The policy as the form describes it, or the sentence saying what to fix.
fn policy_from(fields: &Fields) -> Result<ReturnPolicy, String> {
    let window = field(fields, "window_days");
    let window_days =
        window.parse::<u32>().map_err(|_| format!("Return window: “{window}” is not a whole number of days."))?;
    let non_returnable = field(fields, "non_returnable")
        .split(['\n', ','])
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .map(|rule| SkuRule::parse(rule).map_err(|e| format!("Final-sale SKUs: {e}.")))
        .collect::<Result<Vec<_>, _>>()?;
    let reasons: Vec<ReturnReason> =
        ReturnReason::ALL.into_iter().filter(|r| ticked(fields, &format!("reason_{}", r.code()))).collect();
    let photo_required =
        ReturnReason::ALL.into_iter().filter(|r| ticked(fields, &format!("photo_{}", r.code()))).collect();
    let resolutions =
        Resolution::ALL.into_iter().filter(|r| ticked(fields, &format!("resolution_{}", r.code()))).collect();
    let policy = ReturnPolicy {
        window_days,
        non_returnable,
        reasons,
        photo_required,
        resolutions,
        requires_approval: ticked(fields, "requires_approval"),
    };
    policy.validate().map_err(|e| match e {
        PolicyError::WindowDays(_) => {
            format!("Return window: between 1 and {} days.", crate::domain::returns::MAX_WINDOW_DAYS)
        }
        PolicyError::EmptySkuRule => "Final-sale SKUs: a line is empty.".into(),
        PolicyError::NoReasons => "Offer at least one reason.".into(),
        PolicyError::PhotoForReasonNotOffered(r) => format!("“{}” needs a photo but is not offered.", r.label()),
        PolicyError::NoResolutions => "Offer at least one of refund, exchange or store credit.".into(),
    })?;
    Ok(policy)
}

/// The address as the form describes it; `None` for the site's address to
/// be removed.
fn address_from(fields: &Fields) -> (Option<String>, Option<ReturnAddress>) {
    let optional = |name: &str| Some(field(fields, name).to_string()).filter(|v| !v.is_empty());
    let ship_from = optional("ship_from");
    let address = (field(fields, "action") != "remove").then(|| ReturnAddress {
        ship_from: ship_from.clone(),
        name: field(fields, "name").into(),
        line1: field(fields, "line1").into(),
        line2: optional("line2"),
        city: field(fields, "city").into(),
        region: optional("region"),
        postcode: field(fields, "postcode").into(),
        country: field(fields, "country").to_uppercase(),
    });
    (ship_from, address)
}

/// An administrator, or why not.
async fn admin(state: &AppState, headers: &HeaderMap, fields: &Fields) -> Result<Person, PortalError> {
    let signed_in = form_session(state, headers, field(fields, "csrf")).await?;
    match policy::decide_role(&signed_in.person, Action::ManageReturnPolicy) {
        Decision::Allow => Ok(signed_in.person),
        _ => Err(PortalError::Forbidden),
    }
}

fn saved(message: &str) -> Response {
    redirect(&format!("{PAGE}?notice={}", urlencode(message)))
}

fn refused(error: ReturnError) -> PortalError {
    match error {
        ReturnError::Store(e) => PortalError::Store(e),
        ReturnError::Field { field, message } => {
            // `return_addresses[0].postcode must not be blank` reads as the form's field.
            let name = field.rsplit('.').next().unwrap_or(&field).replace('_', " ");
            PortalError::invalid(PAGE, format!("Return address: the {name} {message}."))
        }
        other => PortalError::invalid(PAGE, other.to_string()),
    }
}

/// `POST /portal/admin/returns`: the policy; the addresses stay as they are.
pub async fn save_policy(
    State(state): State<AppState>,
    headers: HeaderMap,
    PortalForm(fields): PortalForm<Fields>,
) -> Result<Response, PortalError> {
    let person = admin(&state, &headers, &fields).await?;
    let policy = policy_from(&fields).map_err(|message| PortalError::invalid(PAGE, message))?;
    let settings = service::settings(&state, person.tenant).await.map_err(refused)?;
    service::save_settings(&state, person.tenant, policy, settings.addresses).await.map_err(refused)?;
    store::record_audit(&state.pool, person.tenant, None, person.id, "return_policy", "return policy saved").await?;
    Ok(saved("Return policy saved. New requests follow it; returns already asked for keep their decisions."))
}

/// `POST /portal/admin/returns/addresses`: adds or replaces the return
/// address of one ship-from site (blank: every site), or removes it.
pub async fn save_address(
    State(state): State<AppState>,
    headers: HeaderMap,
    PortalForm(fields): PortalForm<Fields>,
) -> Result<Response, PortalError> {
    let person = admin(&state, &headers, &fields).await?;
    let (site, address) = address_from(&fields);
    let same_site =
        |a: &ReturnAddress| a.ship_from.as_deref().map(str::to_lowercase) == site.as_deref().map(str::to_lowercase);
    let settings = service::settings(&state, person.tenant).await.map_err(refused)?;
    let mut addresses: Vec<ReturnAddress> = settings.addresses.into_iter().filter(|a| !same_site(a)).collect();
    let removed = address.is_none();
    addresses.extend(address);
    service::save_settings(&state, person.tenant, settings.policy, addresses).await.map_err(refused)?;
    let which = site.unwrap_or_else(|| "every site".into());
    let detail = format!("return address for {which} {}", if removed { "removed" } else { "saved" });
    store::record_audit(&state.pool, person.tenant, None, person.id, "return_address", &detail).await?;
    Ok(saved(&format!("Return address for {which} {}.", if removed { "removed" } else { "saved" })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_form_reads_into_a_policy() {
        let policy = policy_from(&form(&[
            ("window_days", " 14 "),
            ("non_returnable", "GIFT-*\nSKU-9, hyg-*"),
            ("reason_damaged", "on"),
            ("reason_wrong_item", "on"),
            ("photo_damaged", "on"),
            ("resolution_refund", "on"),
            ("requires_approval", "on"),
        ]))
        .unwrap();
        assert_eq!(policy.window_days, 14);
        assert_eq!(
            policy.non_returnable.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["GIFT-*", "SKU-9", "hyg-*"]
        );
        assert_eq!(policy.reasons, [ReturnReason::WrongItem, ReturnReason::Damaged]);
        assert_eq!(policy.photo_required, [ReturnReason::Damaged]);
        assert_eq!(policy.resolutions, [Resolution::Refund]);
        assert!(policy.requires_approval);
    }

    #[test]
    fn a_policy_that_cannot_work_is_said_in_the_forms_words() {
        let base = [("window_days", "30"), ("reason_other", "on"), ("resolution_refund", "on")];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = base.to_vec();
            pairs.extend_from_slice(extra);
            policy_from(&form(&pairs)).unwrap_err()
        };
        assert!(with(&[("window_days", "0")]).starts_with("Return window: between 1 and 365"));
        assert!(with(&[("window_days", "two weeks")]).contains("not a whole number"));
        assert!(with(&[("non_returnable", "*")]).starts_with("Final-sale SKUs:"));
        assert!(with(&[("photo_damaged", "on")]).contains("“Arrived damaged” needs a photo but is not offered"));
        let nothing = policy_from(&form(&[("window_days", "30"), ("resolution_refund", "on")])).unwrap_err();
        assert_eq!(nothing, "Offer at least one reason.");
        let no_resolution = policy_from(&form(&[("window_days", "30"), ("reason_other", "on")])).unwrap_err();
        assert!(no_resolution.starts_with("Offer at least one of refund"));
    }

    #[test]
    fn an_address_is_for_one_site_or_every_site_and_remove_removes() {
        let fields = form(&[("ship_from", " Dallas DC "), ("name", "Returns"), ("country", "us")]);
        let (site, address) = address_from(&fields);
        assert_eq!(site.as_deref(), Some("Dallas DC"));
        assert_eq!(address.unwrap().country, "US");
        let (site, address) = address_from(&form(&[("ship_from", ""), ("action", "remove")]));
        assert_eq!((site, address), (None, None));
    }
}
