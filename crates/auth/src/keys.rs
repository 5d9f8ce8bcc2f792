//! The deployment's secret key and the purpose-bound keys derived from it.
//! One master secret, never used directly: each use gets its own key, so a
//! key exposed for one purpose is useless for another.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// Minimum length of the master secret, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretKeyError {
    #[error("is not valid base64")]
    NotBase64,
    #[error("decodes to {0} bytes; at least {MIN_SECRET_BYTES} are required")]
    TooShort(usize),
    #[error("cannot read or create {path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
}

impl SecretKey {
    /// Parses a base64 secret of at least [`MIN_SECRET_BYTES`] bytes.
    pub fn from_base64(encoded: &str) -> Result<Self, SecretKeyError> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .map_err(|_| SecretKeyError::NotBase64)?;
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(SecretKeyError::TooShort(bytes.len()));
        }
        Ok(Self(bytes))
    }

    /// A fresh random secret (for tests and first starts).
    pub fn generate() -> Self {
        let mut bytes = vec![0_u8; MIN_SECRET_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// Reads the secret kept in `path`, or creates it there (mode 0600, in
    /// a folder made 0700 if it is missing).
    /// Returns whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), SecretKeyError> {
        let file_err = |source| SecretKeyError::File {
            path: path.to_owned(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((Self::from_base64(&text)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    let mut folder = std::fs::DirBuilder::new();
                    folder.recursive(true);
                    #[cfg(unix)]
                    std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
                    folder.create(dir).map_err(file_err)?;
                }
                let key = Self::generate();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(file_err)?;
                writeln!(file, "{}", key.to_base64()).map_err(file_err)?;
                Ok((key, true))
            }
            Err(e) => Err(file_err(e)),
        }
    }

    /// The key for one purpose: HMAC-SHA256(secret, "rightsdesk/" + purpose).
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(b"rightsdesk/");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// The derived keys the desk uses, computed once at start.
#[derive(Clone)]
pub struct Keys {
    /// Indexes normalised identifiers (emails, phones) by keyed hash.
    pub identifier_index: [u8; 32],
    /// Encrypts uploaded documents (AES-256-GCM).
    pub documents: [u8; 32],
    /// Signs CSRF tokens.
    pub csrf: [u8; 32],
    /// Hashes verification codes at rest.
    pub codes: [u8; 32],
    /// Encrypts the data systems' webhook signing secrets (AES-256-GCM).
    pub webhooks: [u8; 32],
    secret: SecretKey,
}

impl Keys {
    pub fn new(secret: SecretKey) -> Self {
        Self {
            identifier_index: secret.derive("identifier-index"),
            documents: secret.derive("documents"),
            csrf: secret.derive("csrf"),
            codes: secret.derive("verification-codes"),
            webhooks: secret.derive("webhook-secrets"),
            secret,
        }
    }

    /// The signing key of one token purpose (each purpose has its own).
    pub fn token_key(&self, purpose: &str) -> [u8; 32] {
        self.secret.derive(&format!("token/{purpose}"))
    }
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_must_be_base64_and_long_enough() {
        assert!(matches!(
            SecretKey::from_base64("not base64!"),
            Err(SecretKeyError::NotBase64)
        ));
        assert!(matches!(
            SecretKey::from_base64(&STANDARD.encode([1_u8; 16])),
            Err(SecretKeyError::TooShort(16))
        ));
        assert!(SecretKey::from_base64(&STANDARD.encode([1_u8; 32])).is_ok());
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_secret() {
        let a = SecretKey::from_base64(&STANDARD.encode([1_u8; 32])).unwrap();
        let b = SecretKey::from_base64(&STANDARD.encode([2_u8; 32])).unwrap();
        assert_ne!(a.derive("documents"), a.derive("identifier-index"));
        assert_ne!(a.derive("documents"), b.derive("documents"));
        assert_eq!(a.derive("documents"), a.derive("documents"));
    }

    #[test]
    fn the_key_file_is_created_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/secret.key");
        let (first, created) = SecretKey::load_or_create(&path).unwrap();
        assert!(created);
        let (second, created) = SecretKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(first.to_base64(), second.to_base64());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let folder = std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(folder & 0o777, 0o700);
        }
    }
}
