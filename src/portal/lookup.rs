//! "Track your order": a buyer without the link finds their order with its
//! number and the email address or the delivery postcode on it.
//!
//! No enumeration: a missing order and a wrong email or postcode are one
//! case, answered with the same status and the same page, after the same
//! work (the answer is hashed and compared in constant time against the
//! order's value or a stand-in when there is no order). Attempts are
//! counted in the database per client address, per order number and per
//! email, before anything is looked up, so the limits hold across nodes
//! and a limited attempt says nothing about the order either.

use super::sign_in::urlencode;
use super::{ClientAddress, PortalError, PortalForm};
use crate::auth::tracking_link;
use crate::domain::language::Language;
use crate::i18n::{negotiate, Translator};
use crate::shell::{render_in, PageLanguage, Robots};
use crate::state::AppState;
use crate::store::{self, LookupCandidate, LookupOutcome, TenantRecord};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::{Duration, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Attempts per client address, per order number and per email within [`WINDOW`].
pub const ADDRESS_LIMIT: i64 = 20;
pub const ORDER_LIMIT: i64 = 10;
pub const EMAIL_LIMIT: i64 = 10;
pub const WINDOW: Duration = Duration::minutes(15);
/// How long the tracking link a lookup opens works.
pub const LINK_LIFETIME: Duration = Duration::minutes(30);
const MAX_ORDER_NUMBER: usize = 64;
const MAX_CONTACT: usize = 254;

/// What the buyer typed as proof: an email address or a postcode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Email(String),
    Postcode(String),
}

impl Answer {
    /// An email (anything with an `@`: trimmed, lower case) or a postcode
    /// (its letters and digits, upper case); `None` when nothing is left.
    pub fn parse(raw: &str) -> Option<Answer> {
        let raw = raw.trim();
        if raw.contains('@') {
            Some(Answer::Email(normalise_email(raw))).filter(|_| raw.len() > 2)
        } else {
            Some(normalise_postcode(raw)).filter(|p| !p.is_empty()).map(Answer::Postcode)
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Answer::Email(_) => "email",
            Answer::Postcode(_) => "postcode",
        }
    }

    fn value(&self) -> &str {
        match self {
            Answer::Email(v) | Answer::Postcode(v) => v,
        }
    }
}

pub fn normalise_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// "sw1a 1aa" and "SW1A-1AA" are the same postcode.
pub fn normalise_postcode(raw: &str) -> String {
    raw.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect()
}

fn digest(kind: &str, value: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(kind.as_bytes());
    hasher.update([0]);
    hasher.update(value.as_bytes());
    hasher.finalize().into()
}

/// Equal digests, comparing every byte whatever the first difference.
fn same_digest(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

/// Whether `answer` fits the order. The same work whether or not there is
/// an order (or an email on it): the order's value, or a stand-in, is
/// hashed and compared in constant time with the answer's hash.
pub fn answer_matches(answer: &Answer, candidate: Option<&LookupCandidate>) -> bool {
    let stored = candidate.and_then(|c| match answer {
        Answer::Email(_) => c.contact_email.as_deref().map(normalise_email),
        Answer::Postcode(_) => Some(normalise_postcode(&c.postcode)),
    });
    let present = stored.is_some();
    let stored = stored.unwrap_or_else(|| "\u{0}no order\u{0}".to_string());
    let same = same_digest(&digest(answer.kind(), answer.value()), &digest(answer.kind(), &stored));
    // Not `&&`: both are always evaluated.
    same & present & !stored.is_empty()
}

/// The buckets an attempt is counted in, each a hash (no address, email or
/// order number is kept in the attempts table).
pub fn buckets(tenant: i64, address: &str, order_number: &str, answer: &Answer) -> Vec<(String, i64)> {
    let key = |text: String| hex::encode(Sha256::digest(text.as_bytes()));
    let mut buckets = vec![
        (key(format!("address:{address}")), ADDRESS_LIMIT),
        (key(format!("order:{tenant}:{}", order_number.trim().to_uppercase())), ORDER_LIMIT),
    ];
    if let Answer::Email(email) = answer {
        buckets.push((key(format!("email:{tenant}:{email}")), EMAIL_LIMIT));
    }
    buckets
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    pub order: String,
    #[serde(default)]
    pub contact: String,
    /// The page's language, carried from the form's page.
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Deserialize)]
pub struct LanguageQuery {
    #[serde(default)]
    pub lang: Option<String>,
}

