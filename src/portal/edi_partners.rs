//! The administrator's trading-partner page: saving and removing a
//! partner's profile (the same rules as `PUT /api/v1/edi/partners/{id}`),
//! and downloading the acknowledgment sent for an interchange.

use super::documents::attachment;
use super::sign_in::urlencode;
use super::{form_session, get_session, redirect, PortalError, PortalForm};
use crate::auth::session::SignedIn;
use crate::domain::edi_partner::{AckKind, PartnerDraft, PartnerShipTo, Ta1Policy, TransactionSet};
use crate::policy::{self, Action, Decision};
use crate::present::portal_view::{PartnerFields, ShipToFields};
use crate::state::AppState;
use crate::store;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};

const PAGE: &str = "/portal/admin/edi";

/// The form as posted; a ticked checkbox arrives as `on`, an unticked one
/// not at all.
#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct PartnerForm {
    #[serde(skip_serializing)]
    pub csrf: String,
    /// `save` (the default) or `remove`.
    pub action: String,
    pub sender_id: String,
    pub name: String,
    pub set_214: String,
    pub set_850: String,
    pub set_855: String,
    pub set_856: String,
    pub acknowledgment: String,
    pub ta1: String,
    pub tolerant_counts: String,
    pub time_zone: String,
    pub ship_to_name: String,
    pub ship_to_line1: String,
    pub ship_to_line2: String,
    pub ship_to_city: String,
    pub ship_to_region: String,
    pub ship_to_postcode: String,
    pub ship_to_country: String,
    pub ack_url: String,
}

impl PartnerForm {
    /// The form as typed, for showing it again after a refusal (carried
    /// back in the page's `draft` parameter; it holds no secret).
    pub fn from_draft(draft: &str) -> Option<PartnerForm> {
        serde_urlencoded::from_str(draft).ok()
    }

    pub fn fields(&self) -> PartnerFields {
        PartnerFields {
            sender_id: self.sender_id.clone(),
            name: self.name.clone(),
            sets: self.ticked_sets().map(|set| set.id().to_string()).collect(),
            acknowledgment: self.acknowledgment.clone(),
            ta1: self.ta1.clone(),
            tolerant_counts: !self.tolerant_counts.is_empty(),
            time_zone: self.time_zone.clone(),
            ship_to: ShipToFields {
                name: self.ship_to_name.clone(),
                line1: self.ship_to_line1.clone(),
                line2: self.ship_to_line2.clone(),
                city: self.ship_to_city.clone(),
                region: self.ship_to_region.clone(),
                postcode: self.ship_to_postcode.clone(),
                country: self.ship_to_country.clone(),
            },
            ack_url: self.ack_url.clone(),
        }
    }

    /// The transaction sets whose checkbox is ticked.
    fn ticked_sets(&self) -> impl Iterator<Item = TransactionSet> + '_ {
        [
            (TransactionSet::ShipmentStatus, &self.set_214),
            (TransactionSet::PurchaseOrder, &self.set_850),
            (TransactionSet::PoAcknowledgment, &self.set_855),
            (TransactionSet::ShipNotice, &self.set_856),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(set, _)| set)
    }

    fn draft(self) -> Result<PartnerDraft, String> {
        let expected_sets = self.ticked_sets().collect();
        let acknowledgment =
            AckKind::parse(self.acknowledgment.trim()).ok_or("Choose which acknowledgment the partner expects.")?;
        let ta1 = Ta1Policy::parse(self.ta1.trim()).ok_or("Choose when the partner gets a TA1.")?;
        let optional = |v: String| Some(v).filter(|v| !v.trim().is_empty());
        let address = [
            &self.ship_to_name,
            &self.ship_to_line1,
            &self.ship_to_line2,
            &self.ship_to_city,
            &self.ship_to_region,
            &self.ship_to_postcode,
            &self.ship_to_country,
        ];
        let default_ship_to = address.iter().any(|v| !v.trim().is_empty()).then(|| PartnerShipTo {
            name: self.ship_to_name,
            line1: self.ship_to_line1,
            line2: optional(self.ship_to_line2),
            city: self.ship_to_city,
            region: optional(self.ship_to_region),
            postcode: self.ship_to_postcode,
            country: self.ship_to_country,
        });
        Ok(PartnerDraft {
            sender_id: self.sender_id,
            name: optional(self.name),
            expected_sets,
            acknowledgment,
            ta1,
            tolerant_counts: !self.tolerant_counts.is_empty(),
            time_zone: optional(self.time_zone),
            default_ship_to,
            ack_url: optional(self.ack_url),
        })
    }
}

