//! Secrets at rest: values Milepost must be able to read back (webhook
//! signing secrets) are sealed with XChaCha20-Poly1305 under one key before
//! they reach the database, so a copy of the database (a backup, a replica,
//! a leaked dump) does not hand out the secrets that sign and verify webhooks.
//!
//! A sealed value is text: `v1:<base64 of 24-byte nonce + ciphertext + tag>`.
//! The version prefix lets a later key or cipher live beside this one, and
//! lets the startup step tell sealed rows from rows older versions left in
//! clear. Each value is sealed with a random nonce (XChaCha's 192 bits make
//! collisions a non-issue) and bound to its column, so a value copied from
//! one column to another does not open.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use std::path::{Path, PathBuf};

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;
/// The file a key is kept in when `MILEPOST_SECRET_KEY` is not set.
pub const KEY_FILE: &str = "secret.key";

/// The key secrets are sealed with: 32 random bytes.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

// Never printed, not even in a debug dump of the configuration.
impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the value is not sealed (no `v1:` prefix)")]
    NotSealed,
    #[error("the sealed value is not valid base64 or is too short")]
    Malformed,
    #[error("the sealed value does not open with this key (wrong MILEPOST_SECRET_KEY, or the value was altered)")]
    WrongKey,
}

impl SecretKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        SecretKey(bytes)
    }

    /// A key as `MILEPOST_SECRET_KEY` carries it: base64 of 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self, String> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| "is not base64".to_string())?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| format!("is {} bytes; it must be 32 (base64 of 32 random bytes)", b.len()))?;
        Ok(SecretKey(bytes))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// The configured key, or else the one kept in `data_dir/secret.key`,
    /// made on first use (readable by this user only) so a laptop or demo
    /// run needs nothing set and still keeps no secret in clear. Says
    /// whether the file was made now.
    pub fn configured_or_file(
        configured: Option<&SecretKey>,
        data_dir: &Path,
    ) -> Result<(Self, Option<PathBuf>), String> {
        if let Some(key) = configured {
            return Ok((key.clone(), None));
        }
        let path = data_dir.join(KEY_FILE);
        let cannot = |what: &str, e: std::io::Error| {
            format!("cannot {what} {}: {e} (or set MILEPOST_SECRET_KEY to base64 of 32 random bytes)", path.display())
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return SecretKey::from_base64(&text).map(|k| (k, None)).map_err(|e| format!("{}: {e}", path.display()))
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(cannot("read", e)),
            Err(_) => {}
        }
        std::fs::create_dir_all(data_dir).map_err(|e| cannot("create the directory of", e))?;
        // Written whole under a temporary name, then linked into place: two
        // processes starting together cannot both make a key (the link of
        // the second fails and it reads the first's), nor read half a file.
        let key = SecretKey::generate();
        let temporary = data_dir.join(format!(".{KEY_FILE}.{}", crate::token::random(8)));
        write_private(&temporary, &key.to_base64()).map_err(|e| cannot("write", e))?;
        let linked = std::fs::hard_link(&temporary, &path);
        let _ = std::fs::remove_file(&temporary);
        match linked {
            Ok(()) => Ok((key, Some(path))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::configured_or_file(None, data_dir),
            Err(e) => Err(cannot("write", e)),
        }
    }

    /// The deployment's key: `MILEPOST_SECRET_KEY`, or the key file in the
    /// data directory, announced in the log the one time it is made.
    pub fn for_deployment(configured: Option<&SecretKey>, data_dir: &Path) -> Result<Self, String> {
        let (key, made) = Self::configured_or_file(configured, data_dir)?;
        if let Some(path) = made {
            tracing::warn!(
                path = %path.display(),
                "MILEPOST_SECRET_KEY is not set: made a key for webhook secrets in {}; keep it with the database \
                 (without it the stored secrets cannot be read), or set MILEPOST_SECRET_KEY",
                path.display()
            );
        }
        Ok(key)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.0))
    }

    /// Seals `plaintext` for the column `context` names (e.g. `webhook_endpoints.secret`).
    pub fn seal(&self, context: &str, plaintext: &str) -> String {
        use rand::RngCore;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext.as_bytes(), aad: context.as_bytes() })
            .expect("XChaCha20-Poly1305 seals any message that fits in memory");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(bytes))
    }

    /// Opens a value `seal` made for the same `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<String, OpenError> {
        let encoded = sealed.strip_prefix(PREFIX).ok_or(OpenError::NotSealed)?;
        let bytes = STANDARD.decode(encoded).map_err(|_| OpenError::Malformed)?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(OpenError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plaintext = self
            .cipher()
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: context.as_bytes() })
            .map_err(|_| OpenError::WrongKey)?;
        String::from_utf8(plaintext).map_err(|_| OpenError::Malformed)
    }
}

/// Whether a stored value is sealed (as opposed to left in clear by an older version).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: &str = "webhook_endpoints.secret";

    #[test]
    fn a_sealed_value_opens_with_its_key_and_context_only() {
        let key = SecretKey::generate();
        let sealed = key.seal(CONTEXT, "whsec_abc");
        assert!(is_sealed(&sealed) && !sealed.contains("whsec_abc"), "{sealed}");
        assert_eq!(key.open(CONTEXT, &sealed).unwrap(), "whsec_abc");
        assert_ne!(key.seal(CONTEXT, "whsec_abc"), sealed, "a fresh nonce each time");
        assert_eq!(SecretKey::generate().open(CONTEXT, &sealed), Err(OpenError::WrongKey));
        assert_eq!(key.open("webhook_secrets.secret", &sealed), Err(OpenError::WrongKey));
        assert_eq!(key.open(CONTEXT, "whsec_abc"), Err(OpenError::NotSealed));
        assert_eq!(key.open(CONTEXT, "v1:AAAA"), Err(OpenError::Malformed));
        // One flipped bit anywhere and it does not open.
        let mut tampered = STANDARD.decode(&sealed[3..]).unwrap();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(key.open(CONTEXT, &format!("v1:{}", STANDARD.encode(tampered))), Err(OpenError::WrongKey));
    }

    #[test]
    fn keys_are_32_bytes_of_base64_and_never_printed() {
        let key = SecretKey::generate();
        let again = SecretKey::from_base64(&format!(" {}\n", key.to_base64())).unwrap();
        assert_eq!(again.0, key.0);
        assert!(SecretKey::from_base64("c2hvcnQ=").unwrap_err().contains("32"));
        assert!(SecretKey::from_base64("not base64!").is_err());
        assert_eq!(format!("{key:?}"), "SecretKey(..)");
    }

    #[test]
    fn without_a_configured_key_one_is_made_once_in_the_data_dir() {
        let dir = std::env::temp_dir().join(format!("milepost-key-{}", crate::token::random(8)));
        let (made, path) = SecretKey::configured_or_file(None, &dir).unwrap();
        let path = path.expect("made now");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let (again, made_now) = SecretKey::configured_or_file(None, &dir).unwrap();
        assert_eq!((again.0, made_now), (made.0, None), "the same key on the next start");
        let configured = SecretKey::generate();
        assert_eq!(SecretKey::configured_or_file(Some(&configured), &dir).unwrap().0 .0, configured.0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