/// What the page says above the form.
enum Notice {
    /// Something to correct in the form (nothing was looked up): a message id.
    Invalid(&'static str),
    /// No match, or (for a tenant that emails the link) any answer at all.
    Answered {
        emails: bool,
    },
    TooMany {
        minutes: i64,
    },
}

#[derive(Deserialize)]
pub struct ShopQuery {
    #[serde(default)]
    pub shop: String,
}

/// `/track`: which shop? (The not-found page links here: it cannot name
/// the tenant of a bad link without telling whose link it was.) With
/// `?shop=`, on to that shop's page.
pub async fn choose_shop(
    axum::extract::Query(query): axum::extract::Query<ShopQuery>,
    headers: axum::http::HeaderMap,
) -> Response {
    use crate::domain::language::LanguageOffer;
    use crate::shell::Message;
    use leptos::prelude::*;
    let shop = query.shop.trim().to_lowercase();
    if !shop.is_empty() {
        return super::redirect(&format!("/track/{}", urlencode(&shop)));
    }
    // No shop yet, so no shop's languages: whatever the browser asks for.
    let every = LanguageOffer::new(Language::English, &Language::ALL);
    let language = negotiate(&every, None, &headers);
    let t = Translator::new(language, "");
    let (title, which, code, next) =
        (t.text("lookup-title"), t.text("lookup-which-shop"), t.text("lookup-shop-code"), t.text("lookup-continue"));
    let page_language = PageLanguage { lang: language.tag(), dir: language.direction().attribute() };
    let html = render_in(page_language, &title.clone(), Robots::NoIndex, move || {
        view! {
            <Message title=title>
                <p class="mt-4 text-slate-700">{which}</p>
                <form method="get" action="/track" class="mt-4 space-y-4">
                    <label class="block">{code}
                        <input class="mt-1 block w-full rounded border border-slate-300 px-3 py-2" name="shop" required autocomplete="off"/>
                    </label>
                    <button class="rounded bg-slate-900 px-4 py-2 font-medium text-white">{next}</button>
                </form>
            </Message>
        }
    });
    (StatusCode::OK, Html(html)).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    axum::extract::Query(query): axum::extract::Query<LanguageQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, PortalError> {
    let tenant = tenant(&state, &slug).await?;
    let language = negotiate(&tenant.languages(), query.lang.as_deref(), &headers);
    Ok(page(StatusCode::OK, &tenant, language, "", "", None))
}

pub async fn look_up(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    PortalForm(form): PortalForm<LookupForm>,
) -> Result<Response, PortalError> {
    let tenant = tenant(&state, &slug).await?;
    let language = negotiate(&tenant.languages(), form.lang.as_deref(), &headers);
    let page = |status, notice| page(status, &tenant, language, &form.order, &form.contact, notice);
    let order_number = form.order.trim();
    let invalid = |id| Ok(page(StatusCode::UNPROCESSABLE_ENTITY, Some(Notice::Invalid(id))));
    if order_number.is_empty() {
        return invalid("lookup-missing-number");
    }
    if order_number.chars().count() > MAX_ORDER_NUMBER {
        return invalid("lookup-number-too-long");
    }
    if form.contact.chars().count() > MAX_CONTACT {
        return invalid("lookup-answer-too-long");
    }
    let Some(answer) = Answer::parse(&form.contact) else {
        return invalid("lookup-missing-answer");
    };
    let buckets = buckets(tenant.id.0, &address, order_number, &answer);
    let outcome =
        store::lookup_order(&state.pool, tenant.id, order_number, &buckets, Utc::now(), WINDOW, |candidate| {
            answer_matches(&answer, candidate)
        })
        .await?;
    let emails = store::lookup_sends_email(&state.pool, tenant.id).await?;
    match outcome {
        LookupOutcome::Limited { retry_after } => {
            tracing::warn!(%address, tenant = tenant.id.0, "order lookup refused: too many attempts");
            let seconds = retry_after.num_seconds().max(1);
            let notice = Notice::TooMany { minutes: (seconds + 59) / 60 };
            let mut response = page(StatusCode::TOO_MANY_REQUESTS, Some(notice));
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds as u64));
            Ok(response)
        }
        LookupOutcome::Matched { order, emailed: false } if !emails => {
            let token = tracking_link::issue(&state.pool, tenant.id, order, Some(Utc::now() + LINK_LIFETIME)).await?;
            Ok(super::redirect(&format!("/t/{}?lang={language}", token.as_str())))
        }
        // A tenant that emails links answers a match like a miss.
        LookupOutcome::Matched { .. } | LookupOutcome::NoMatch => {
            Ok(page(StatusCode::OK, Some(Notice::Answered { emails })))
        }
    }
}