/// The form's words for a field the API names.
fn label(field: &str) -> &str {
    match field {
        "sender_id" => "Sender ID",
        "name" => "Name",
        "time_zone" => "Time zone",
        "default_ship_to.name" => "Default ship-to recipient",
        "default_ship_to.line1" => "Default ship-to street",
        "default_ship_to.city" => "Default ship-to city",
        "default_ship_to.postcode" => "Default ship-to postcode",
        "default_ship_to.country" => "Default ship-to country",
        "ack_url" => "Push acknowledgments to",
        other => other,
    }
}

/// Back to the page with the message and the form as it was typed.
fn back_with_error(typed: &str, message: &str) -> PortalError {
    PortalError::invalid(format!("{PAGE}?draft={}", urlencode(typed)), message)
}

/// The person, if they may manage partner profiles.
fn admin(signed_in: SignedIn) -> Result<SignedIn, PortalError> {
    match policy::decide_role(&signed_in.person, Action::ManageEdiPartners) {
        Decision::Allow => Ok(signed_in),
        _ => Err(PortalError::Forbidden),
    }
}

/// Saves a partner's profile, or removes it (`action=remove`).
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<PartnerForm>,
) -> Result<Response, PortalError> {
    let signed_in = admin(form_session(&state, &headers, form.csrf.trim()).await?)?;
    let tenant = signed_in.person.tenant;
    let sender = form.sender_id.trim().to_string();
    if form.action.trim() == "remove" {
        if !store::delete_edi_partner(&state.pool, tenant, &sender).await? {
            return Err(PortalError::NotFound);
        }
        store::record_audit(
            &state.pool,
            tenant,
            None,
            signed_in.person.id,
            "edi_partner",
            &format!("removed {sender}"),
        )
        .await?;
        let notice = format!("{sender}'s profile is removed: its interchanges get the defaults again.");
        return Ok(redirect(&format!("{PAGE}?notice={}", urlencode(&notice))));
    }
    let typed = serde_urlencoded::to_string(&form).unwrap_or_default();
    let draft = form.draft().map_err(|m| back_with_error(&typed, &m))?;
    let profile = crate::api::edi::save_partner(&state, tenant, draft).await?.map_err(|problem| {
        let sentences: Vec<String> = problem
            .errors
            .iter()
            .map(|e| format!("{} {}.", label(&e.field), e.message.trim_end_matches('.')))
            .collect();
        back_with_error(&typed, &sentences.join(" "))
    })?;
    let detail = format!("saved {}", profile.sender_id);
    store::record_audit(&state.pool, tenant, None, signed_in.person.id, "edi_partner", &detail).await?;
    let notice = format!("Saved {}'s profile.", profile.sender_id);
    Ok(redirect(&format!("{PAGE}?notice={}", urlencode(&notice))))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InterchangeQuery {
    pub sender: String,
    pub control_number: String,
}

/// The acknowledgment (997, 999 and/or TA1) sent back for an interchange,
/// byte for byte.
pub async fn acknowledgment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<InterchangeQuery>,
) -> Result<Response, PortalError> {
    let signed_in = admin(get_session(&state, &headers).await?)?;
    let found =
        store::edi_acknowledgment(&state.pool, signed_in.person.tenant, &query.sender, &query.control_number).await?;
    let ack = found.flatten().ok_or(PortalError::NotFound)?;
    let name = format!("ack-{}-{}.x12", query.sender.trim(), query.control_number.trim());
    Ok(attachment(ack.into_bytes(), "application/edi-x12", &name))
}
