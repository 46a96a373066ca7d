//! Notifications: the outbox rows the store queues with each event are
//! delivered here by email, SMS or signed webhook, with retries, backoff
//! and a dead-letter state; so are EDI acknowledgments a partner's profile
//! asks to have pushed.

pub mod email;
pub mod webhook_target;

use crate::auth::{tracking_link, webhook_signature};
use crate::domain::notification_rules as rules;
use crate::domain::{Canonical, ReturnStatus};
use crate::i18n::Translator;
use crate::state::AppState;
use crate::store::{self, DueNotification};
use chrono::{Duration, Utc};
use email::Mailer;
use rand::Rng;
use sha2::{Digest, Sha256};
use webhook_target::TargetPolicy;

/// How long a claimed message is this worker's; after that another may take it.
const LEASE: Duration = Duration::minutes(2);
/// Tracking links sent out stay valid this long.
const LINK_LIFETIME: Duration = Duration::days(90);
const LOOKUP_LINK_LIFETIME: Duration = Duration::days(1);

/// The ways this node can deliver. A channel that is not configured here
/// is not claimed: its messages wait, never lost, for a node that has it.
pub struct Channels {
    mailer: Option<Mailer>,
    /// For the SMS provider the operator configured.
    http: reqwest::Client,
    /// For tenants' webhook endpoints: only to addresses the policy allows,
    /// never following a redirect.
    webhooks: reqwest::Client,
    targets: TargetPolicy,
    sms: bool,
}

/// What a delivery attempt came to.
pub struct Attempt {
    pub result: Result<(), String>,
    /// The HTTP status an endpoint or SMS provider answered.
    pub status: Option<u16>,
}

impl Channels {
    pub fn from_config(state: &AppState) -> Result<Self, String> {
        let config = &state.config;
        let mailer = config.smtp_url.as_deref().map(|url| Mailer::new(url, &config.smtp_from)).transpose()?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let targets = TargetPolicy::of(config);
        let webhooks = webhook_target::client(targets).map_err(|e| format!("webhook HTTP client: {e}"))?;
        Ok(Channels { mailer, http, webhooks, targets, sms: config.sms_url.is_some() })
    }

    fn names(&self) -> Vec<&'static str> {
        let mut names = vec!["webhook"];
        if self.mailer.is_some() {
            names.push("email");
        }
        if self.sms {
            names.push("sms");
        }
        names
    }
}

/// Starts the delivery worker.
pub fn spawn_worker(state: AppState) -> Result<tokio::task::JoinHandle<()>, String> {
    let channels = Channels::from_config(&state)?;
    tracing::info!(channels = ?channels.names(), "notification worker started");
    Ok(tokio::spawn(async move {
        loop {
            match deliver_due(&state, &channels).await {
                // Idle: wait for a commit that may have queued something, or
                // the poll interval (for retries and quiet hours coming due).
                Ok(0) => {
                    let _ = tokio::time::timeout(state.config.notify_poll, state.outbox.notified()).await;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!("notification worker: {e}");
                    tokio::time::sleep(state.config.notify_poll).await;
                }
            }
        }
    }))
}

/// Messages in flight at once: SMTP servers and HTTP endpoints answer in
/// tens of milliseconds, so one at a time would leave the worker waiting.
const CONCURRENCY: usize = 8;

