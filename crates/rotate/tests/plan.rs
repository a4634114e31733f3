//! `rotate plan` on the demo account: each key user's calendar, agreement with the KEY
//! checks, and an iCalendar file that follows RFC 5545.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "tests fail on unexpected data"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use phiward_checks::Config;
use phiward_findings::Status;
use phiward_rotate::consumers::Consumers;
use phiward_rotate::planner::Action;
use phiward_rotate::{plan, Plan, Schedule};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account")
}

fn demo_plan(config: &Config) -> (Plan, phiward_snapshot::Snapshot) {
    let loaded = phiward_snapshot::load(&demo()).expect("the demo account loads");
    let schedule = Schedule::new(&config.rotation).expect("a schedule");
    let consumers = Consumers::read(&[demo().join("cloudtrail-logs")]);
    let p = plan(
        &loaded.snapshot,
        config,
        &schedule,
        Some(&consumers),
        45,
        &[],
    );
    (p, loaded.snapshot)
}

fn demo_config() -> Config {
    let text = std::fs::read_to_string(demo().join("phiward.toml")).unwrap();
    Config::parse(&text, "phiward.toml").unwrap()
}

#[test]
fn every_key_user_of_the_demo_gets_a_calendar() {
    let (p, _) = demo_plan(&demo_config());
    let users: Vec<&str> = p.users.iter().map(|u| u.user.as_str()).collect();
    assert_eq!(
        users,
        [
            "backup-svc",
            "deploy-bot",
            "etl-svc",
            "hl7-gateway-svc",
            "legacy-ftp",
            "reporting-svc"
        ]
    );
    let etl = &p.users[2];
    // Overdue since long: a new key today, the old one off at the overlap's end.
    assert_eq!(etl.calendar[0].dated.action, Action::Create);
    assert_eq!(etl.calendar[0].when.to_string(), "2026-11-01");
    assert!(etl.calendar[0].overdue());
    assert_eq!(etl.calendar[1].when.to_string(), "2026-11-03");
    // The console calls of etl-svc carry no long-term key.
    assert_eq!(etl.other_calls.as_ref().map(|c| c.calls), Some(1));
    // legacy-ftp's inactive key goes today; reporting-svc's two used keys are a stop.
    assert_eq!(
        p.users[4].calendar[0].dated.action,
        Action::Delete {
            key: "key 1".into()
        }
    );
    assert!(p.users[5].hold.is_some());
    assert!(p.users[5].calendar.is_empty());
    // The root user's key is reported for deletion.
    assert_eq!(p.root_keys.len(), 1);
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[test]
fn users_failing_key_001_or_key_002_are_out_of_schedule() {
    let config = demo_config();
    let (p, snap) = demo_plan(&config);
    let access = phiward_access::AccessModel::new(&snap);
    let now = snap.as_of.unwrap();
    let audit = phiward_checks::Audit::new(&snap, &access, now, &config);
    let mut failing = BTreeSet::new();
    for c in phiward_checks::CHECKS
        .iter()
        .filter(|c| ["KEY-001", "KEY-002"].contains(&c.meta.id))
    {
        for f in (c.run)(&c.meta, &audit) {
            if f.status == Status::Fail {
                failing.insert(f.resource.clone());
            }
        }
    }
    assert!(!failing.is_empty());
    for arn in &failing {
        let u = p
            .users
            .iter()
            .find(|u| &u.arn == arn)
            .unwrap_or_else(|| panic!("{arn} fails KEY-001/002 but is not planned"));
        assert!(
            u.needs_attention(),
            "{arn} fails KEY-001/002 but is in schedule"
        );
    }
}

#[test]
fn exempt_users_are_listed_with_the_reason() {
    let mut config = demo_config();
    config.rotation.exempt_groups = vec!["Vendors".into()];
    let loaded = phiward_snapshot::load(&demo()).unwrap();
    let mut snap = loaded.snapshot;
    let iam = snap.iam.get_mut().unwrap();
    for u in iam.users.iter_mut() {
        match u.user_name.as_str() {
            "deploy-bot" => u.tags.push(phiward_snapshot::model::iam::Tag {
                key: "rotation-exempt".into(),
                value: "keys held by the vendor's appliance".into(),
            }),
            "etl-svc" => u.group_list.push("Vendors".into()),
            _ => {}
        }
    }
    let schedule = Schedule::new(&config.rotation).unwrap();
    let p = plan(&snap, &config, &schedule, None, 45, &[]);
    let exempt: Vec<(&str, &str)> = p
        .exempt
        .iter()
        .map(|e| (e.user.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(
        exempt,
        [
            (
                "deploy-bot",
                "tag `rotation-exempt`: keys held by the vendor's appliance"
            ),
            ("etl-svc", "member of group `Vendors`")
        ]
    );
    assert!(p
        .users
        .iter()
        .all(|u| u.user != "deploy-bot" && u.user != "etl-svc"));
}

/// RFC 5545's rules a calendar reader depends on: CRLF line ends, lines of at most 75
/// octets, balanced components, the required properties, unique UIDs, DTSTAMP in UTC.
fn check_ics(text: &str) -> usize {
    assert!(text.ends_with("\r\n"));
    let physical: Vec<&str> = text.split("\r\n").collect();
    for l in &physical {
        assert!(
            !l.contains('\n') && !l.contains('\r'),
            "bare line break in {l:?}"
        );
        assert!(l.len() <= 75, "{} octets: {l}", l.len());
    }
    let unfolded = text.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0"));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    let mut uids = BTreeSet::new();
    let mut events = 0;
    let mut current: Option<Vec<&str>> = None;
    for l in &lines {
        assert!(l.contains(':'), "not a content line: {l}");
        match *l {
            "BEGIN:VEVENT" => {
                assert!(current.is_none(), "nested VEVENT");
                current = Some(Vec::new());
            }
            "END:VEVENT" => {
                let props = current.take().expect("END without BEGIN");
                let get = |name: &str| {
                    props
                        .iter()
                        .filter(|p| {
                            p.starts_with(&format!("{name}:")) || p.starts_with(&format!("{name};"))
                        })
                        .count()
                };
                for required in ["UID", "DTSTAMP", "DTSTART", "SUMMARY"] {
                    assert_eq!(get(required), 1, "{required} in {props:?}");
                }
                let uid = props.iter().find(|p| p.starts_with("UID:")).unwrap();
                assert!(uids.insert(uid.to_string()), "duplicate {uid}");
                let stamp = props.iter().find(|p| p.starts_with("DTSTAMP:")).unwrap();
                assert!(stamp.len() == "DTSTAMP:20261101T000000Z".len() && stamp.ends_with('Z'));
                events += 1;
            }
            _ => {
                if let Some(p) = current.as_mut() {
                    p.push(l);
                }
            }
        }
    }
    assert!(current.is_none(), "unterminated VEVENT");
    events
}

#[test]
fn the_calendar_file_follows_rfc_5545_and_does_not_depend_on_the_clock() {
    let (p, _) = demo_plan(&demo_config());
    let text = phiward_rotate::ics::ics(&p);
    let events = check_ics(&text);
    let dated: usize = p.users.iter().map(|u| u.calendar.len()).sum();
    let holds = p
        .users
        .iter()
        .filter(|u| u.hold.as_ref().is_some_and(|h| h.needs_owner()))
        .count();
    assert_eq!(events, dated + holds + p.root_keys.len());
    assert!(text.contains("DTSTAMP:20261101T000000Z\r\n"));
    // The same snapshot gives the same file.
    let (again, _) = demo_plan(&demo_config());
    assert_eq!(phiward_rotate::ics::ics(&again), text);
}

#[test]
fn the_csv_has_one_row_per_key() {
    let (p, _) = demo_plan(&demo_config());
    let text = phiward_rotate::render::csv(&p).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let rows = r.records().count();
    let keys: usize = p.users.iter().map(|u| u.keys.len()).sum();
    assert_eq!(rows, keys + p.root_keys.len());
}
