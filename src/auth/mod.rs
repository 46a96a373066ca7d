//! Who may do what: tracking links for buyers, API keys for systems,
//! Standard Webhooks signatures for carriers.

pub mod api_key;
pub mod client_address;
pub mod password;
pub mod session;
pub mod tracking_link;
pub mod webhook_signature;

/// `bytes` from the operating system's generator as unpadded base64url:
/// the shape of every token Milepost hands out (links, keys, unsubscribes).
pub fn random_token(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}
