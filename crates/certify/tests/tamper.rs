//! Tampering with the store: an edited decision row, an edited, deleted, inserted or
//! reordered ledger entry, and entries cut from the end are each named by `verify`;
//! an untouched store verifies.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use phiward_certify::campaign::{self, Start, Unreviewed};
use phiward_certify::decide::{self, Actor, Decision};
use phiward_certify::directory::Reviewers;
use phiward_certify::keys::Key;
use phiward_certify::rights::{Built, Kind, Right};
use phiward_certify::store::Store;
use phiward_certify::verify::{self, Head, Verification};
use rusqlite::params;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    key: Key,
}

fn right(person: &str, n: usize) -> Right {
    Right {
        person: person.into(),
        email: None,
        kind: if n.is_multiple_of(2) {
            Kind::PhiResource
        } else {
            Kind::Group
        },
        principal: format!("arn:aws:iam::1:user/{person}"),
        right: format!("arn:aws:s3:::bucket-{n}"),
        via: "iam_user".into(),
        phi: n.is_multiple_of(2),
        evidence: serde_json::json!({"statements": [{"policy": "p", "statement": n}]}),
    }
}

/// A campaign of 6 items for ana (reviewer bo), three decided.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("c.db")).unwrap();
    let key = Key::create(&dir.path().join("c.db.key")).unwrap();
    let built = Built {
        rights: (0..6).map(|n| right("ana", n)).collect(),
        ..Default::default()
    };
    let mut reviewers = Reviewers::default();
    reviewers.tagged.insert("ana".into(), "bo".into());
    let start = Start {
        name: "Q1",
        due: chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
        snapshot: "snap",
        snapshot_digest: "d",
        account: None,
        unreviewed: Unreviewed::Flag,
        actor: "officer",
        session: "test",
    };
    let c = campaign::start(&mut store, &key, &built, &reviewers, &start).unwrap();
    let bo = Actor {
        name: "bo",
        session: "s1",
        officer: false,
    };
    let items = campaign::items(&store, c.campaign.id, None).unwrap();
    decide::decide(
        &mut store,
        &key,
        items[0].id,
        &bo,
        &Decision::Revoke,
        Some("left"),
    )
    .unwrap();
    decide::decide(
        &mut store,
        &key,
        items[1].id,
        &bo,
        &Decision::Approve,
        Some("needed"),
    )
    .unwrap();
    decide::decide(
        &mut store,
        &key,
        items[2].id,
        &bo,
        &Decision::Approve,
        Some("needed"),
    )
    .unwrap();
    Fixture {
        _dir: dir,
        store,
        key,
    }
}

fn check(f: &Fixture, head: Option<&Head>) -> Verification {
    verify::verify(&f.store, &f.key.public(), head).unwrap()
}

fn has(v: &Verification, words: &[&str]) -> bool {
    v.problems
        .iter()
        .any(|p| words.iter().all(|w| p.contains(w)))
}

#[test]
fn an_untouched_store_verifies() {
    let f = fixture();
    let v = check(&f, None);
    assert!(v.ok(), "{:?}", v.problems);
    assert_eq!(v.entries, 1 + 6 + 3);
    let (seq, hash) = v.head.clone().unwrap();
    assert_eq!(seq, 10);
    let head = Head::parse(&format!("{seq}:{hash}")).unwrap();
    assert!(check(&f, Some(&head)).ok());
}

#[test]
fn an_edited_decision_row_is_named_with_both_values() {
    let f = fixture();
    f.store
        .conn
        .execute(
            "UPDATE items SET status = 'approved' WHERE status = 'revoked'",
            [],
        )
        .unwrap();
    let v = check(&f, None);
    assert!(
        has(
            &v,
            &[
                "row edited",
                "`status` is `approved`",
                "the ledger says `revoked`"
            ]
        ),
        "{:?}",
        v.problems
    );
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
}

#[test]
fn an_edited_ledger_entry_is_named() {
    let f = fixture();
    f.store
        .conn
        .execute(
            "UPDATE ledger SET payload = replace(payload, 'left', 'stayed') WHERE seq = 8",
            [],
        )
        .unwrap();
    let v = check(&f, None);
    assert!(has(&v, &["entry 8", "edited"]), "{:?}", v.problems);
}

#[test]
fn a_deleted_entry_is_named() {
    let f = fixture();
    f.store
        .conn
        .execute("DELETE FROM ledger WHERE seq = 4", [])
        .unwrap();
    let v = check(&f, None);
    assert!(has(&v, &["entry 4 was deleted"]), "{:?}", v.problems);
}

#[test]
fn two_reordered_entries_are_each_named() {
    let f = fixture();
    let c = &f.store.conn;
    c.execute("UPDATE ledger SET pos = -1 WHERE pos = 3", [])
        .unwrap();
    c.execute("UPDATE ledger SET pos = 3 WHERE pos = 5", [])
        .unwrap();
    c.execute("UPDATE ledger SET pos = 5 WHERE pos = -1", [])
        .unwrap();
    let v = check(&f, None);
    assert!(
        has(&v, &["entry 5 (position 3", "reordered"]),
        "{:?}",
        v.problems
    );
    assert!(
        has(&v, &["entry 3 (position 5", "reordered"]),
        "{:?}",
        v.problems
    );
}

#[test]
fn an_inserted_entry_is_named() {
    let f = fixture();
    // A copy of a real entry under a new position, and a forged one.
    f.store
        .conn
        .execute(
            "INSERT INTO ledger (seq, prev, hash, kind, campaign, item, actor, session, at, digest, payload, signature)
             SELECT seq, prev, hash, kind, campaign, item, actor, session, at, digest, payload, signature FROM ledger WHERE seq = 9",
            [],
        )
        .unwrap();
    let v = check(&f, None);
    assert!(
        has(&v, &["inserted", "second entry with sequence number 9"]),
        "{:?}",
        v.problems
    );
    let g = fixture();
    g.store
        .conn
        .execute(
            "INSERT INTO ledger (seq, prev, hash, kind, campaign, item, actor, session, at, digest, payload, signature)
             SELECT seq + 1, hash, hash, kind, campaign, item, actor, session, at, digest, payload, signature FROM ledger WHERE seq = 10",
            [],
        )
        .unwrap();
    let v = check(&g, None);
    assert!(
        has(&v, &["entry 11", "edited"]) || has(&v, &["entry 11", "forged"]),
        "{:?}",
        v.problems
    );
}

#[test]
fn truncation_is_named_given_the_exported_head() {
    let f = fixture();
    let (seq, hash) = check(&f, None).head.unwrap();
    f.store
        .conn
        .execute("DELETE FROM ledger WHERE seq > ?1", params![seq - 2])
        .unwrap();
    let head = Head::parse(&format!("{seq}:{hash}")).unwrap();
    let v = check(&f, Some(&head));
    assert!(
        has(&v, &["truncated", "entries 9 to 10 are missing"]),
        "{:?}",
        v.problems
    );
}

#[test]
fn another_key_does_not_verify() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let other = Key::create(&dir.path().join("k")).unwrap();
    let v = verify::verify(&f.store, &other.public(), None).unwrap();
    assert!(has(&v, &["signature does not verify"]), "{:?}", v.problems);
}