async fn tenant(state: &AppState, slug: &str) -> Result<TenantRecord, PortalError> {
    let id = store::tenant_by_slug(&state.pool, slug.trim()).await?.ok_or(PortalError::NotFound)?;
    Ok(store::get_tenant(&state.pool, id).await?)
}

/// The branded page in the buyer's language: the form (with what was
/// typed) and the notice.
fn page(
    status: StatusCode,
    tenant: &TenantRecord,
    language: Language,
    order: &str,
    contact: &str,
    notice: Option<Notice>,
) -> Response {
    use leptos::prelude::*;
    let t = Translator::new(language, &tenant.locale);
    let brand = tenant.brand_name.clone();
    let action = format!("/track/{}", urlencode(&tenant.slug));
    let support = tenant.support_email.clone();
    let (order, contact) = (order.to_string(), contact.to_string());
    let alert = "rounded border border-red-300 bg-red-50 px-3 py-2 text-red-900";
    let answer = "rounded border border-slate-300 bg-white px-3 py-2 text-slate-900";
    let notice = notice.map(|notice| match notice {
        Notice::Invalid(id) => ("alert", "lookup-error", alert, t.text(id)),
        Notice::Answered { emails: true } => ("status", "lookup-answer", answer, t.text("lookup-link-sent")),
        Notice::Answered { emails: false } => ("status", "lookup-answer", answer, t.text("lookup-not-found")),
        Notice::TooMany { minutes } => {
            ("alert", "lookup-limited", alert, t.with("lookup-too-many", &[("minutes", minutes.into())]))
        }
    });
    let input = "mt-1 block w-full rounded border border-slate-300 px-3 py-2";
    let title = t.with("lookup-title-brand", &[("brand", brand.clone().into())]);
    let text = |id: &str| t.text(id);
    let (heading, intro, order_label, contact_label, find, help) = (
        text("lookup-title"),
        text("lookup-intro"),
        text("lookup-order-number"),
        text("lookup-email-or-postcode"),
        text("lookup-find"),
        text("lookup-need-help"),
    );
    let page_language = PageLanguage { lang: language.tag(), dir: language.direction().attribute() };
    let html = render_in(page_language, &title, Robots::NoIndex, move || {
        view! {
            <header class="border-b border-slate-200 bg-white" data-testid="lookup-brand">
                <div class="mx-auto flex max-w-md items-center gap-2 px-4 py-3">
                    <span class="font-semibold tracking-tight">{brand}</span>
                </div>
            </header>
            <main class="mx-auto max-w-md space-y-6 px-4 py-12">
                <h1 class="text-2xl font-semibold">{heading}</h1>
                <p class="text-slate-700">{intro}</p>
                {notice.map(|(role, testid, class, text)| view! { <p role=role data-testid=testid class=class>{text}</p> })}
                <form method="post" action=action class="space-y-4 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
                    <input type="hidden" name="lang" value=language.tag()/>
                    <label class="block">{order_label}
                        <input class=input name="order" required maxlength="64" autocomplete="off" value=order/>
                    </label>
                    <label class="block">{contact_label}
                        <input class=input name="contact" required maxlength="254" autocomplete="email" value=contact/>
                    </label>
                    <button class="w-full rounded bg-slate-900 px-4 py-2 font-medium text-white">{find}</button>
                </form>
                {support.map(|email| view! {
                    <p class="text-sm text-slate-700">{help} " "
                        <a class="underline" href=format!("mailto:{email}") dir="ltr">{email.clone()}</a></p>
                })}
            </main>
        }
    });
    let mut response = (status, Html(html)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrderId;

    fn candidate(email: Option<&str>, postcode: &str) -> LookupCandidate {
        LookupCandidate { order: OrderId(1), contact_email: email.map(str::to_string), postcode: postcode.into() }
    }

    #[test]
    fn answers_are_read_as_an_email_or_a_postcode() {
        assert_eq!(Answer::parse("  Dana@Example.COM "), Some(Answer::Email("dana@example.com".into())));
        assert_eq!(Answer::parse("sw1a 1aa"), Some(Answer::Postcode("SW1A1AA".into())));
        assert_eq!(Answer::parse(" 80202-1234 "), Some(Answer::Postcode("802021234".into())));
        for empty in ["", "   ", " - ", "@"] {
            assert_eq!(Answer::parse(empty), None, "{empty:?}");
        }
    }

    #[test]
    fn emails_and_postcodes_match_however_they_are_typed() {
        let order = candidate(Some("Dana@Example.com"), "SW1A 1AA");
        assert!(answer_matches(&Answer::parse("dana@example.com ").unwrap(), Some(&order)));
        assert!(answer_matches(&Answer::parse("sw1a-1aa").unwrap(), Some(&order)));
        assert!(!answer_matches(&Answer::parse("dan@example.com").unwrap(), Some(&order)));
        assert!(!answer_matches(&Answer::parse("SW1A 1AB").unwrap(), Some(&order)));
    }

    #[test]
    fn nothing_matches_a_missing_order_or_a_missing_email() {
        for typed in ["dana@example.com", "80202", "\u{0}no order\u{0}"] {
            assert!(!answer_matches(&Answer::parse(typed).unwrap(), None), "{typed}");
        }
        let no_email = candidate(None, "80202");
        assert!(!answer_matches(&Answer::parse("dana@example.com").unwrap(), Some(&no_email)));
        let blank_postcode = candidate(Some("a@b.c"), " - ");
        assert!(!answer_matches(&Answer::Postcode(String::new()), Some(&blank_postcode)));
    }

    #[test]
    fn buckets_are_hashes_per_address_order_and_email() {
        let email = Answer::parse("dana@example.com").unwrap();
        let by_email = buckets(7, "203.0.113.9", " nw-1 ", &email);
        assert_eq!(by_email.len(), 3);
        assert!(by_email.iter().all(|(b, _)| b.len() == 64 && !b.contains("dana")));
        // The order number's bucket does not depend on case or spaces, nor on the address.
        let other = buckets(7, "198.51.100.1", "NW-1", &Answer::parse("80202").unwrap());
        assert_eq!(other.len(), 2);
        assert_eq!(by_email[1], other[1]);
        assert_ne!(by_email[0], other[0]);
        // Another tenant's order of the same number is another bucket.
        assert_ne!(buckets(8, "203.0.113.9", "NW-1", &email)[1], by_email[1]);
    }
}
