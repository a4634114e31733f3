//! Test helpers: the catalog and the fixture options.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test on bad data"
)]

use phiward_lint::{Options, ResourcePolicyType};
use phiward_policy::PolicyKind;

/// phiward's embedded catalog of AWS services: fixtures are linted against the real
/// Service Authorization Reference.
pub fn catalog() -> &'static phiward_catalog::Catalog {
    phiward_catalog::Catalog::get().expect("the embedded catalog loads")
}

/// The options a fixture's name asks for: `NAME.KIND.json`, where KIND is `identity`
/// (the default), a resource-policy type (`bucket`, `key`, `trust`, `queue`, `secret`,
/// `generic`), `scp`, `rcp`, `boundary` or `session`.
pub fn options_for(file_name: &str) -> Options {
    let stem = file_name.trim_end_matches(".json");
    let kind = stem.rsplit_once('.').map(|(_, k)| k).unwrap_or("identity");
    if let Some(t) = ResourcePolicyType::parse(kind) {
        return Options::resource(t);
    }
    Options::kind(match kind {
        "identity" => PolicyKind::Identity,
        "scp" => PolicyKind::Scp,
        "rcp" => PolicyKind::Rcp,
        "boundary" => PolicyKind::PermissionsBoundary,
        "session" => PolicyKind::Session,
        other => panic!("unknown fixture kind {other}"),
    })
}
