//! `POST /api/v1/edi`: an X12 interchange as the raw body, answered with
//! what each transaction set became and the acknowledgment for the
//! partner; the acknowledgments kept; trading-partner profiles.

use super::extract::{ApiJson, RawBody};
use super::problem::{ApiResult, FieldError, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::auth::webhook_signature;
use crate::domain::edi_partner::{AckKind, PartnerDraft, PartnerProfile, PartnerShipTo, Ta1Policy, TransactionSet};
use crate::domain::TenantId;
use crate::ingest::edi::{self, BatchItem, EdiAnswer, EdiBatch, Refusal};
use crate::ingest::x12;
use crate::notify::webhook_target::TargetPolicy;
use crate::state::AppState;
use crate::store;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const X12: &str = "application/edi-x12";

/// Accepts an X12 interchange (ISA ... IEA) with any separators and line
/// endings: 214 shipment status, 856 advance ship notice, 850 purchase order,
/// 855 PO acknowledgment. An unreadable envelope is refused with the segment
/// position and what was expected, and nothing is recorded (with a TA1 in
/// `acknowledgment` when the sender asks for one). Then each transaction set
/// is applied on its own and the response lists what it became, with the
/// 997 or 999 for the sender (its partner profile decides which). A set
/// whose SE miscounts it, or a group whose GE does, is rejected in the
/// acknowledgment while the rest go through. Resending an interchange (same
/// sender and ISA13) returns the first results and acknowledgment and
/// changes nothing. With `Accept: application/edi-x12` the body is the
/// acknowledgment itself (204 when there is none). Each set needs its scope:
/// 214 `carrier`, 856 `wms`, 850 and 855 `oms`.
///
/// A body of several interchanges (written with the same separators, as a
/// VAN delivers a file) is answered with `interchanges`, one entry per
/// interchange in order: each is applied, or refused for its envelope
/// (`refused`, with its TA1), on its own, as if posted alone; scopes are
/// checked for all of them before any is applied. With `Accept:
/// application/edi-x12` the acknowledgments follow each other, one per line.
#[utoipa::path(post, path = "/api/v1/edi", tag = "EDI",
    request_body(content = String, content_type = "application/edi-x12", description = "An X12 interchange"),
    responses(
        (status = 200, description = "What each set became, with the acknowledgment; or, for `Accept: application/edi-x12`, the acknowledgment alone",
            content((EdiAnswer = "application/json"), (String = "application/edi-x12"))),
        (status = 204, description = "`Accept: application/edi-x12` and the partner's profile asks for no acknowledgment"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's scopes do not cover a transaction set", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The envelope is broken; `errors[0].message` names the segment and `acknowledgment` holds the TA1 if one was asked for", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = ["oms", "wms", "carrier"])))]
pub async fn post_edi(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Response> {
    let wants_x12 = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.split(',').any(|t| t.trim().starts_with(X12)));
    let parts = x12::interchanges(&body);
    if let [one] = parts.as_slice() {
        return post_interchange(&state, &caller, one, wants_x12).await;
    }
    let parsed: Vec<_> = parts.iter().map(|part| x12::parse(part)).collect();
    for interchange in parsed.iter().flatten() {
        check_scopes(&caller, interchange)?;
    }
    let items = edi::apply_each(&state, caller.tenant, &parts, parsed).await?;
    if wants_x12 {
        let acknowledgments: Vec<&str> = items.iter().filter_map(BatchItem::acknowledgment).collect();
        return Ok(match acknowledgments.is_empty() {
            true => StatusCode::NO_CONTENT.into_response(),
            false => x12_response(acknowledgments.join("\n")),
        });
    }
    Ok(Json(EdiAnswer::Several(EdiBatch { interchanges: items })).into_response())
}

/// A body holding one interchange: refused as a whole (422) when its
/// envelope is unreadable.
async fn post_interchange(state: &AppState, caller: &ApiCaller, body: &[u8], wants_x12: bool) -> ApiResult<Response> {
    let refused = |refusal: Refusal| Problem {
        acknowledgment: refusal.acknowledgment,
        ..Problem::field("body", refusal.error.to_string())
    };
    let interchange = match x12::parse(body) {
        Ok(interchange) => interchange,
        Err(error) => return Err(refused(edi::refuse(state, caller.tenant, body, error).await?)),
    };
    check_scopes(caller, &interchange)?;
    let outcome = edi::apply(state, caller.tenant, body, &interchange).await?.map_err(refused)?;
    Ok(match (wants_x12, &outcome.acknowledgment) {
        (true, Some(ack)) => x12_response(ack.clone()),
        (true, None) => StatusCode::NO_CONTENT.into_response(),
        (false, _) => Json(EdiAnswer::One(outcome)).into_response(),
    })
}

/// Every set needs its scope, checked before anything is recorded.
fn check_scopes(caller: &ApiCaller, interchange: &x12::Interchange) -> ApiResult<()> {
    for transaction in interchange.groups.iter().flat_map(|g| &g.transactions) {
        if let Some(scope) = edi::scope_for(&transaction.set_id).filter(|scope| !caller.has(*scope)) {
            return Err(Problem::forbidden(format!(
                "This API key lacks the `{}` scope needed for transaction set {} (ST02 {}); nothing was recorded.",
                scope.as_str(),
                transaction.set_id,
                transaction.control_number
            )));
        }
    }
    Ok(())
}

fn x12_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, X12)], body).into_response()
}

