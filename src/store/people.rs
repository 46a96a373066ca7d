//! People who sign in: users, their sessions and one-time sign-in links,
//! and failed sign-ins counted for rate limits.

use super::{on_pool, on_tx, on_write, Pool, Result, StoreError};
use crate::domain::{AccountId, TenantId, UserId};
use crate::policy::{Person, Role};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: UserId,
    tenant_id: TenantId,
    account_id: Option<AccountId>,
    role: String,
    name: String,
    email: String,
}

impl PersonRow {
    fn into_person(self) -> Result<Person> {
        let role = self.role.parse().map_err(super::corrupt)?;
        Ok(Person {
            id: self.id,
            tenant: self.tenant_id,
            account: self.account_id,
            role,
            name: self.name,
            email: self.email,
        })
    }
}

const PERSON: &str = "u.id, u.tenant_id, u.account_id, u.role, u.name, u.email";

pub struct NewUser<'a> {
    pub tenant: TenantId,
    pub account: Option<AccountId>,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: Option<&'a str>,
}

/// Emails are kept lowercased: that is how people are found at sign-in.
pub async fn create_user(pool: &Pool, user: &NewUser<'_>) -> Result<UserId> {
    let email = user.email.trim().to_lowercase();
    let inserted = on_write!(pool, |c| sqlx::query_scalar(
        "INSERT INTO users (tenant_id, account_id, email, name, role, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(user.tenant)
    .bind(user.account)
    .bind(&email)
    .bind(user.name)
    .bind(user.role.code())
    .bind(user.password_hash)
    .bind(Utc::now())
    .fetch_one(c)
    .await);
    match inserted {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::Invalid(format!("{email} already has an account here")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Someone signing in: the person and their password hash (none until an
/// invited person sets one). Disabled people are not found.
pub async fn user_for_sign_in(pool: &Pool, tenant: TenantId, email: &str) -> Result<Option<(Person, Option<String>)>> {
    let sql = format!("SELECT {PERSON}, u.password_hash FROM users u WHERE u.tenant_id = $1 AND u.email = $2 AND u.disabled_at IS NULL");
    let found: Option<PersonRowWithHash> = on_pool!(pool, |c| sqlx::query_as(&sql)
        .bind(tenant)
        .bind(email.trim().to_lowercase())
        .fetch_optional(c)
        .await)?;
    found.map(|r| Ok((r.person.into_person()?, r.password_hash))).transpose()
}

/// Everyone with this email address, in every tenant: who gets a sign-in
/// link when the person does not know their company code. At most ten.
pub async fn people_by_email(pool: &Pool, email: &str) -> Result<Vec<Person>> {
    let sql =
        format!("SELECT {PERSON} FROM users u WHERE u.email = $1 AND u.disabled_at IS NULL ORDER BY u.id LIMIT 10");
    let rows: Vec<PersonRow> =
        on_pool!(pool, |c| sqlx::query_as(&sql).bind(email.trim().to_lowercase()).fetch_all(c).await)?;
    rows.into_iter().map(PersonRow::into_person).collect()
}

#[derive(sqlx::FromRow)]
struct PersonRowWithHash {
    #[sqlx(flatten)]
    person: PersonRow,
    password_hash: Option<String>,
}

pub async fn set_password(pool: &Pool, user: UserId, hash: &str) -> Result<()> {
    on_write!(pool, |c| sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A person as an administrator sees them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRecord {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: String,
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    pub has_password: bool,
    pub disabled: bool,
}

pub async fn list_users(pool: &Pool, tenant: TenantId) -> Result<Vec<UserRecord>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.role, u.account_id, a.name AS account_name,
                u.password_hash IS NOT NULL AS has_password, u.disabled_at IS NOT NULL AS disabled
         FROM users u LEFT JOIN customer_accounts a ON a.id = u.account_id
         WHERE u.tenant_id = $1 ORDER BY u.disabled_at IS NOT NULL, u.role, u.email"
    )
    .bind(tenant)
    .fetch_all(c)
    .await)?)
}

/// Changes a person's role (and account); their sessions end, so the new
/// role applies from their next sign-in. `false` if no such person here.
pub async fn set_role(
    pool: &Pool,
    tenant: TenantId,
    user: UserId,
    role: Role,
    account: Option<AccountId>,
) -> Result<bool> {
    let changed = on_write!(pool, |c| sqlx::query(
        "UPDATE users SET role = $1, account_id = $2 WHERE id = $3 AND tenant_id = $4
         AND ($2 IS NULL OR EXISTS (SELECT 1 FROM customer_accounts a WHERE a.id = $2 AND a.tenant_id = $4))"
    )
    .bind(role.code())
    .bind(account)
    .bind(user)
    .bind(tenant)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 1 {
        revoke_user_sessions(pool, user).await?;
    }
    Ok(changed == 1)
}

/// Disables a person and ends every session they have.
pub async fn disable_user(pool: &Pool, tenant: TenantId, user: UserId) -> Result<bool> {
    let changed = on_write!(pool, |c| sqlx::query(
        "UPDATE users SET disabled_at = $1 WHERE id = $2 AND tenant_id = $3 AND disabled_at IS NULL"
    )
    .bind(Utc::now())
    .bind(user)
    .bind(tenant)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    revoke_user_sessions(pool, user).await?;
    Ok(changed == 1)
}

pub async fn accounts(pool: &Pool, tenant: TenantId) -> Result<Vec<(AccountId, String)>> {
    Ok(on_pool!(pool, |c| sqlx::query_as("SELECT id, name FROM customer_accounts WHERE tenant_id = $1 ORDER BY name")
        .bind(tenant)
        .fetch_all(c)
        .await)?)
}

pub async fn create_session(pool: &Pool, user: UserId, token_hash: &str, expires_at: DateTime<Utc>) -> Result<()> {
    let now = Utc::now();
    // The person's sessions that can never be used again go.
    on_write!(pool, |c| sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
        .bind(user)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    on_write!(pool, |c| sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)"
    )
    .bind(token_hash)
    .bind(user)
    .bind(now)
    .bind(expires_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A live session: the person, and when it was last used.
pub struct SessionRecord {
    pub id: i64,
    pub person: Person,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: i64,
    last_seen_at: DateTime<Utc>,
    #[sqlx(flatten)]
    person: PersonRow,
}

/// The session with this token hash if it is neither revoked, expired, idle
/// since before `idle_since`, nor its person disabled.
pub async fn live_session(
    pool: &Pool,
    token_hash: &str,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Option<SessionRecord>> {
    let sql = format!(
        "SELECT s.id AS session_id, s.last_seen_at, {PERSON} FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3
           AND u.disabled_at IS NULL"
    );
    let row: Option<SessionRow> =
        on_pool!(pool, |c| sqlx::query_as(&sql).bind(token_hash).bind(now).bind(idle_since).fetch_optional(c).await)?;
    row.map(|r| Ok(SessionRecord { id: r.session_id, last_seen_at: r.last_seen_at, person: r.person.into_person()? }))
        .transpose()
}

pub async fn touch_session(pool: &Pool, session: i64, now: DateTime<Utc>) -> Result<()> {
    on_write!(pool, |c| sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(now)
        .bind(session)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn revoke_session(pool: &Pool, token_hash: &str) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL"
    )
    .bind(Utc::now())
    .bind(token_hash)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn revoke_user_sessions(pool: &Pool, user: UserId) -> Result<()> {
    on_write!(pool, |c| sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(Utc::now())
        .bind(user)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    SignIn,
    Invite,
}

impl LinkPurpose {
    fn code(self) -> &'static str {
        match self {
            LinkPurpose::SignIn => "sign_in",
            LinkPurpose::Invite => "invite",
        }
    }

    fn from_code(code: &str) -> Result<LinkPurpose> {
        match code {
            "sign_in" => Ok(LinkPurpose::SignIn),
            "invite" => Ok(LinkPurpose::Invite),
            other => Err(super::corrupt(format!("sign-in link purpose `{other}`"))),
        }
    }
}

pub async fn create_sign_in_link(
    pool: &Pool,
    user: UserId,
    token_hash: &str,
    purpose: LinkPurpose,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "INSERT INTO sign_in_links (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(token_hash)
    .bind(user)
    .bind(purpose.code())
    .bind(Utc::now())
    .bind(expires_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    purpose: String,
    #[sqlx(flatten)]
    person: PersonRow,
}

const LINK_PERSON: &str = "FROM sign_in_links l JOIN users u ON u.id = l.user_id
     WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.disabled_at IS NULL";

/// Whose unused, unexpired link this is, without using it (the page that
/// asks "sign in as …?" before a click does).
pub async fn peek_sign_in_link(
    pool: &Pool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Person, LinkPurpose)>> {
    let sql = format!("SELECT l.purpose, {PERSON} {LINK_PERSON}");
    let row: Option<LinkRow> =
        on_pool!(pool, |c| sqlx::query_as(&sql).bind(token_hash).bind(now).fetch_optional(c).await)?;
    row.map(|r| Ok((r.person.into_person()?, LinkPurpose::from_code(&r.purpose)?))).transpose()
}

/// Uses the link: only the first of any number of concurrent uses gets the person.
pub async fn use_sign_in_link(
    pool: &Pool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Person, LinkPurpose)>> {
    let found = peek_sign_in_link(pool, token_hash, now).await?;
    let used = on_write!(pool, |c| sqlx::query(
        "UPDATE sign_in_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
    )
    .bind(token_hash)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(found.filter(|_| used == 1))
}

pub async fn record_login_failure(pool: &Pool, buckets: &[&str], now: DateTime<Utc>) -> Result<()> {
    for bucket in buckets {
        // Only the last window counts; older rows of the bucket go.
        on_write!(pool, |c| sqlx::query("DELETE FROM login_failures WHERE bucket = $1 AND at < $2")
            .bind(bucket)
            .bind(now - chrono::Duration::days(1))
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        on_write!(pool, |c| sqlx::query("INSERT INTO login_failures (bucket, at) VALUES ($1, $2)")
            .bind(bucket)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// One attempt's places in its buckets' counts (see [`reserve_login_attempt`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginReservation(Vec<i64>);

/// Counts an attempt against each `(bucket, limit)` before the password is
/// checked, all or nothing: `None` when any bucket already has `limit`
/// attempts since `since`. Counting first is what makes the limit hold
/// when many attempts arrive at once (on any number of nodes): each one
/// takes its place under the bucket's lock, so no more than `limit` of them
/// ever get to the password. A successful attempt gives its places back
/// with [`release_login_attempt`]; a failed one leaves them as failures.
pub async fn reserve_login_attempt(
    pool: &Pool,
    buckets: &[(&str, i64)],
    now: DateTime<Utc>,
    since: DateTime<Utc>,
) -> Result<Option<LoginReservation>> {
    let mut tx = super::write_tx(pool).await?;
    // A fixed order, so two attempts sharing two buckets cannot wait on each other.
    let mut ordered: Vec<&(&str, i64)> = buckets.iter().collect();
    ordered.sort();
    let mut ids = Vec::with_capacity(ordered.len());
    for (bucket, limit) in ordered {
        tx.lock(&format!("login_failures:{bucket}")).await?;
        on_tx!(&mut tx, |c| sqlx::query("DELETE FROM login_failures WHERE bucket = $1 AND at < $2")
            .bind(bucket)
            .bind(now - chrono::Duration::days(1))
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        let id: Option<i64> = on_tx!(&mut tx, |c| sqlx::query_scalar(
            "INSERT INTO login_failures (bucket, at) SELECT $1, $2 \
             WHERE (SELECT COUNT(*) FROM login_failures WHERE bucket = $1 AND at > $3) < $4 RETURNING id"
        )
        .bind(bucket)
        .bind(now)
        .bind(since)
        .bind(limit)
        .fetch_optional(c)
        .await)?;
        match id {
            Some(id) => ids.push(id),
            // Dropping the transaction rolls back the places already taken.
            None => return Ok(None),
        }
    }
    tx.commit().await?;
    Ok(Some(LoginReservation(ids)))
}

/// Gives back an attempt's places: it succeeded, or was never checked.
pub async fn release_login_attempt(pool: &Pool, reservation: &LoginReservation) -> Result<()> {
    for id in &reservation.0 {
        on_write!(pool, |c| sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn login_failures_since(pool: &Pool, bucket: &str, since: DateTime<Utc>) -> Result<i64> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE bucket = $1 AND at > $2")
        .bind(bucket)
        .bind(since)
        .fetch_one(c)
        .await)?)
}

/// A successful sign-in clears the account's count (not the address's:
/// one good password must not reopen an address that is guessing others).
pub async fn clear_login_failures(pool: &Pool, bucket: &str) -> Result<()> {
    on_write!(pool, |c| sqlx::query("DELETE FROM login_failures WHERE bucket = $1")
        .bind(bucket)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
