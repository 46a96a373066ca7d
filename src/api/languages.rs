//! The buyer pages' languages, a tenant setting: the default and the ones
//! the tracking page, the order lookup and notifications may switch to.

use super::extract::ApiJson;
use super::problem::{ApiResult, FieldError, Problem};
use super::require;
use crate::auth::api_key::{ApiCaller, Scope};
use crate::domain::language::{Language, LanguageOffer};
use crate::state::AppState;
use crate::store;
use axum::extract::State;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageSettings {
    /// What a buyer reads when neither a saved choice nor the browser's
    /// `Accept-Language` names an offered language.
    pub default_language: Language,
    /// The languages the buyer pages offer (the default is always among
    /// them; a language given twice counts once).
    #[schema(max_items = 6)]
    pub offered_languages: Vec<Language>,
}

impl From<LanguageOffer> for LanguageSettings {
    fn from(offer: LanguageOffer) -> Self {
        LanguageSettings { default_language: offer.default, offered_languages: offer.offered }
    }
}

/// The tenant's buyer languages.
#[utoipa::path(get, path = "/api/v1/language-settings", tag = "Languages",
    responses((status = 200, body = LanguageSettings)),
    security(("api_key" = ["admin"])))]
pub async fn get_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
) -> ApiResult<Json<LanguageSettings>> {
    require(&caller, Scope::Admin)?;
    let tenant = store::get_tenant(&state.pool, caller.tenant).await?;
    Ok(Json(tenant.languages().into()))
}

/// Sets the tenant's default buyer language and the ones its pages offer.
#[utoipa::path(put, path = "/api/v1/language-settings", tag = "Languages", request_body = LanguageSettings,
    responses((status = 200, body = LanguageSettings),
              (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("api_key" = ["admin"])))]
pub async fn put_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(input): ApiJson<LanguageSettings>,
) -> ApiResult<Json<LanguageSettings>> {
    require(&caller, Scope::Admin)?;
    // Unknown tags never get here: the JSON extractor names the field.
    if input.offered_languages.len() > Language::ALL.len() {
        let message = format!("at most {} languages", Language::ALL.len());
        return Err(Problem::invalid(vec![FieldError { field: "offered_languages".into(), message }]));
    }
    let offer = LanguageOffer::new(input.default_language, &input.offered_languages);
    store::set_languages(&state.pool, caller.tenant, &offer).await?;
    Ok(Json(offer.into()))
}
