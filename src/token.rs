//! Random tokens: the one shape of every secret Milepost hands out
//! (tracking links, API keys, sessions, unsubscribe and sign-in links).
//! A leaf module so the store can mint tokens without depending on `auth`.

/// `bytes` from the operating system's generator as unpadded base64url.
pub fn random(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}
