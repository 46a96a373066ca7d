//! Email over SMTP (lettre): a branded plain-text and HTML message carrying
//! the tracking link, from the tenant's brand name.

use crate::domain::Canonical;
use crate::store::DueNotification;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

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
    ) -> Result<(), String> {
        let message = compose(notification, tracking_url, unsubscribe_url, &self.from)?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

impl Mailer {
    /// The code a buyer types on the tracking page to confirm their sign-up.
    pub async fn send_code(&self, n: &DueNotification, code: &str) -> Result<(), String> {
        let message = Message::builder()
            .from(Mailbox::new(Some(header_text(&n.brand_name)), self.from.clone()))
            .to(n.recipient.parse::<Mailbox>().map_err(|e| format!("recipient `{}`: {e}", n.recipient))?)
            .subject(header_text(&format!("Your code for updates on order {}", n.order_number)))
            .header(ContentType::TEXT_PLAIN)
            .body(format!(
                "Your code is {code}\n\nType it on the tracking page to get updates about order {}.\n\
                 If you did not ask for this, ignore this message.\n-- {}\n",
                n.order_number, n.brand_name
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

/// What the buyer reads for each trigger: a subject and one sentence.
pub fn wording(trigger: &str, order: &str) -> (String, String) {
    let canonical: Option<Canonical> = trigger.parse().ok();
    let label = canonical.map(|c| c.presentation().label).unwrap_or("Update");
    match trigger {
        "confirmed" => (format!("We have your order {order}"), "Your order is confirmed and being prepared.".into()),
        "shipped" => (format!("Your order {order} is on its way"), "Your order has left our warehouse.".into()),
        "out_for_delivery" => (format!("Your order {order} arrives today"), "Your order is out for delivery.".into()),
        "delivered" => (format!("Your order {order} was delivered"), "Your order has been delivered.".into()),
        "order_lookup" => (
            format!("Track your order {order}"),
            "Here is the link you asked for to follow your order. It works for one day.".into(),
        ),
        _ => (
            format!("Update on your order {order}: {label}"),
            canonical.map(|c| c.presentation().explanation).filter(|e| !e.is_empty()).unwrap_or(label).to_string(),
        ),
    }
}

pub fn compose(
    n: &DueNotification,
    tracking_url: &str,
    unsubscribe_url: Option<&str>,
    from: &lettre::Address,
) -> Result<Message, String> {
    let (subject, sentence) = wording(&n.trigger, &n.order_number);
    let mut help = n.support_email.as_deref().map(|e| format!("Questions? Write to {e}.")).unwrap_or_default();
    if let Some(url) = unsubscribe_url {
        help.push_str(&format!("\nNo more updates about this order:\n{url}"));
    }
    // The link on a line of its own stays unbroken in plain 7-bit text.
    let text = format!("{sentence}\n\nFollow it live:\n{tracking_url}\n\n{help}\n-- {}\n", n.brand_name);
    let html = html_body(&subject, &sentence, tracking_url, n, unsubscribe_url);
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
    builder
        .from(Mailbox::new(Some(header_text(&n.brand_name)), from.clone()))
        .to(n.recipient.parse::<Mailbox>().map_err(|e| format!("recipient `{}`: {e}", n.recipient))?)
        .subject(header_text(&subject))
        .message_id(Some(message_id))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(text))
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html)),
        )
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
) -> String {
    use leptos::prelude::*;
    let (subject, sentence, tracking_url) = (subject.to_string(), sentence.to_string(), tracking_url.to_string());
    let help = n.support_email.as_deref().map(|e| format!("Questions? Write to {e}.")).unwrap_or_default();
    let brand = n.brand_name.clone();
    let unsubscribe_url = unsubscribe_url.map(str::to_string);
    crate::shell::to_html(move || {
        view! {
            <!DOCTYPE html>
            <html>
                <body style="font-family:sans-serif">
                    <h1 style="font-size:20px">{subject}</h1>
                    <p>{sentence}</p>
                    <p><a href=tracking_url>"Follow your order live"</a></p>
                    <p style="color:#555">{help}</p>
                    <p style="color:#555">{brand}</p>
                    {unsubscribe_url.map(|url| view! {
                        <p style="font-size:12px"><a href=url>"Unsubscribe from updates about this order"</a></p>
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
