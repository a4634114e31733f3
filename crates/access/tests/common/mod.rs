//! Set-up shared by the access tests.

#![expect(clippy::expect_used, reason = "test set-up fails loudly")]

use phiward_snapshot::{Snapshot, Source, SourceKind};

/// An empty snapshot of account `account`, made on 2026-11-01 by a test.
pub fn snapshot_of(account: &str, kind: SourceKind) -> Snapshot {
    let source = Source {
        kind,
        origin: "test".into(),
        tool: "test".into(),
    };
    let created = serde_json::from_value(serde_json::json!("2026-11-01T00:00:00Z"))
        .expect("a valid timestamp");
    let mut s = Snapshot::new(source, created);
    s.account.id = Some(account.into());
    s
}
