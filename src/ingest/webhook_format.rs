//! Which payload and signature a carrier webhook uses, decided once from its
//! source: aggregators with their own scheme, everyone else Milepost's event
//! format signed per Standard Webhooks.

use super::carrier_event::{CarrierEvent, FormatError};
use super::{aftership, easypost, shippo};
use crate::auth::webhook_signature::{self, SignatureError};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum WebhookFormat {
    EasyPost,
    AfterShip,
    Shippo,
    /// Milepost's own event JSON (`ingest::api_json`).
    Milepost,
}

impl WebhookFormat {
    pub fn for_source(source: &str) -> Self {
        match source {
            easypost::SOURCE => WebhookFormat::EasyPost,
            aftership::SOURCE => WebhookFormat::AfterShip,
            shippo::SOURCE => WebhookFormat::Shippo,
            _ => WebhookFormat::Milepost,
        }
    }

    /// Checks the signature on the raw bytes, before anything parses them.
    pub fn verify<'h>(
        self,
        secrets: &[String],
        header: impl Fn(&str) -> Option<&'h str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), SignatureError> {
        match self {
            WebhookFormat::EasyPost => webhook_signature::verify_easypost(secrets, header("x-hmac-signature"), body),
            WebhookFormat::AfterShip => {
                webhook_signature::verify_aftership(secrets, header("aftership-hmac-sha256"), body)
            }
            WebhookFormat::Shippo | WebhookFormat::Milepost => webhook_signature::verify(
                secrets,
                header("webhook-id"),
                header("webhook-timestamp"),
                header("webhook-signature"),
                body,
                now,
            ),
        }
    }

    /// The delivery's own id, used to refuse replays.
    pub fn delivery_id<'h>(self, header: impl Fn(&str) -> Option<&'h str>, body: &[u8]) -> Option<String> {
        match self {
            WebhookFormat::EasyPost => easypost::webhook_id(body),
            WebhookFormat::AfterShip => aftership::webhook_id(body),
            WebhookFormat::Shippo | WebhookFormat::Milepost => header("webhook-id").map(str::to_string),
        }
    }

    /// The scans in an aggregator payload; `None` for Milepost's format,
    /// which the events API validates itself.
    pub fn carrier_events(self, body: &[u8]) -> Option<Result<Vec<CarrierEvent>, FormatError>> {
        match self {
            WebhookFormat::EasyPost => Some(easypost::parse(body)),
            WebhookFormat::AfterShip => Some(aftership::parse(body)),
            WebhookFormat::Shippo => Some(shippo::parse(body)),
            WebhookFormat::Milepost => None,
        }
    }
}
