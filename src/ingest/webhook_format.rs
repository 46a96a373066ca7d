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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FORMATS: [WebhookFormat; 3] = [WebhookFormat::EasyPost, WebhookFormat::AfterShip, WebhookFormat::Shippo];

    proptest! {
        #[test]
        fn arbitrary_bytes_give_events_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            for format in FORMATS {
                let _ = format.carrier_events(&bytes);
                let _ = format.delivery_id(|_| None, &bytes);
            }
        }

        /// JSON of the right general shape but wrong details reaches deeper
        /// than random bytes do.
        #[test]
        fn arbitrary_json_gives_events_or_an_error(
            status in "[a-z_]{0,12}", detail in proptest::option::of("[a-zA-Z_0-9]{0,12}"),
            time in "[0-9T:Z+-]{0,25}", tracking in "[A-Z0-9 ]{0,20}",
        ) {
            let detail = serde_json::json!(detail);
            let bodies = [
                serde_json::json!({"description": "tracker.updated", "result": {"id": "t", "tracking_code": tracking, "status": status,
                    "status_detail": detail, "updated_at": time, "tracking_details": [{"status": status, "status_detail": detail, "datetime": time}]}}),
                serde_json::json!({"event": "tracking_update", "msg": {"tracking_number": tracking, "checkpoints": [
                    {"checkpoint_time": time, "tag": status, "subtag": detail}]}}),
                serde_json::json!({"event": "track_updated", "data": {"tracking_number": tracking, "tracking_status":
                    {"status": status, "status_date": time, "substatus": {"code": detail}}, "tracking_history": []}}),
            ];
            for (format, body) in FORMATS.into_iter().zip(bodies) {
                let _ = format.carrier_events(body.to_string().as_bytes());
            }
        }
    }
}
