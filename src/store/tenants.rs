//! Tenants with their brand and settings, their accounts, and their
//! overrides of the shared status dictionary.

use super::{corrupt, Pool, Result};
use super::{on_pool, on_write};
use crate::domain::language::{Language, LanguageList, LanguageOffer};
use crate::domain::notification_rules::QuietHours;
use crate::domain::{AccountId, BrandColor, DictionaryEntry, TenantId, TimeZone};
use chrono::Utc;

#[derive(Clone, Debug)]
pub struct NewTenant {
    pub slug: String,
    pub brand_name: String,
    pub logo_url: Option<String>,
    pub primary_color: BrandColor,
    pub accent_color: BrandColor,
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
    pub locale: String,
    pub time_zone: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TenantRecord {
    pub id: TenantId,
    pub slug: String,
    pub brand_name: String,
    pub logo_url: Option<String>,
    #[sqlx(try_from = "String")]
    pub primary_color: BrandColor,
    #[sqlx(try_from = "String")]
    pub accent_color: BrandColor,
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
    pub locale: String,
    /// Where the tenant's own dates are kept (EDI times without a zone, the
    /// receiving board's "today").
    pub time_zone: TimeZone,
    /// Condition alerts (sensor excursions) shown on tracking pages too.
    pub buyers_see_condition_alerts: bool,
    /// What buyers read when nothing else says which language they want.
    #[sqlx(try_from = "String")]
    pub default_language: Language,
    /// The languages the buyer pages offer to switch to.
    #[sqlx(try_from = "String")]
    pub offered_languages: LanguageList,
}

impl TenantRecord {
    pub fn languages(&self) -> LanguageOffer {
        LanguageOffer::new(self.default_language, &self.offered_languages.0)
    }
}

pub async fn create_tenant(pool: &Pool, tenant: &NewTenant) -> Result<TenantId> {
    let id = on_write!(pool, |c| {
        sqlx::query_scalar(
        "INSERT INTO tenants (slug, brand_name, logo_url, primary_color, accent_color, support_email, support_phone, locale, time_zone, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&tenant.slug)
    .bind(&tenant.brand_name)
    .bind(&tenant.logo_url)
    .bind(tenant.primary_color.as_str())
    .bind(tenant.accent_color.as_str())
    .bind(&tenant.support_email)
    .bind(&tenant.support_phone)
    .bind(&tenant.locale)
    .bind(&tenant.time_zone)
    .bind(Utc::now())
    .fetch_one(c)
    .await
    })?;
    Ok(id)
}

pub async fn get_tenant(pool: &Pool, id: TenantId) -> Result<TenantRecord> {
    let tenant = on_pool!(pool, |c| sqlx::query_as("SELECT * FROM tenants WHERE id = $1").bind(id).fetch_one(c).await)?;
    Ok(tenant)
}

pub async fn list_tenants(pool: &Pool) -> Result<Vec<TenantRecord>> {
    Ok(on_pool!(pool, |c| sqlx::query_as("SELECT * FROM tenants ORDER BY id").fetch_all(c).await)?)
}

pub async fn create_account(pool: &Pool, tenant: TenantId, name: &str, external_ref: &str) -> Result<AccountId> {
    let id = on_write!(pool, |c| {
        sqlx::query_scalar(
        "INSERT INTO customer_accounts (tenant_id, name, external_ref, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tenant)
    .bind(name)
    .bind(external_ref)
    .bind(Utc::now())
    .fetch_one(c)
    .await
    })?;
    Ok(id)
}

/// This tenant's overrides of the bundled status dictionary.
pub async fn status_overrides(pool: &Pool, tenant: TenantId) -> Result<Vec<DictionaryEntry>> {
    let rows: Vec<(String, String, String, String)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT source, code, canonical, meaning FROM status_code_overrides WHERE tenant_id = $1"
    )
    .bind(tenant)
    .fetch_all(c)
    .await)?;
    rows.into_iter()
        .map(|(source, code, canonical, meaning)| {
            let canonical = canonical.parse().map_err(corrupt)?;
            Ok(DictionaryEntry { source, code, canonical, meaning })
        })
        .collect()
}

/// Overrides one row of the status dictionary for a tenant.
pub async fn set_status_override(pool: &Pool, tenant: TenantId, entry: &DictionaryEntry) -> Result<()> {
    on_write!(pool, |c| {
        sqlx::query(
        "INSERT INTO status_code_overrides (tenant_id, source, code, canonical, meaning) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, source, code) DO UPDATE SET canonical = excluded.canonical, meaning = excluded.meaning",
    )
    .bind(tenant)
    .bind(entry.source.trim().to_ascii_lowercase())
    .bind(entry.code.trim().to_ascii_uppercase())
    .bind(entry.canonical.code())
    .bind(&entry.meaning)
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

// Settings a tenant changes one at a time (the brand and zone are set at
// creation). Every setting of the tenants table is written here.

/// The tenant's default buyer language and the ones its pages offer.
pub async fn set_languages(pool: &Pool, tenant: TenantId, offer: &LanguageOffer) -> Result<()> {
    let offered = LanguageList(offer.offered.clone()).to_string();
    on_write!(pool, |c| sqlx::query("UPDATE tenants SET default_language = $1, offered_languages = $2 WHERE id = $3")
        .bind(offer.default.tag())
        .bind(&offered)
        .bind(tenant)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Shows (or hides) condition alerts on the tenant's tracking pages.
pub async fn set_buyers_see_condition_alerts(pool: &Pool, tenant: TenantId, shown: bool) -> Result<()> {
    on_write!(pool, |c| sqlx::query("UPDATE tenants SET buyers_see_condition_alerts = $1 WHERE id = $2")
        .bind(shown)
        .bind(tenant)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Whether the tenant's tracking pages show condition alerts.
pub async fn buyers_see_condition_alerts(pool: &Pool, tenant: TenantId) -> Result<bool> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar("SELECT buyers_see_condition_alerts FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_one(c)
        .await)?)
}

/// Whether the lookup page ("Track your order") emails the tracking link
/// to the order's contact instead of opening the tracking page.
pub async fn set_lookup_sends_email(pool: &Pool, tenant: TenantId, sends_email: bool) -> Result<()> {
    on_write!(pool, |c| sqlx::query("UPDATE tenants SET lookup_sends_email = $1 WHERE id = $2")
        .bind(sends_email)
        .bind(tenant)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// See [`set_lookup_sends_email`].
pub async fn lookup_sends_email(pool: &Pool, tenant: TenantId) -> Result<bool> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar("SELECT lookup_sends_email FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_one(c)
        .await)?)
}

/// Sets the tenant's arriving-soon radius in metres.
pub async fn set_arriving_soon_radius(pool: &Pool, tenant: TenantId, metres: f64) -> Result<()> {
    on_write!(pool, |c| sqlx::query("UPDATE tenants SET arriving_soon_radius_m = $1 WHERE id = $2")
        .bind(metres)
        .bind(tenant)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Sets the tenant's quiet hours (`HH:MM`, local to each recipient).
pub async fn set_quiet_hours(pool: &Pool, tenant: TenantId, quiet: QuietHours) -> Result<()> {
    on_write!(pool, |c| sqlx::query("UPDATE tenants SET quiet_hours_start = $1, quiet_hours_end = $2 WHERE id = $3")
        .bind(quiet.start.format("%H:%M").to_string())
        .bind(quiet.end.format("%H:%M").to_string())
        .bind(tenant)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The tenant's trending-late threshold (a probability).
pub async fn set_predicted_late_threshold(pool: &Pool, tenant: TenantId, threshold: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&threshold) {
        return Err(super::StoreError::Invalid("the predicted-late threshold is a probability from 0 to 1".into()));
    }
    on_write!(pool, |c| sqlx::query("UPDATE tenants SET predicted_late_threshold = $1 WHERE id = $2")
        .bind(threshold)
        .bind(tenant)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
