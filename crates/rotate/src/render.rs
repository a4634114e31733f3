//! The plan as text and CSV (JSON is the plan serialized; iCalendar is in `ics`).

use std::fmt::Write as _;

use crate::consumers::Consumer;
use crate::plan::{describe_action, describe_hold, KeyPlan, Place, Plan};
use crate::schedule::Schedule;

fn place(p: Place) -> &'static str {
    match p {
        Place::Current => "current",
        Place::Outgoing => "outgoing",
        Place::Retired => "retired",
    }
}

fn consumer_line(c: &Consumer) -> String {
    let mut parts = vec![format!("{} calls", c.calls)];
    if !c.sources.is_empty() {
        parts.push(format!("from {}", Consumer::top(&c.sources, 3)));
    }
    if !c.user_agents.is_empty() {
        parts.push(format!("agents {}", Consumer::top(&c.user_agents, 2)));
    }
    if let Some(l) = &c.last_seen {
        parts.push(format!("last {l}"));
    }
    parts.join("; ")
}

/// The schedule in one sentence.
pub fn schedule_line(s: &Schedule) -> String {
    let cycle = if s.is_calendar() {
        let days: Vec<String> = s.start_days.iter().map(|d| ordinal(*d)).collect();
        format!(
            "a new key on the {} of every month, each active until {} days after its successor is created",
            days.join(" and the "),
            s.overlap_days
        )
    } else {
        format!(
            "each key active {} days, {} days of overlap, a new key every {} days from {}",
            s.period_days,
            s.overlap_days,
            s.step(),
            s.anchor_day
        )
    };
    format!(
        "{cycle}; an inactive key is deleted after {} days unused",
        s.delete_after_days
    )
}

fn ordinal(d: u32) -> String {
    let suffix = match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{d}{suffix}")
}

/// The plan for a terminal or a file.
pub fn text(p: &Plan) -> String {
    let s = &p.schedule;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Access-key rotation plan{} as of {} (calendar to {})",
        p.account
            .as_deref()
            .map(|a| format!(" for account {a}"))
            .unwrap_or_default(),
        p.as_of.format("%Y-%m-%d %H:%M UTC"),
        p.until
    );
    let _ = writeln!(o, "Schedule: {}", schedule_line(s));
    for u in &p.users {
        let _ = writeln!(o);
        let owner = u
            .owner
            .as_deref()
            .map(|o| format!(" (owner {o})"))
            .unwrap_or_default();
        let mark = if u.needs_attention() {
            "  [out of schedule]"
        } else {
            ""
        };
        let _ = writeln!(o, "{}{owner}{mark}", u.user);
        for k in &u.keys {
            key_text(&mut o, k);
        }
        if let Some(c) = &u.other_calls {
            let _ = writeln!(o, "  calls without a long-term key: {}", consumer_line(c));
        }
        if let Some(h) = &u.hold {
            let _ = writeln!(o, "  on hold: {}", describe_hold(h));
        }
        if !u.calendar.is_empty() {
            let _ = writeln!(o, "  calendar:");
        }
        for e in &u.calendar {
            let late = if e.overdue() {
                format!(" (due {})", e.dated.on)
            } else {
                String::new()
            };
            let _ = writeln!(
                o,
                "    {}  {}{late}",
                e.when,
                describe_action(&e.dated.action)
            );
        }
    }
    if !p.root_keys.is_empty() {
        let _ = writeln!(o, "\nRoot user's access keys (never rotated: delete them):");
        for k in &p.root_keys {
            let _ = writeln!(
                o,
                "  {}: {}, created {}, last used {}",
                k.slot.map_or("a key".to_string(), |s| format!("key {s}")),
                match k.active {
                    Some(true) => "active",
                    Some(false) => "inactive",
                    None => "status unknown",
                },
                k.created.map_or("unknown".into(), |d| d.to_string()),
                k.last_used.map_or("never".into(), |d| d.to_string()),
            );
        }
    }
    if !p.exempt.is_empty() {
        let _ = writeln!(o, "\nExempt from rotation:");
        for e in &p.exempt {
            let _ = writeln!(o, "  {} ({} keys): {}", e.user, e.keys, e.reason);
        }
    }
    let due = p.users.iter().filter(|u| !u.calendar.is_empty()).count();
    let late = p.users.iter().filter(|u| u.needs_attention()).count();
    let _ = writeln!(
        o,
        "\n{} users with keys, {} with dates in the calendar, {} out of schedule or on hold; {} root keys; {} exempt",
        p.users.len(),
        due,
        late,
        p.root_keys.len(),
        p.exempt.len()
    );
    if let Some(l) = &p.logs {
        let _ = writeln!(
            o,
            "CloudTrail: {} files read, {} problems",
            l.files,
            l.problems.len()
        );
    }
    for n in &p.notes {
        let _ = writeln!(o, "note: {n}");
    }
    o
}

fn key_text(o: &mut String, k: &KeyPlan) {
    let _ = writeln!(
        o,
        "  {:<22} {:<8} created {}  last used {}  period {} to {}",
        k.id,
        place(k.place),
        k.created,
        k.last_used.map_or("never".into(), |d| d.to_string()),
        k.period.0,
        k.period.1
    );
    for w in &k.out_of_schedule {
        let _ = writeln!(o, "      out of schedule: {w}");
    }
    if let Some(n) = &k.next {
        let what = match (&n.action, k.place) {
            (crate::planner::Action::Create, _) => "replaced by a new key".to_string(),
            (a, _) => describe_action(a),
        };
        let _ = writeln!(o, "      next: {what} on {}", n.on);
    }
    if let Some(c) = &k.consumers {
        let _ = writeln!(o, "      consumers: {}", consumer_line(c));
    }
}

/// One row per key (and per root key), for spreadsheets.
pub fn csv(p: &Plan) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "user",
        "owner",
        "key",
        "place",
        "created",
        "last_used",
        "period_start",
        "period_end",
        "next_action",
        "next_date",
        "out_of_schedule",
        "hold",
        "consumer_sources",
        "consumer_user_agents",
    ])?;
    for u in &p.users {
        let hold = u.hold.as_ref().map(describe_hold).unwrap_or_default();
        for k in &u.keys {
            let (sources, agents) =
                k.consumers
                    .as_ref()
                    .map_or((String::new(), String::new()), |c| {
                        (
                            Consumer::top(&c.sources, 10),
                            Consumer::top(&c.user_agents, 10),
                        )
                    });
            w.write_record([
                u.user.as_str(),
                u.owner.as_deref().unwrap_or(""),
                &k.id,
                place(k.place),
                &k.created.to_string(),
                &k.last_used.map(|d| d.to_string()).unwrap_or_default(),
                &k.period.0.to_string(),
                &k.period.1.to_string(),
                &k.next
                    .as_ref()
                    .map(|n| describe_action(&n.action))
                    .unwrap_or_default(),
                &k.next
                    .as_ref()
                    .map(|n| n.on.to_string())
                    .unwrap_or_default(),
                &k.out_of_schedule.join("; "),
                &hold,
                &sources,
                &agents,
            ])?;
        }
    }
    for k in &p.root_keys {
        w.write_record([
            "<root_account>",
            "",
            &k.slot.map_or("key".into(), |s| format!("key {s}")),
            "root",
            &k.created.map(|d| d.to_string()).unwrap_or_default(),
            &k.last_used.map(|d| d.to_string()).unwrap_or_default(),
            "",
            "",
            "delete the root user's access key",
            &p.as_of.date_naive().to_string(),
            "root keys are never rotated",
            "",
            "",
            "",
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
