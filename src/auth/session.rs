//! Signed-in sessions: a random token in a `HttpOnly`, `SameSite=Lax`
//! cookie (and `Secure` when the site is served over HTTPS), stored as
//! SHA-256 with an absolute expiry and an idle timeout, revocable at any
//! time (sign-out, a role change, a disabled person).
//!
//! CSRF: every state-changing request must come from our own pages
//! (`Sec-Fetch-Site`/`Origin`, checked by `server::same_origin_only`), and
//! every form also carries a token derived from the session token, which a
//! page on another site can neither read nor compute.

use crate::policy::Person;
use crate::state::AppState;
use crate::store;
use axum::http::{header, HeaderMap, HeaderValue};
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};

pub const COOKIE: &str = "milepost_session";
/// However active, a session ends after this long.
pub const LIFETIME: Duration = Duration::hours(12);
/// A session unused for this long has ended.
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::minutes(1);

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The CSRF token of a session: forms carry it in a hidden field.
pub fn csrf_token(session_token: &str) -> String {
    sha256_hex(&format!("milepost-csrf:{session_token}"))
}

/// Constant-time comparison of a presented CSRF token with the session's.
pub fn csrf_matches(session_token: &str, presented: &str) -> bool {
    let expected = csrf_token(session_token);
    expected.len() == presented.len()
        && expected.bytes().zip(presented.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The session token from the request's cookies, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

/// A signed-in request: who, and the session token (for CSRF checks and sign-out).
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub person: Person,
    pub token: String,
}

impl SignedIn {
    pub fn csrf(&self) -> String {
        csrf_token(&self.token)
    }
}

/// Who the request's session cookie belongs to, if it is live.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> store::Result<Option<SignedIn>> {
    let Some(token) = token_from(headers) else { return Ok(None) };
    let now = Utc::now();
    let Some(session) = store::live_session(&state.pool, &sha256_hex(&token), now, now - IDLE_TIMEOUT).await? else {
        return Ok(None);
    };
    if now - session.last_seen_at > TOUCH_EVERY {
        store::touch_session(&state.pool, session.id, now).await?;
    }
    Ok(Some(SignedIn { person: session.person, token }))
}

/// Starts a session for the person; returns the `Set-Cookie` value.
pub async fn start(state: &AppState, person: &Person) -> store::Result<HeaderValue> {
    let token = crate::token::random(32);
    store::create_session(&state.pool, person.id, &sha256_hex(&token), Utc::now() + LIFETIME).await?;
    Ok(cookie(state, &token, LIFETIME.num_seconds()))
}

/// Ends the session server-side; returns the `Set-Cookie` that clears it.
pub async fn end(state: &AppState, token: &str) -> store::Result<HeaderValue> {
    store::revoke_session(&state.pool, &sha256_hex(token)).await?;
    Ok(cookie(state, "", 0))
}

fn cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.public_url().starts_with("https://") { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"))
        .expect("cookie is ASCII")
}

/// The hash a one-time sign-in link is stored under.
pub fn link_hash(token: &str) -> String {
    sha256_hex(&format!("milepost-sign-in:{token}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; milepost_session=abc; b=2"));
        assert_eq!(token_from(&headers).as_deref(), Some("abc"));
        headers.clear();
        headers.append(header::COOKIE, HeaderValue::from_static("milepost_session="));
        assert_eq!(token_from(&headers), None);
    }

    #[test]
    fn csrf_tokens_belong_to_their_session() {
        let token = csrf_token("session-a");
        assert!(csrf_matches("session-a", &token));
        assert!(!csrf_matches("session-b", &token));
        assert!(!csrf_matches("session-a", ""));
        assert!(!csrf_matches("session-a", &token[1..]));
    }
}
