//! What the tests against moto share: the repository's root, the Python of the moto venv
//! (for the seeding scripts), and `phiward` run with given AWS credentials and nothing
//! else of the environment's AWS settings.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `PHIWARD_MOTO_PYTHON`, else the venv `scripts/moto.sh` makes (`PHIWARD_VENV`, default
/// `/var/tmp/phiward-venv`).
pub fn python() -> PathBuf {
    if let Ok(p) = std::env::var("PHIWARD_MOTO_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = std::env::var("PHIWARD_VENV").unwrap_or_else(|_| "/var/tmp/phiward-venv".into());
    Path::new(&venv).join("bin/python")
}

/// `phiward`, from the root, acting with these credentials in `us-east-1`; its AWS
/// config and credentials files are looked for in `home` (none there: none read).
pub fn phiward_as(key: &str, secret: &str, home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_phiward"));
    c.current_dir(root())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"));
    c
}
