//! The plan's dates as an iCalendar file (RFC 5545,
//! <https://www.rfc-editor.org/rfc/rfc5545>) for the owners' calendars: one all-day event
//! per action, the root keys' deletion and each hold on the plan's day.
//!
//! Lines end in CRLF and are folded at 75 octets (3.1), text values are escaped (3.3.11),
//! every event has a `UID` (3.8.4.7) stable across runs, and `DTSTAMP` (3.8.7.2) is the
//! snapshot's moment, not the clock, so the same snapshot gives the same file.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use crate::consumers::Consumer;
use crate::plan::{describe_action, describe_hold, Plan};
use crate::planner::Action;

/// RFC 5545 3.1: lines longer than 75 octets are split, the continuation starting with a
/// space; never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT.
fn escape(text: &str) -> String {
    let mut o = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            ';' => o.push_str("\\;"),
            ',' => o.push_str("\\,"),
            '\n' => o.push_str("\\n"),
            '\r' => {}
            c => o.push(c),
        }
    }
    o
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn uid(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let hex: String = h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{hex}@phiward")
}

struct Event<'a> {
    uid: String,
    day: NaiveDate,
    summary: String,
    description: String,
    contact: Option<&'a str>,
}

fn event(out: &mut String, dtstamp: &str, e: &Event<'_>) {
    fold("BEGIN:VEVENT", out);
    fold(&format!("UID:{}", e.uid), out);
    fold(&format!("DTSTAMP:{dtstamp}"), out);
    fold(&format!("DTSTART;VALUE=DATE:{}", date(e.day)), out);
    fold(
        &format!("DTEND;VALUE=DATE:{}", date(e.day + Duration::days(1))),
        out,
    );
    fold(&format!("SUMMARY:{}", escape(&e.summary)), out);
    if !e.description.is_empty() {
        fold(&format!("DESCRIPTION:{}", escape(&e.description)), out);
    }
    if let Some(c) = e.contact {
        fold(&format!("CONTACT:{}", escape(c)), out);
    }
    fold("TRANSP:TRANSPARENT", out);
    fold("END:VEVENT", out);
}

fn consumers_text(c: &Consumer) -> String {
    format!(
        "Consumers: {} calls from {}; user agents {}",
        c.calls,
        Consumer::top(&c.sources, 5),
        Consumer::top(&c.user_agents, 3)
    )
}

/// The calendar file.
pub fn ics(p: &Plan) -> String {
    let mut out = String::new();
    let dtstamp = stamp(p.as_of);
    let today = p.as_of.date_naive();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//phiward//rotate plan//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Access-key rotation",
    ] {
        fold(l, &mut out);
    }
    for u in &p.users {
        for e in &u.calendar {
            let action = describe_action(&e.dated.action);
            let key = match &e.dated.action {
                Action::Create => e.creates.clone().unwrap_or_default(),
                Action::Deactivate { key, .. } | Action::Delete { key } => key.clone(),
            };
            let overdue = if e.overdue() {
                format!("OVERDUE since {}: ", e.dated.on)
            } else {
                String::new()
            };
            let mut desc = vec![format!(
                "IAM user {} ({}). Scheduled for {}.",
                u.user, u.arn, e.dated.on
            )];
            if let Action::Create = e.dated.action {
                desc.push(
                    "Create the new key with `phiward rotate run`, then switch every consumer of the current key to it before the overlap ends."
                        .into(),
                );
            }
            let old = u.keys.iter().find(|k| {
                k.id == key
                    || (e.dated.action == Action::Create && k.place == crate::plan::Place::Current)
            });
            if let Some(c) = old.and_then(|k| k.consumers.as_ref()) {
                desc.push(consumers_text(c));
            }
            event(
                &mut out,
                &dtstamp,
                &Event {
                    uid: uid(&[
                        &u.arn,
                        &format!("{:?}", e.dated.action),
                        &key,
                        &e.dated.on.to_string(),
                    ]),
                    day: e.when,
                    summary: format!("{overdue}{}: {action}", u.user),
                    description: desc.join("\n"),
                    contact: u.owner.as_deref(),
                },
            );
        }
        if let Some(h) = u.hold.as_ref().filter(|h| h.needs_owner()) {
            event(
                &mut out,
                &dtstamp,
                &Event {
                    uid: uid(&[&u.arn, "hold", &format!("{h:?}")]),
                    day: today,
                    summary: format!("{}: key rotation on hold", u.user),
                    description: describe_hold(h),
                    contact: u.owner.as_deref(),
                },
            );
        }
    }
    for k in &p.root_keys {
        let slot = k.slot.map_or("key".to_string(), |s| format!("key {s}"));
        event(
            &mut out,
            &dtstamp,
            &Event {
                uid: uid(&[p.account.as_deref().unwrap_or("account"), "root", &slot]),
                day: today,
                summary: format!("Delete the root user's access {slot}"),
                description:
                    "Root access keys are never rotated: delete them and use IAM roles instead."
                        .into(),
                contact: None,
            },
        );
    }
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(60));
        fold(&line, &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end_matches("\r\n"), line);
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
