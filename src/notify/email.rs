//! Email over SMTP (lettre): a branded plain-text and HTML message carrying
//! the tracking link, from the tenant's brand name.

use crate::domain::Canonical;
use crate::i18n::Translator;
use crate::store::DueNotification;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A file sent with the message (a return label).
pub struct Attached {
    pub filename: String,
    pub pdf: Vec<u8>,
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::Address,
}

impl Mailer {
    /// `smtp://host:port` (plain, for a local sink), `smtp://...?tls=required`
    /// (STARTTLS) or `smtps://...` (implicit TLS), credentials in the URL.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport =
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| format!("MILEPOST_SMTP_URL: {e}"))?.build();
        let from = from.parse().map_err(|e| format!("MILEPOST_SMTP_FROM `{from}`: {e}"))?;
        Ok(Mailer { transport, from })
    }

    pub async fn send(
        &self,
        notification: &DueNotification,
        tracking_url: &str,
        unsubscribe_url: Option<&str>,
        attached: Option<Attached>,
    ) -> Result<(), String> {
        let message = compose(notification, tracking_url, unsubscribe_url, attached, &self.from)?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

impl Mailer {
    /// The code a buyer types on the tracking page to confirm their sign-up.
    pub async fn send_code(&self, n: &DueNotification, code: &str) -> Result<(), String> {
        let t = Translator::new(n.language, "");
        let message = Message::builder()
            .from(Mailbox::new(Some(header_text(&n.brand_name)), self.from.clone()))
            .to(n.recipient.parse::<Mailbox>().map_err(|e| format!("recipient `{}`: {e}", n.recipient))?)
            .subject(header_text(&t.with("code-subject", &[("number", n.order_number.clone().into())])))
            .header(ContentType::TEXT_PLAIN)
            .body(format!(
                "{}\n-- {}\n",
                t.with("code-body", &[("code", code.into()), ("number", n.order_number.clone().into())]),
                n.brand_name
            ))
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Text for a header (subject, sender name): a line break would end the
/// header and start another, and lettre panics formatting one, so every
/// control character becomes a space. Partners choose order numbers.
fn header_text(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// What the buyer reads for each trigger, in their language: a subject
/// and one sentence.
pub fn wording(trigger: &str, order: &str, t: &Translator) -> (String, String) {
    let number = [("number", order.into())];
    match trigger {
        "confirmed" | "shipped" | "out_for_delivery" | "delivered" | "order_lookup" | "cs_delay" | "cs_address"
        | "cs_sorted" => {
            (t.with(&format!("notify-{trigger}-subject"), &number), t.text(&format!("notify-{trigger}-text")))
        }
        _ => {
            let canonical: Option<Canonical> = trigger.parse().ok();
            let label = canonical.map(|c| t.label(c)).unwrap_or_else(|| trigger.replace('_', " "));
            let sentence =
                canonical.map(|c| t.explanation(c)).filter(|e| !e.is_empty()).unwrap_or_else(|| label.clone());
            (t.with("notify-other-subject", &[("number", order.into()), ("label", label.into())]), sentence)
        }
    }
}

pub fn compose(
    n: &DueNotification,
    tracking_url: &str,
    unsubscribe_url: Option<&str>,
    attached: Option<Attached>,
    from: &lettre::Address,
) -> Result<Message, String> {
    let t = Translator::new(n.language, "");
    let (subject, mut sentence) = wording(&n.trigger, &n.order_number, &t);
    if attached.is_some() {
        sentence = format!("{sentence} {}", t.text("notify-label-attached"));
    }
    let questions = n.support_email.as_deref().map(|e| t.with("notify-questions", &[("email", e.into())]));
    let mut help = questions.clone().unwrap_or_default();
    if let Some(url) = unsubscribe_url {
        help.push_str(&format!("\n{}\n{url}", t.text("notify-no-more")));
    }
    // The link on a line of its own stays unbroken in plain 7-bit text.
    let follow = t.text("notify-follow-live");
    let text = format!("{sentence}\n\n{follow}\n{tracking_url}\n\n{help}\n-- {}\n", n.brand_name);
    let html = html_body(&subject, &sentence, tracking_url, n, unsubscribe_url, questions, &t);
    let message_id = format!("<{}@milepost>", super::message_id(n));
    let mut builder = Message::builder();
    if let Some(url) = unsubscribe_url {
        // One click from the mail client (RFC 8058): a POST to the same link.
        builder = builder
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{url}>")))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    let body = MultiPart::alternative()
        .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(text))
        .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html));
    let body = match attached {
        None => body,
        Some(file) => MultiPart::mixed().multipart(body).singlepart(
            Attachment::new(file.filename)
                .body(file.pdf, ContentType::parse("application/pdf").expect("a valid content type")),
        ),
    };
    builder
        .from(Mailbox::new(Some(header_text(&n.brand_name)), from.clone()))
        .to(n.recipient.parse::<Mailbox>().map_err(|e| format!("recipient `{}`: {e}", n.recipient))?)
        .subject(header_text(&subject))
        .message_id(Some(message_id))
        .multipart(body)
        .map_err(|e| e.to_string())
}

/// The HTML part, through Leptos like every page (it escapes the partner's
/// text). Styles are inline: mail clients drop stylesheets.
fn html_body(
    subject: &str,
    sentence: &str,
    tracking_url: &str,
    n: &DueNotification,
    unsubscribe_url: Option<&str>,
    questions: Option<String>,
    t: &Translator,
) -> String {
    use leptos::prelude::*;
    let (subject, sentence, tracking_url) = (subject.to_string(), sentence.to_string(), tracking_url.to_string());
    let help = questions.unwrap_or_default();
    let (follow, unsubscribe) = (t.text("notify-follow-link"), t.text("notify-unsubscribe"));
    let (lang, dir) = (n.language.tag(), n.language.direction().attribute());
    let brand = n.brand_name.clone();
    let unsubscribe_url = unsubscribe_url.map(str::to_string);
    crate::shell::to_html(move || {
        view! {
            <!DOCTYPE html>
            <html lang=lang dir=dir>
                <body style="font-family:sans-serif">
                    <h1 style="font-size:20px">{subject}</h1>
                    <p>{sentence}</p>
                    <p><a href=tracking_url>{follow}</a></p>
                    <p style="color:#555">{help}</p>
                    <p style="color:#555">{brand}</p>
                    {unsubscribe_url.map(|url| view! {
                        <p style="font-size:12px"><a href=url>{unsubscribe.clone()}</a></p>
                    })}
                </body>
            </html>
        }
    })
}

impl Mailer {
    /// A one-time link to sign in to the portal, or to accept an invitation.
    pub async fn send_sign_in_link(&self, to: &str, brand: &str, url: &str, invitation: bool) -> Result<(), String> {
        let (subject, sentence) = if invitation {
            (
                format!("You are invited to {brand} order tracking"),
                "Choose a password to start (the link works once, for 7 days):",
            )
        } else {
            (format!("Your sign-in link for {brand}"), "Sign in with this link (it works once, for 15 minutes):")
        };
        let message = Message::builder()
            .from(Mailbox::new(Some(header_text(brand)), self.from.clone()))
            .to(to.parse::<Mailbox>().map_err(|e| format!("recipient `{to}`: {e}"))?)
            .subject(header_text(&subject))
            .header(ContentType::TEXT_PLAIN)
            .body(format!("{sentence}\n{url}\n\nIf you did not ask for this, ignore this message.\n-- {brand}\n"))
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}
