//! Who may do what: tracking links for buyers, API keys for systems,
//! Standard Webhooks signatures for carriers.

pub mod api_key;
pub mod client_address;
pub mod password;
pub mod session;
pub mod tracking_link;
pub mod webhook_signature;

pub use crate::token::random as random_token;