/// Claims what is due and delivers it; returns how many were attempted.
pub async fn deliver_due(state: &AppState, channels: &Channels) -> store::Result<usize> {
    use futures::stream::{self, StreamExt, TryStreamExt};
    let now = Utc::now();
    let due = store::claim_notifications(&state.pool, &channels.names(), now, now + LEASE, 32).await?;
    let acknowledgments = store::claim_acknowledgment_pushes(&state.pool, now, now + LEASE, 8).await?;
    let count = due.len() + acknowledgments.len();
    stream::iter(due)
        .map(|notification| async move {
            let attempt = deliver(state, channels, &notification).await?;
            record(state, &notification, attempt).await
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<Vec<()>>()
        .await?;
    for due in acknowledgments {
        let attempt = push_acknowledgment(state, channels, &due).await;
        let retry_at = attempt.result.is_err().then(|| retry_time(state, due.attempts)).flatten();
        let result = attempt.result.as_ref().map(|_| ()).map_err(String::as_str);
        if let Err(error) = result {
            tracing::warn!(sender = %due.sender, isa13 = %due.control_number, %error, "pushing an acknowledgment failed");
        }
        store::record_acknowledgment_push(&state.pool, due.id, result, attempt.status, retry_at).await?;
    }
    Ok(count)
}

/// When a failed attempt is tried again: backoff with jitter, or never
/// once the attempts are spent.
fn retry_time(state: &AppState, attempts: i64) -> Option<chrono::DateTime<Utc>> {
    let attempts = attempts as u32;
    (attempts < state.config.notify_max_attempts).then(|| {
        let jitter = rand::thread_rng().gen::<f64>();
        Utc::now() + rules::retry_delay(attempts, state.config.notify_retry_base, jitter)
    })
}

/// The 997/999/TA1 sent for an interchange, POSTed to the partner's
/// endpoint as `application/edi-x12`, signed per Standard Webhooks with
/// the profile's secret, under the same target policy as webhooks.
async fn push_acknowledgment(state: &AppState, channels: &Channels, due: &store::DueAcknowledgment) -> Attempt {
    if let Err(refused) = channels.targets.check_url(&due.url) {
        return failed(format!("endpoint refused: {refused}"));
    }
    let secret = match store::edi_partner_ack_secret(&state.pool, &state.secret_key, due.tenant_id, &due.sender).await {
        Ok(Some(secret)) => secret,
        Ok(None) => return failed("the partner's profile no longer pushes acknowledgments".into()),
        Err(e) => return failed(format!("cannot read the partner's signing secret: {e}")),
    };
    // The same id on every retry, so the partner can drop a second copy.
    let id = format!("msg_ack_{}", due.id);
    let timestamp = Utc::now().timestamp();
    let signature = webhook_signature::sign(&secret, &id, timestamp, due.acknowledgment.as_bytes());
    answered(
        channels
            .webhooks
            .post(&due.url)
            .header("content-type", "application/edi-x12")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(due.acknowledgment.clone())
            .send()
            .await,
    )
}

async fn record(state: &AppState, notification: &DueNotification, attempt: Attempt) -> store::Result<()> {
    match attempt.result {
        Ok(()) => store::mark_notification_sent(&state.pool, notification.id, attempt.status).await,
        Err(error) => {
            let retry_at = retry_time(state, notification.attempts);
            if retry_at.is_none() {
                let attempts = notification.attempts;
                tracing::warn!(id = notification.id, %error, "notification dead after {attempts} attempts");
            }
            store::mark_notification_failed(&state.pool, notification.id, &error, attempt.status, retry_at).await
        }
    }
}

async fn deliver(state: &AppState, channels: &Channels, n: &DueNotification) -> store::Result<Attempt> {
    let base = state.public_url();
    let unsubscribe_url = n.unsubscribe_token.as_ref().map(|t| format!("{base}/unsubscribe/{t}"));
    if n.channel == "webhook" {
        return Ok(webhook(state, channels, n).await);
    }
    // A sign-up code goes alone; everything else carries a fresh tracking link.
    let code = n.secret.as_deref().filter(|_| n.trigger == "subscription_code");
    let tracking_url = match code {
        Some(_) => None,
        None => {
            // A link asked for on the lookup page is short-lived, like the page's own.
            let lifetime = if n.trigger == "order_lookup" { LOOKUP_LINK_LIFETIME } else { LINK_LIFETIME };
            let token = tracking_link::issue(&state.pool, n.tenant_id, n.order_id, Some(Utc::now() + lifetime)).await?;
            // The page opens in the language the buyer signed up in.
            Some(format!("{base}/t/{}?lang={}", token.as_str(), n.language))
        }
    };
    Ok(match (n.channel.as_str(), &channels.mailer, code, tracking_url) {
        ("email", Some(mailer), Some(code), _) => Attempt { result: mailer.send_code(n, code).await, status: None },
        ("email", Some(mailer), None, Some(url)) => {
            let label = return_label(state, n).await;
            Attempt { result: mailer.send(n, &url, unsubscribe_url.as_deref(), label).await, status: None }
        }
        ("sms", _, Some(code), _) => {
            let text = Translator::new(n.language, "").with(
                "code-sms-text",
                &[
                    ("brand", n.brand_name.clone().into()),
                    ("number", n.order_number.clone().into()),
                    ("code", code.into()),
                ],
            );
            sms(state, channels, n, &text).await
        }
        ("sms", _, None, Some(url)) => {
            let t = Translator::new(n.language, "");
            let (_, sentence) = email::wording(&n.trigger, &n.order_number, &t);
            let stop = unsubscribe_url
                .map(|u| format!(" {}", t.with("notify-sms-unsubscribe", &[("url", u.into())])))
                .unwrap_or_default();
            sms(state, channels, n, &format!("{}: {sentence} {url}{stop}", n.brand_name)).await
        }
        (other, ..) => Attempt { result: Err(format!("channel `{other}` is not configured here")), status: None },
    })
}

/// The printable label, for the email saying a return is approved (or its
/// label ready): the buyer can print it from the message. A label that
/// cannot be made leaves the message without it (the page has it too).
async fn return_label(state: &AppState, n: &DueNotification) -> Option<email::Attached> {
    let step: Canonical = n.trigger.parse().ok()?;
    if !matches!(step, Canonical::Return(ReturnStatus::Approved | ReturnStatus::LabelIssued)) {
        return None;
    }
    let rma = match crate::store::returns::rma_of_event(&state.pool, crate::domain::EventId(n.event_id?)).await {
        Ok(rma) => rma?,
        Err(e) => {
            tracing::warn!(id = n.id, error = %e, "reading the RMA of a return step for its email failed");
            return None;
        }
    };
    match crate::returns::emailed_label(state, n.tenant_id, rma, n.language).await {
        Ok(pdf) => pdf.map(|pdf| email::Attached { filename: format!("{rma}-label.pdf"), pdf }),
        Err(e) => {
            tracing::warn!(id = n.id, %rma, error = %e, "making the return label for its email failed");
            None
        }
    }
}

/// The id a receiver sees for this message (webhook-id, email Message-ID),
/// the same on every retry, so a copy sent after a crash can be dropped.
pub fn message_id(n: &DueNotification) -> String {
    format!("msg_{}", hex::encode(&Sha256::digest(n.idempotency_key.as_bytes())[..12]))
}

fn answered(response: Result<reqwest::Response, reqwest::Error>) -> Attempt {
    match response {
        Ok(r) if r.status().is_success() => Attempt { result: Ok(()), status: Some(r.status().as_u16()) },
        Ok(r) if r.status().is_redirection() => Attempt {
            result: Err(format!("HTTP {}: redirects are not followed; register the final URL", r.status())),
            status: Some(r.status().as_u16()),
        },
        Ok(r) => Attempt { result: Err(format!("HTTP {}", r.status())), status: Some(r.status().as_u16()) },
        Err(e) => Attempt { result: Err(error_chain(&e)), status: None },
    }
}

/// An error with its causes: reqwest's own message is "error sending
/// request", and why (refused address, DNS, TLS) is in the sources.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}

/// The order's predicted delivery window as webhooks carry it: the same
/// keys as the API's `predicted_delivery`.
fn predicted_delivery_json(w: &crate::domain::promise::DeliveryWindow) -> serde_json::Value {
    serde_json::json!({
        "earliest": w.earliest,
        "likely": w.likely,
        "latest": w.latest,
        "p_late": w.p_late,
        "basis": w.basis.code(),
        "reason": w.reason,
    })
}

fn failed(error: String) -> Attempt {
    Attempt { result: Err(error), status: None }
}

/// Signed per Standard Webhooks with the endpoint's secret, to an address
/// the target policy allows (checked again here: the policy may be stricter
/// than when the endpoint was registered, and the name may now resolve
/// elsewhere, which the webhook client's resolver checks).
async fn webhook(state: &AppState, channels: &Channels, n: &DueNotification) -> Attempt {
    if let Err(refused) = channels.targets.check_url(&n.recipient) {
        return failed(format!("endpoint refused: {refused}"));
    }
    let secret = match n.endpoint_secret(&state.secret_key) {
        Some(Ok(secret)) => secret,
        Some(Err(e)) => {
            tracing::error!(id = n.id, "cannot open a webhook endpoint's signing secret: {e}");
            return failed(format!("cannot open the endpoint's signing secret: {e}"));
        }
        None => return failed("the webhook endpoint is gone".into()),
    };
    // The window as it stands when the message leaves; a failed read
    // leaves it out rather than holding the message back.
    let predicted = match crate::store::delivery_window(&state.pool, n.tenant_id, n.order_id).await {
        Ok(windows) => windows.into_iter().find(|w| w.shipment.is_none()).map(|w| predicted_delivery_json(&w.window)),
        Err(e) => {
            tracing::warn!(id = n.id, error = %e, "reading the predicted delivery window for a webhook failed");
            None
        }
    };
    let mut body = serde_json::json!({
        "type": "order.status",
        "order_number": n.order_number,
        "status": n.trigger,
        "event_id": n.event_id,
        "occurred_at": n.occurred_at,
        "location": n.location,
        "predicted_delivery": predicted,
    });
    // A return's step (`return:approved`, ...) names its RMA, so a
    // receiver can tell the return's news from the order's.
    if let (true, Some(event)) = (n.trigger.starts_with("return:"), n.event_id) {
        match crate::store::returns::rma_of_event(&state.pool, crate::domain::EventId(event)).await {
            Ok(Some(rma)) => {
                body["type"] = "return.status".into();
                body["rma"] = rma.to_string().into();
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(id = n.id, error = %e, "reading the RMA of a return step for a webhook failed"),
        }
    }
    let body = body.to_string();
    let id = message_id(n);
    let timestamp = Utc::now().timestamp();
    let signature = webhook_signature::sign(&secret, &id, timestamp, body.as_bytes());
    answered(
        channels
            .webhooks
            .post(&n.recipient)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await,
    )
}

/// A short text through the configured HTTP provider.
async fn sms(state: &AppState, channels: &Channels, n: &DueNotification, text: &str) -> Attempt {
    let config = &state.config;
    let Some(url) = config.sms_url.as_deref() else {
        return Attempt { result: Err("MILEPOST_SMS_URL is not set".into()), status: None };
    };
    let mut request =
        channels.http.post(url).form(&[("To", n.recipient.as_str()), ("From", &config.sms_from), ("Body", text)]);
    if let Some(user) = &config.sms_user {
        request = request.basic_auth(user, config.sms_password.as_deref());
    }
    answered(request.send().await)
}
