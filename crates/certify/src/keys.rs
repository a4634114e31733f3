//! The ledger's Ed25519 signing key, kept in a file outside the database so that whoever
//! can write the database cannot forge entries. The file holds the 32-byte seed in hex;
//! it is created with mode 0600 and refused when others can read it. (A KMS key id is
//! future work: see `docs/certify.md`.)

use std::io::Write as _;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};

use crate::{Error, Result};

const HEADER: &str = "phiward-certify-ed25519-seed";

/// The signing key and where it lives.
#[derive(Debug)]
pub struct Key {
    signing: SigningKey,
    /// The file.
    pub path: PathBuf,
}

/// The key file used for a store when none is named: `STORE.key` beside it.
pub fn default_path(store: &Path) -> PathBuf {
    let mut s = store.as_os_str().to_owned();
    s.push(".key");
    PathBuf::from(s)
}

fn key_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Key {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// Refuses a key file that anyone but its owner can read or write.
#[cfg(unix)]
fn check_mode(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(key_error(
            path,
            format!("mode {mode:04o} lets others read it; run `chmod 600` on it"),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path) -> Result<()> {
    Ok(())
}

impl Key {
    /// Reads the key file.
    pub fn load(path: &Path) -> Result<Key> {
        check_mode(path)?;
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let hexed = text
            .lines()
            .find_map(|l| {
                l.strip_prefix(HEADER)
                    .map(|r| r.trim().trim_start_matches(':').trim())
            })
            .ok_or_else(|| {
                key_error(path, format!("expected a line `{HEADER}: <64 hex digits>`"))
            })?;
        let bytes = hex::decode(hexed).map_err(|e| key_error(path, e.to_string()))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| key_error(path, "the seed must be 32 bytes"))?;
        Ok(Key {
            signing: SigningKey::from_bytes(&seed),
            path: path.to_path_buf(),
        })
    }

    /// Creates a new key file (mode 0600); refuses to overwrite one.
    pub fn create(path: &Path) -> Result<Key> {
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| key_error(path, e.to_string()))?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            opts.mode(0o600);
        }
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let mut f = opts.open(path).map_err(io)?;
        writeln!(f, "{HEADER}: {}", hex::encode(seed)).map_err(io)?;
        f.sync_all().map_err(io)?;
        Ok(Key {
            signing: SigningKey::from_bytes(&seed),
            path: path.to_path_buf(),
        })
    }

    /// Loads the key, creating it when the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Key> {
        if path.exists() {
            Key::load(path)
        } else {
            Key::create(path)
        }
    }

    /// Signs bytes; hex.
    pub fn sign(&self, bytes: &[u8]) -> String {
        hex::encode(self.signing.sign(bytes).to_bytes())
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    /// The public key.
    pub fn public(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }
}

/// Parses a hex public key.
pub fn public_from_hex(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// Whether `signature` (hex) is `key`'s signature of `bytes`.
pub fn verify(key: &VerifyingKey, bytes: &[u8], signature: &str) -> bool {
    let Some(sig) = hex::decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    key.verify_strict(bytes, &ed25519_dalek::Signature::from_bytes(&sig))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_0600_signs_and_refuses_a_readable_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k");
        let k = Key::create(&p).unwrap();
        let sig = k.sign(b"x");
        let again = Key::load(&p).unwrap();
        assert!(verify(&again.public(), b"x", &sig));
        assert!(!verify(&again.public(), b"y", &sig));
        assert!(Key::create(&p).is_err(), "never overwrites a key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
            let e = Key::load(&p).unwrap_err().to_string();
            assert!(e.contains("0644"), "{e}");
        }
    }
}
