//! Content-addressed file storage for proof-of-delivery images. A file is
//! named by the SHA-256 of its bytes, written once and never overwritten,
//! and checked against its name whenever it is read back. The trait lets an
//! object store (S3, GCS) replace the local directory.

use futures::future::BoxFuture;
use sha2::{Digest, Sha256};
use std::io;
use std::path::PathBuf;

pub trait BlobStore: Send + Sync {
    /// Stores the bytes (or finds them already stored); returns their SHA-256.
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BoxFuture<'a, io::Result<String>>;
    /// The bytes named by this SHA-256, verified against it.
    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<Vec<u8>>>;
    /// Deletes the file if it is there (a refused upload's images).
    fn remove<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<()>>;
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Files under a directory, fanned out by the first two bytes of the hash
/// (`ab/cd/abcd...`) so no directory grows too large.
pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalBlobStore { root: root.into() }
    }

    fn path(&self, sha256: &str) -> io::Result<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a SHA-256"));
        }
        Ok(self.root.join(&sha256[..2]).join(&sha256[2..4]).join(sha256))
    }
}

impl BlobStore for LocalBlobStore {
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BoxFuture<'a, io::Result<String>> {
        Box::pin(async move {
            let sha256 = sha256_hex(bytes);
            let path = self.path(&sha256)?;
            if tokio::fs::try_exists(&path).await? {
                // Same name, so the same bytes, unless the copy on disk is
                // damaged: then it is an error, not something to overwrite.
                self.get(&sha256).await?;
                return Ok(sha256);
            }
            let dir = path.parent().expect("a fanned-out path has a parent");
            tokio::fs::create_dir_all(dir).await?;
            // Write aside and rename: a reader never sees half a file, and
            // two writers of the same bytes both end with one whole copy.
            let temporary = dir.join(format!(".{sha256}.{}", rand::random::<u64>()));
            let written = async {
                let mut file = tokio::fs::File::create(&temporary).await?;
                tokio::io::AsyncWriteExt::write_all(&mut file, bytes).await?;
                file.sync_all().await?;
                tokio::fs::rename(&temporary, &path).await
            };
            if let Err(e) = written.await {
                let _ = tokio::fs::remove_file(&temporary).await;
                return Err(e);
            }
            Ok(sha256)
        })
    }

    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<Vec<u8>>> {
        Box::pin(async move {
            let bytes = tokio::fs::read(self.path(sha256)?).await?;
            if sha256_hex(&bytes) != sha256 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, format!("stored file {sha256} is damaged")));
            }
            Ok(bytes)
        })
    }

    fn remove<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(sha256)?).await {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_named_by_their_hash_kept_once_and_checked_on_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::new(dir.path());
        let sha = store.put(b"signature").await.unwrap();
        assert_eq!(sha, sha256_hex(b"signature"));
        assert_eq!(store.put(b"signature").await.unwrap(), sha, "the same bytes, the same file");
        assert_eq!(store.get(&sha).await.unwrap(), b"signature");
        let path = dir.path().join(&sha[..2]).join(&sha[2..4]).join(&sha);
        assert!(path.exists());

        // Damage on disk is found on read, and a new upload does not paper over it.
        std::fs::write(&path, b"tampered").unwrap();
        assert_eq!(store.get(&sha).await.unwrap_err().kind(), io::ErrorKind::InvalidData);
        assert!(store.put(b"signature").await.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"tampered", "never overwritten");

        assert_eq!(store.get("../../etc/passwd").await.unwrap_err().kind(), io::ErrorKind::InvalidInput);

        store.remove(&sha).await.unwrap();
        assert!(!path.exists());
        store.remove(&sha).await.expect("removing what is not there is not an error");
        assert_eq!(store.remove("../x").await.unwrap_err().kind(), io::ErrorKind::InvalidInput);
    }
}
