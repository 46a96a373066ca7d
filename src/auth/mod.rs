//! Who may do what: tracking links for buyers, API keys for systems,
//! Standard Webhooks signatures for carriers.

pub mod api_key;
pub mod tracking_link;
pub mod webhook_signature;
