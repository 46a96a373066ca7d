//! Signing in and out: password, one-time link by email, invitations.
//!
//! Every failure answers the same way whether or not the person exists.
//! Failed passwords are counted per account and per client address; past
//! the limit, no password is even checked until the window has passed.

use super::{redirect, ClientAddress, PortalError, PortalForm};
use crate::auth::{password, random_token, session};
use crate::state::AppState;
use crate::store::{self, LinkPurpose};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use chrono::{Duration, Utc};
use serde::Deserialize;

/// Failed passwords per account, and per address, within [`WINDOW`].
pub const ACCOUNT_LIMIT: i64 = 5;
pub const ADDRESS_LIMIT: i64 = 20;
pub const WINDOW: Duration = Duration::minutes(15);
/// Sign-in links one account may ask for within the window.
const LINK_LIMIT: i64 = 3;
const SIGN_IN_LINK_LIFETIME: Duration = Duration::minutes(15);
pub const INVITATION_LIFETIME: Duration = Duration::days(7);

#[derive(Deserialize)]
pub struct PasswordForm {
    pub tenant: String,
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// Back to sign-in for this tenant, which explains `problem` (a code the
/// page knows: `invalid`, `locked`).
/// Back to the sign-in page with the company and email as typed.
fn sign_in_again(tenant: &str, email: &str, problem: &str) -> PortalError {
    PortalError::invalid(format!("/login?tenant={}&email={}", urlencode(tenant), urlencode(email)), problem)
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where to go after signing in: back where the person was headed if that
/// is a portal page (never another site), else their role's home.
fn after_sign_in(next: &str, home: &str) -> String {
    let safe = next.starts_with("/portal") && !next.contains("//") && !next.contains('\\');
    if safe {
        next.to_string()
    } else {
        home.to_string()
    }
}

pub async fn with_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    PortalForm(form): PortalForm<PasswordForm>,
) -> Result<Response, PortalError> {
    let state = &state;
    let email = form.email.trim().to_lowercase();
    let tenant = store::tenant_by_slug(&state.pool, form.tenant.trim()).await?;
    let account_bucket = format!("account:{}:{email}", tenant.map_or(0, |t| t.0));
    let address_bucket = format!("address:{address}");
    let now = Utc::now();
    // The attempt is counted before the password is checked, so forty at
    // once cannot all be checked while the count still says zero.
    let buckets = [(account_bucket.as_str(), ACCOUNT_LIMIT), (address_bucket.as_str(), ADDRESS_LIMIT)];
    let Some(reservation) = store::reserve_login_attempt(&state.pool, &buckets, now, now - WINDOW).await? else {
        tracing::warn!(%address, "sign-in refused: too many failed attempts");
        return Err(sign_in_again(&form.tenant, &email, "locked"));
    };
    let found = match tenant {
        Some(tenant) => store::user_for_sign_in(&state.pool, tenant, &email).await?,
        None => None,
    };
    let (person, hash) = found.map_or((None, None), |(p, h)| (Some(p), h));
    let Some(verified) = check_password(state, form.password.clone(), hash).await else {
        // Never checked: it does not count against anyone.
        store::release_login_attempt(&state.pool, &reservation).await?;
        tracing::warn!(%address, "sign-in refused: every password checker is busy");
        return Err(PortalError::TooMany { retry_after_seconds: 2 });
    };
    let Some(person) = person.filter(|_| verified) else {
        return Err(sign_in_again(&form.tenant, &email, "invalid"));
    };
    // Success clears the account's count (the address keeps its other
    // failures: one good password must not reopen an address that is
    // guessing others).
    store::release_login_attempt(&state.pool, &reservation).await?;
    store::clear_login_failures(&state.pool, &account_bucket).await?;
    let cookie = session::start(state, &person).await?;
    tracing::info!(user = person.id.0, role = %person.role, "signed in with a password");
    let mut response = redirect(&after_sign_in(&form.next, person.role.home()));
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Checks the password off the async workers, when one of the limited
/// turns comes free within the configured wait; `None` if none does.
/// argon2 takes 19 MiB and tens of milliseconds of CPU: unbounded, a
/// crowd of sign-ins would take all the memory and every core.
async fn check_password(state: &AppState, attempt: String, hash: Option<String>) -> Option<bool> {
    let wait = state.config.limits.password_check_wait;
    let turn = tokio::time::timeout(wait, state.password_checks.clone().acquire_owned()).await.ok()?.ok()?;
    let verified = tokio::task::spawn_blocking(move || {
        let verified = password::verify(&attempt, hash.as_deref());
        drop(turn);
        verified
    })
    .await;
    Some(verified.unwrap_or(false))
}

#[derive(Deserialize)]
pub struct LinkRequestForm {
    /// Optional: empty sends a link for every company the address is in.
    #[serde(default)]
    pub tenant: String,
    pub email: String,
}

/// Emails a one-time sign-in link if the person exists; the answer is the
/// same either way.
pub async fn request_link(
    State(state): State<AppState>,
    PortalForm(form): PortalForm<LinkRequestForm>,
) -> Result<Response, PortalError> {
    try_request_link(&state, &form).await?;
    Ok(redirect(&format!("/login?tenant={}&notice=link-sent", urlencode(&form.tenant))))
}

/// Without a company code, every company the address belongs to gets its
/// own link (each email names the company), so nobody has to know the code.
async fn try_request_link(state: &AppState, form: &LinkRequestForm) -> store::Result<()> {
    let email = form.email.trim().to_lowercase();
    let people = match form.tenant.trim() {
        "" => store::people_by_email(&state.pool, &email).await?,
        code => {
            let Some(tenant) = store::tenant_by_slug(&state.pool, code).await? else { return Ok(()) };
            store::user_for_sign_in(&state.pool, tenant, &email).await?.map(|(p, _)| p).into_iter().collect()
        }
    };
    for person in people {
        let bucket = format!("link:{}", person.id.0);
        let now = Utc::now();
        // Counted before sending, so a burst of requests cannot all see room.
        if store::reserve_login_attempt(&state.pool, &[(&bucket, LINK_LIMIT)], now, now - WINDOW).await?.is_none() {
            tracing::warn!(user = person.id.0, "sign-in link refused: too many asked for");
            continue;
        }
        send_link(state, &person, LinkPurpose::SignIn).await?;
    }
    Ok(())
}

/// Creates a one-time link for the person and emails it (when this node
/// has SMTP). Returns the link, which an administrator's invitation shows
/// once so it can be handed over another way.
pub async fn send_link(
    state: &AppState,
    person: &crate::policy::Person,
    purpose: LinkPurpose,
) -> store::Result<String> {
    let token = random_token(32);
    let lifetime = if purpose == LinkPurpose::Invite { INVITATION_LIFETIME } else { SIGN_IN_LINK_LIFETIME };
    store::create_sign_in_link(&state.pool, person.id, &session::link_hash(&token), purpose, Utc::now() + lifetime)
        .await?;
    let url = format!("{}/login/link/{token}", state.public_url());
    let brand = store::get_tenant(&state.pool, person.tenant).await?.brand_name;
    match state.config.smtp_url.as_deref() {
        Some(smtp) => {
            let (smtp, from, to) = (smtp.to_string(), state.config.smtp_from.clone(), person.email.clone());
            let link = url.clone();
            // Sent in the background: the answer must not wait on (or reveal) the mail server.
            tokio::spawn(async move {
                let result = match crate::notify::email::Mailer::new(&smtp, &from) {
                    Ok(mailer) => mailer.send_sign_in_link(&to, &brand, &link, purpose == LinkPurpose::Invite).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    tracing::error!(error = %e, "sending a sign-in link failed");
                }
            });
        }
        None => tracing::warn!(user = person.id.0, "a sign-in link was created but MILEPOST_SMTP_URL is not set"),
    }
    Ok(url)
}

#[derive(Deserialize)]
pub struct UseLinkForm {
    /// Only for invitations: the password the person chooses.
    #[serde(default)]
    pub password: String,
}

/// Uses a one-time link (from the page that asked "sign in as …?", so a
/// mail scanner that opens links does not use it up).
pub async fn use_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    PortalForm(form): PortalForm<UseLinkForm>,
) -> Result<Response, PortalError> {
    let state = &state;
    let hash = session::link_hash(&token);
    let now = Utc::now();
    // An invitation's password is checked before the link is used up.
    if let Some((_, LinkPurpose::Invite)) = store::peek_sign_in_link(&state.pool, &hash, now).await? {
        if let Err(problem) = password::check_new(&form.password) {
            return Err(PortalError::invalid(format!("/login/link/{}", urlencode(&token)), problem));
        }
    }
    let Some((person, purpose)) = store::use_sign_in_link(&state.pool, &hash, now).await? else {
        return Err(PortalError::invalid("/login", "link"));
    };
    if purpose == LinkPurpose::Invite {
        let chosen = form.password.clone();
        let hashed = tokio::task::spawn_blocking(move || password::hash(&chosen)).await.map_err(store::corrupt)?;
        store::set_password(&state.pool, person.id, &hashed).await?;
    }
    let cookie = session::start(state, &person).await?;
    tracing::info!(user = person.id.0, "signed in with a one-time link");
    let mut response = redirect(person.role.home());
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    pub csrf: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    PortalForm(form): PortalForm<SignOutForm>,
) -> Result<Response, PortalError> {
    let Some(token) = session::token_from(&headers) else { return Ok(redirect("/login")) };
    if !session::csrf_matches(&token, &form.csrf) {
        return Err(PortalError::BadCsrf);
    }
    let cookie = session::end(&state, &token).await?;
    let mut response = redirect("/login?notice=signed-out");
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_portal_pages_are_followed_after_sign_in() {
        assert_eq!(after_sign_in("/portal/orders/NW-1", "/portal/orders"), "/portal/orders/NW-1");
        for bad in ["https://evil.example/", "//evil.example", "/portal//evil", "/api/v1/orders", "", "/portal\\x"] {
            assert_eq!(after_sign_in(bad, "/portal/cs"), "/portal/cs", "{bad}");
        }
    }
}
