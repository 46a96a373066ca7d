//! Standard Webhooks verification: HMAC-SHA256 over `id.timestamp.body`,
//! base64 signatures in `webhook-signature` as space-separated `v1,<sig>`,
//! secrets as `whsec_<base64>`. Checked on the raw bytes before anything
//! parses the body.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a timestamp may be from our clock, either way.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the `{0}` header is missing")]
    MissingHeader(&'static str),
    #[error("`webhook-timestamp` is not a Unix timestamp in seconds")]
    BadTimestamp,
    #[error("the timestamp is more than 5 minutes away from the server's clock")]
    OutsideTolerance,
    #[error("no signature matches any of the configured secrets")]
    NoMatch,
}

fn secret_bytes(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok()
}

pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let key = secret_bytes(secret).unwrap_or_default();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC accepts any key length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Verifies one delivery against every live secret (two during a rotation).
pub fn verify(
    secrets: &[String],
    id: Option<&str>,
    timestamp: Option<&str>,
    signatures: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let id = id.ok_or(SignatureError::MissingHeader("webhook-id"))?;
    let timestamp = timestamp.ok_or(SignatureError::MissingHeader("webhook-timestamp"))?;
    let signatures = signatures.ok_or(SignatureError::MissingHeader("webhook-signature"))?;
    let timestamp: i64 = timestamp.trim().parse().map_err(|_| SignatureError::BadTimestamp)?;
    // abs_diff: a timestamp near i64::MIN or MAX must not overflow.
    if now.abs_diff(timestamp) > TOLERANCE_SECONDS as u64 {
        return Err(SignatureError::OutsideTolerance);
    }
    for secret in secrets {
        let Some(key) = secret_bytes(secret) else { continue };
        for candidate in signatures.split_whitespace() {
            let Some(encoded) = candidate.strip_prefix("v1,") else { continue };
            let Ok(signature) = STANDARD.decode(encoded) else { continue };
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC accepts any key length");
            mac.update(format!("{id}.{timestamp}.").as_bytes());
            mac.update(body);
            // verify_slice compares in constant time.
            if mac.verify_slice(&signature).is_ok() {
                return Ok(());
            }
        }
    }
    Err(SignatureError::NoMatch)
}

/// EasyPost: `X-Hmac-Signature: hmac-sha256-hex=<hex of HMAC-SHA256(secret, body)>`.
pub fn verify_easypost(secrets: &[String], header: Option<&str>, body: &[u8]) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::MissingHeader("x-hmac-signature"))?;
    let signature = header.trim().strip_prefix("hmac-sha256-hex=").and_then(|h| hex::decode(h).ok());
    verify_raw(secrets, signature.as_deref(), body)
}

/// AfterShip: `aftership-hmac-sha256: <base64 of HMAC-SHA256(secret, body)>`.
pub fn verify_aftership(secrets: &[String], header: Option<&str>, body: &[u8]) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::MissingHeader("aftership-hmac-sha256"))?;
    let signature = STANDARD.decode(header.trim()).ok();
    verify_raw(secrets, signature.as_deref(), body)
}

/// HMAC-SHA256 of the body alone, keyed with the secret's own bytes.
fn verify_raw(secrets: &[String], signature: Option<&[u8]>, body: &[u8]) -> Result<(), SignatureError> {
    let signature = signature.ok_or(SignatureError::NoMatch)?;
    for secret in secrets {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
        mac.update(body);
        if mac.verify_slice(signature).is_ok() {
            return Ok(());
        }
    }
    Err(SignatureError::NoMatch)
}

/// The raw HMAC-SHA256 of a body (for tests and for senders we simulate).
pub fn hmac_sha256(secret: &str, body: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// A fresh secret in the `whsec_` format.
pub fn generate_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example from the Standard Webhooks specification.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const EXPECTED: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn matches_the_specification_example() {
        assert_eq!(sign(SECRET, ID, TS, BODY), EXPECTED);
        assert_eq!(verify(&[SECRET.into()], Some(ID), Some("1614265330"), Some(EXPECTED), BODY, TS), Ok(()));
    }

    #[test]
    fn rejects_tampering_staleness_and_missing_headers() {
        let secrets = [SECRET.to_string()];
        let tampered = br#"{"test": 2432232315}"#;
        assert_eq!(
            verify(&secrets, Some(ID), Some("1614265330"), Some(EXPECTED), tampered, TS),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            verify(&secrets, Some(ID), Some("1614265330"), Some(EXPECTED), BODY, TS + TOLERANCE_SECONDS + 1),
            Err(SignatureError::OutsideTolerance)
        );
        for extreme in [i64::MIN, i64::MAX] {
            assert_eq!(
                verify(&secrets, Some(ID), Some(&extreme.to_string()), Some(EXPECTED), BODY, TS),
                Err(SignatureError::OutsideTolerance)
            );
        }
        assert_eq!(
            verify(&secrets, None, Some("1"), Some(EXPECTED), BODY, TS),
            Err(SignatureError::MissingHeader("webhook-id"))
        );
        assert_eq!(
            verify(&secrets, Some(ID), Some("soon"), Some(EXPECTED), BODY, TS),
            Err(SignatureError::BadTimestamp)
        );
    }

    #[test]
    fn easypost_and_aftership_sign_the_body_alone() {
        let secret = "sekrit".to_string();
        let body = br#"{"id":"evt_1"}"#;
        let mac = hmac_sha256(&secret, body);
        let easypost = format!("hmac-sha256-hex={}", hex::encode(&mac));
        assert_eq!(verify_easypost(std::slice::from_ref(&secret), Some(&easypost), body), Ok(()));
        assert_eq!(
            verify_easypost(std::slice::from_ref(&secret), Some(&easypost), b"{}"),
            Err(SignatureError::NoMatch)
        );
        let aftership = STANDARD.encode(&mac);
        assert_eq!(verify_aftership(std::slice::from_ref(&secret), Some(&aftership), body), Ok(()));
        assert_eq!(
            verify_aftership(&[secret], None, body),
            Err(SignatureError::MissingHeader("aftership-hmac-sha256"))
        );
    }

    #[test]
    fn either_of_two_secrets_verifies_during_rotation() {
        let new = generate_secret();
        let signed_with_new = sign(&new, ID, TS, BODY);
        let both = [SECRET.to_string(), new.clone()];
        assert!(verify(&both, Some(ID), Some(&TS.to_string()), Some(&signed_with_new), BODY, TS).is_ok());
        assert!(verify(&both, Some(ID), Some(&TS.to_string()), Some(EXPECTED), BODY, TS).is_ok());
        // Several signatures in one header: any one valid is enough.
        let header = format!("v1,bm9wZQ== {signed_with_new}");
        assert!(verify(&[new], Some(ID), Some(&TS.to_string()), Some(&header), BODY, TS).is_ok());
    }
}