/// The acknowledgment Milepost sent for an interchange it received, byte
/// for byte, by the sender's id (ISA06, without padding) and its ISA13.
/// Any of the tenant's keys may read its acknowledgments.
#[utoipa::path(get, path = "/api/v1/edi/interchanges/{sender_id}/{control_number}/acknowledgment", tag = "EDI",
    params(("sender_id" = String, Path, max_length = 15), ("control_number" = String, Path, max_length = 9)),
    responses(
        (status = 200, description = "The acknowledgment interchange", body = String, content_type = "application/edi-x12"),
        (status = 404, description = "No such interchange, or none was sent for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = ["oms", "wms", "carrier"])))]
pub async fn get_acknowledgment(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path((sender, control_number)): Path<(String, String)>,
) -> ApiResult<Response> {
    match store::edi_acknowledgment(&state.pool, caller.tenant, &sender, &control_number).await? {
        Some(Some(ack)) => Ok(x12_response(ack)),
        Some(None) => Err(Problem::not_found("acknowledgment for interchange", "control_number", &control_number)),
        None => Err(Problem::not_found("interchange", "control_number", &control_number)),
    }
}

/// A trading partner's profile as it is sent (`PUT`); the partner's ISA06
/// is in the path.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerSettings {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// The sets it sends; empty for any Milepost reads. Others are rejected
    /// in the acknowledgment as not supported (AK5 code 1).
    #[serde(default)]
    #[schema(max_items = 4)]
    pub expected_sets: Vec<TransactionSet>,
    #[serde(default)]
    pub acknowledgment: AckKind,
    #[serde(default)]
    pub ta1: Ta1Policy,
    /// Accept an IEA01 or GE01 that miscounts, with a warning in the
    /// acknowledgment (AK9 `E`, TA1 `E` 021), instead of refusing.
    #[serde(default)]
    pub tolerant_counts: bool,
    /// IANA zone of the partner's dates and times, which X12 writes without
    /// one; the tenant's zone when absent.
    #[schema(max_length = 64, example = "America/Chicago")]
    pub time_zone: Option<String>,
    /// The ship-to for its 850s that name none; without it such an order is
    /// accepted and flagged "needs ship-to" for customer service.
    pub default_ship_to: Option<PartnerShipTo>,
    /// Where each acknowledgment is also POSTed as `application/edi-x12`,
    /// signed per Standard Webhooks, retried with backoff: an https URL
    /// whose host resolves only to public addresses.
    #[schema(max_length = 2000, example = "https://edi.partner.example/acknowledgments")]
    pub ack_url: Option<String>,
}

/// A trading partner's profile as Milepost keeps it: the settings sent,
/// the sender ID, and the secret its pushed acknowledgments are signed with.
#[derive(Debug, Serialize, ToSchema)]
pub struct Partner {
    /// Its ISA06.
    pub sender_id: String,
    pub name: Option<String>,
    pub expected_sets: Vec<TransactionSet>,
    pub acknowledgment: AckKind,
    pub ta1: Ta1Policy,
    pub tolerant_counts: bool,
    /// IANA zone of its unzoned dates; the tenant's zone when absent.
    pub time_zone: Option<String>,
    pub default_ship_to: Option<PartnerShipTo>,
    pub ack_url: Option<String>,
    /// The secret (`whsec_...`) pushed acknowledgments are signed with, for
    /// the partner to verify them; there while `ack_url` is set.
    pub ack_signing_secret: Option<String>,
}

impl PartnerSettings {
    fn draft(self, sender_id: &str) -> PartnerDraft {
        PartnerDraft {
            sender_id: sender_id.to_string(),
            name: self.name,
            expected_sets: self.expected_sets,
            acknowledgment: self.acknowledgment,
            ta1: self.ta1,
            tolerant_counts: self.tolerant_counts,
            time_zone: self.time_zone,
            default_ship_to: self.default_ship_to,
            ack_url: self.ack_url,
        }
    }
}

impl Partner {
    /// The profile as the API shows it, with its signing secret.
    async fn shown(state: &AppState, tenant: TenantId, p: PartnerProfile) -> ApiResult<Self> {
        let ack_signing_secret = match p.ack_url {
            Some(_) => store::edi_partner_ack_secret(&state.pool, &state.secret_key, tenant, &p.sender_id).await?,
            None => None,
        };
        Ok(Partner {
            sender_id: p.sender_id,
            name: p.name,
            expected_sets: p.expected_sets,
            acknowledgment: p.acknowledgment,
            ta1: p.ta1,
            tolerant_counts: p.tolerant_counts,
            time_zone: p.time_zone.map(|z| z.name().to_string()),
            default_ship_to: p.default_ship_to,
            ack_url: p.ack_url,
            ack_signing_secret,
        })
    }
}

/// Checks a draft (the profile's own rules, then the deployment's policy on
/// where acknowledgments may be pushed) and saves it; for the API and the
/// portal's partner page alike. The inner error names the fields at fault.
pub async fn save_partner(
    state: &AppState,
    tenant: TenantId,
    draft: PartnerDraft,
) -> store::Result<Result<PartnerProfile, Problem>> {
    let profile = match draft.check() {
        Ok(profile) => profile,
        Err(problems) => {
            let errors = problems.into_iter().map(|p| FieldError { field: p.field, message: p.message.into() });
            return Ok(Err(Problem::invalid(errors.collect())));
        }
    };
    if let Some(url) = &profile.ack_url {
        // Resolved and every address checked, as for webhook endpoints; the
        // sender checks again before each push.
        if let Err(refused) = TargetPolicy::of(&state.config).vet(url).await {
            return Ok(Err(Problem::field("ack_url", refused.to_string())));
        }
    }
    let secret = webhook_signature::generate_secret();
    store::put_edi_partner(&state.pool, &state.secret_key, tenant, &profile, &secret).await?;
    Ok(Ok(profile))
}

/// Every trading-partner profile of the tenant.
#[utoipa::path(get, path = "/api/v1/edi/partners", tag = "EDI",
    responses((status = 200, body = Vec<Partner>)),
    security(("api_key" = ["admin"])))]
pub async fn list_partners(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
) -> ApiResult<Json<Vec<Partner>>> {
    require(&caller, Scope::Admin)?;
    let mut shown = Vec::new();
    for profile in store::edi_partners(&state.pool, caller.tenant).await? {
        shown.push(Partner::shown(&state, caller.tenant, profile).await?);
    }
    Ok(Json(shown))
}

/// One partner's profile, by its ISA06.
#[utoipa::path(get, path = "/api/v1/edi/partners/{sender_id}", tag = "EDI",
    params(("sender_id" = String, Path, max_length = 15)),
    responses((status = 200, body = Partner),
              (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn get_partner(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(sender): Path<String>,
) -> ApiResult<Json<Partner>> {
    require(&caller, Scope::Admin)?;
    match store::edi_partner(&state.pool, caller.tenant, sender.trim()).await? {
        Some(profile) => Ok(Json(Partner::shown(&state, caller.tenant, profile).await?)),
        None => Err(Problem::not_found("partner profile", "sender_id", &sender)),
    }
}

/// Creates or replaces a partner's profile. Its acknowledgments' control
/// numbers carry on from where they were.
#[utoipa::path(put, path = "/api/v1/edi/partners/{sender_id}", tag = "EDI", request_body = PartnerSettings,
    params(("sender_id" = String, Path, max_length = 15)),
    responses((status = 200, body = Partner),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn put_partner(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(sender): Path<String>,
    ApiJson(input): ApiJson<PartnerSettings>,
) -> ApiResult<Json<Partner>> {
    require(&caller, Scope::Admin)?;
    let profile = save_partner(&state, caller.tenant, input.draft(&sender)).await??;
    Ok(Json(Partner::shown(&state, caller.tenant, profile).await?))
}

/// Removes a partner's profile: its interchanges get the defaults again
/// (997, TA1 on request, strict counts, the tenant's zone).
#[utoipa::path(delete, path = "/api/v1/edi/partners/{sender_id}", tag = "EDI",
    params(("sender_id" = String, Path, max_length = 15)),
    responses((status = 204, description = "Removed"),
              (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn delete_partner(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(sender): Path<String>,
) -> ApiResult<StatusCode> {
    require(&caller, Scope::Admin)?;
    if store::delete_edi_partner(&state.pool, caller.tenant, sender.trim()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found("partner profile", "sender_id", &sender))
    }
}
