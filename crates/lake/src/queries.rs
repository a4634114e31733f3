//! `trail usage` (and through it `unused` and `policy`) and the audit's log review,
//! answered from the lake with the answers the raw logs give.
//!
//! Usage is one scan of the window's events (who, which event, when, denied, resources)
//! folded row by row into `phiward_trail`'s own aggregate, which maps events to actions and
//! collapses resources as it does for raw logs; on a Ballista cluster, where rows would
//! cross the network, it is two aggregate queries (calls per principal and event; distinct
//! resources of successful calls) run by the executors instead. Detections select
//! the few events a detection can concern (by name, or root's) and hand them, rebuilt as
//! events, to `phiward_trail`'s detector. Counts and problems about files (unreadable
//! files, records without a time) come from the manifest, since they have no row.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use phiward_catalog::Catalog;
use phiward_trail::detect::{self, Detections, Finder};
use phiward_trail::event::{
    AdditionalEventData, Event, EventResource, Lenient, List, RequestParameters, ResponseElements,
    SessionAttributes, SessionContext, SessionIssuer, Str, UserIdentity,
};
use phiward_trail::read::{FileOutcome, Problem};
use phiward_trail::review::Review;
use phiward_trail::scan::{Scanned, Sink};
use phiward_trail::time::{self, Epoch};
use phiward_trail::usage::{self, Aggregate, Calls, Usage};

use crate::columns::{bools, column, ints, lists, text, times, Texts};
use crate::engine::Lake;
use crate::error::LakeError;
use crate::rows::kind_of;

/// Problems kept in an answer (as `phiward_trail::scan` keeps them); the rest are counted.
const MAX_PROBLEMS: usize = 1000;

/// What to read: pushed down to partitions (day, account) and Parquet statistics.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Events before this time are left out.
    pub since: Option<Epoch>,
    /// Events after this time are left out.
    pub until: Option<Epoch>,
    /// Only these accounts (partition `account`); empty for all.
    pub accounts: Vec<String>,
    /// Only these principals (`principal`, as `trail usage` names them); empty for all.
    pub principals: Vec<String>,
}

/// A SQL string literal.
pub(crate) fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn day(t: Epoch) -> String {
    time::format(t).get(..10).unwrap_or("").to_string()
}

impl Filter {
    /// The filter as a SQL condition on `events` (`TRUE` when empty).
    pub fn sql(&self) -> String {
        let mut c = vec!["TRUE".to_string()];
        if let Some(s) = self.since {
            c.push(format!("day >= '{}'", day(s)));
            c.push(format!(
                "event_time >= to_timestamp_millis({})",
                s.saturating_mul(1000)
            ));
        }
        if let Some(u) = self.until {
            c.push(format!("day <= '{}'", day(u)));
            c.push(format!(
                "event_time <= to_timestamp_millis({})",
                u.saturating_mul(1000)
            ));
        }
        for (col, vals) in [("account", &self.accounts), ("principal", &self.principals)] {
            if !vals.is_empty() {
                let v: Vec<String> = vals.iter().map(|x| quote(x)).collect();
                c.push(format!("{col} IN ({})", v.join(", ")));
            }
        }
        c.join(" AND ")
    }

    fn without_time(&self) -> Filter {
        Filter {
            since: None,
            until: None,
            ..self.clone()
        }
    }
}

/// The records of one file in the problems of an answer: reading problems as the reader
/// reported them, then the record problems (no time; in the window without source or
/// name), the first few by index.
#[derive(Default)]
struct FileProblems {
    records: Vec<(usize, &'static str)>,
    more: u64,
}

impl Lake {
    fn problems(&self, missing: Vec<(String, usize)>) -> (Vec<Problem>, u64) {
        let mut by_file: BTreeMap<&str, FileProblems> = BTreeMap::new();
        for f in self.manifest().files.values() {
            if f.no_time_count > 0 {
                let e = by_file.entry(f.name.as_str()).or_default();
                e.records
                    .extend(f.no_time.iter().map(|&i| (i, "no valid `eventTime`")));
                e.more += f.no_time_count - f.no_time.len() as u64;
            }
        }
        let names: BTreeMap<&str, &str> = self
            .manifest()
            .files
            .values()
            .map(|f| (f.name.as_str(), f.name.as_str()))
            .collect();
        for (file, record) in &missing {
            if let Some(name) = names.get(file.as_str()) {
                by_file
                    .entry(name)
                    .or_default()
                    .records
                    .push((*record, "no `eventSource` or `eventName`"));
            }
        }
        let mut out = Vec::new();
        let mut more = 0;
        for f in self.manifest().files.values() {
            let path = PathBuf::from(&f.name);
            out.extend(f.problems.iter().map(|p| Problem {
                path: path.clone(),
                record: p.record,
                message: p.message.clone(),
            }));
            more += f.more_problems;
        }
        for (name, mut p) in by_file {
            p.records.sort();
            let mut o = FileOutcome::default();
            for (i, m) in p.records {
                o.problem(Path::new(name), Some(i), m);
            }
            out.extend(o.problems);
            more += o.more_problems + p.more;
        }
        out.sort_by(|a, b| (&a.path, a.record).cmp(&(&b.path, b.record)));
        if out.len() > MAX_PROBLEMS {
            more += (out.len() - MAX_PROBLEMS) as u64;
            out.truncate(MAX_PROBLEMS);
        }
        (out, more)
    }

    /// The per-event calls and resources of the window, folded into an aggregate, with
    /// the problems of the answer.
    fn aggregate(
        &self,
        opts: usage::Options,
        filter: &Filter,
    ) -> Result<Scanned<Aggregate>, LakeError> {
        let f = Filter {
            since: opts.since,
            until: Some(opts.until),
            ..filter.clone()
        };
        let w = f.sql();
        let named = "event_source IS NOT NULL AND event_name IS NOT NULL";
        let mut agg = Aggregate::new(opts);
        let mut miss = Vec::new();
        if self.remote() {
            self.aggregate_remote(&w, named, &mut agg)?;
            let missing = self.sql(&format!(
                "SELECT file, record FROM events WHERE {w} AND NOT ({named})"
            ))?;
            for b in &missing.batches {
                let (file, rec) = (text(b, "file")?, ints(b, "record")?);
                for (i, r) in rec.iter().enumerate().take(b.num_rows()) {
                    miss.push((file.value(i).to_string(), *r as usize));
                }
            }
        } else {
            miss = self.aggregate_scan(&w, named, opts, &mut agg)?;
        }
        let total = if filter.accounts.is_empty() && filter.principals.is_empty() {
            self.manifest().files.values().map(|f| f.rows).sum()
        } else {
            self.count(&filter.without_time().sql())?
        };
        // The window's events: those with a name (counted as calls) and those without.
        let in_window = agg.in_window() + miss.len() as u64;
        agg.add_outside_window(total.saturating_sub(in_window));
        let (problems, more_problems) = self.problems(miss);
        Ok(Scanned {
            sink: agg,
            files: self.manifest().files.len() as u64,
            events: self.manifest().files.values().map(|f| f.records).sum(),
            problems,
            more_problems,
        })
    }

    /// The window's events, one row each, into `agg`: each partition of the scan folded
    /// as it is decoded into its own aggregate, then merged (the merged answer is the same
    /// in any order: `phiward_trail::resources`). Returns the events without a source or
    /// name (file and record), which are problems, not calls: one scan answers both.
    fn aggregate_scan(
        &self,
        w: &str,
        named: &str,
        opts: usage::Options,
        agg: &mut Aggregate,
    ) -> Result<Vec<(String, usize)>, LakeError> {
        let parts = self.fold(
            &format!(
                "SELECT principal, principal_kind, event_source, event_name, event_time, denied, \
                 error_code IS NULL AS ok, resource_arns, {named} AS named, \
                 CASE WHEN NOT ({named}) THEN file END AS unnamed_file, record \
                 FROM events WHERE {w}"
            ),
            move || (Aggregate::new(opts), Vec::new()),
            |(a, m), b| fold(b, a, m),
        )?;
        let mut missing = Vec::new();
        for (a, m) in parts {
            agg.merge(a);
            missing.extend(m);
        }
        Ok(missing)
    }
    /// The window's calls and resources aggregated by the cluster's executors, into `agg`.
    fn aggregate_remote(&self, w: &str, named: &str, agg: &mut Aggregate) -> Result<(), LakeError> {
        let calls = self.sql(&format!(
            "SELECT principal, principal_kind, event_source, event_name, count(*) AS calls, \
             sum(CASE WHEN denied THEN 1 ELSE 0 END) AS denied, \
             min(event_time) AS first_seen, max(event_time) AS last_seen \
             FROM events WHERE {w} AND {named} \
             GROUP BY principal, principal_kind, event_source, event_name"
        ))?;
        // In no particular order: a principal's resource set depends only on which ARNs
        // it is given (`phiward_trail::resources`), as the raw reader's does.
        let resources = self.sql(&format!(
            "SELECT DISTINCT principal, principal_kind, event_source, event_name, r FROM \
             (SELECT principal, principal_kind, event_source, event_name, unnest(resource_arns) AS r \
              FROM events WHERE {w} AND {named} AND error_code IS NULL)"
        ))?;
        for b in &calls.batches {
            let (p, k, s, n) = (
                text(b, "principal")?,
                text(b, "principal_kind")?,
                text(b, "event_source")?,
                text(b, "event_name")?,
            );
            let (c, d) = (ints(b, "calls")?, ints(b, "denied")?);
            let (first, last) = (times(b, "first_seen")?, times(b, "last_seen")?);
            for i in 0..b.num_rows() {
                agg.add_calls(Calls {
                    principal: p.value(i),
                    kind: kind_of(k.value(i)),
                    source: s.value(i),
                    name: n.value(i),
                    count: c[i],
                    denied: d[i],
                    first: first.value(i).div_euclid(1000),
                    last: last.value(i).div_euclid(1000),
                });
            }
        }
        for b in &resources.batches {
            let (p, k, s, n, r) = (
                text(b, "principal")?,
                text(b, "principal_kind")?,
                text(b, "event_source")?,
                text(b, "event_name")?,
                text(b, "r")?,
            );
            for i in 0..b.num_rows() {
                if let Some(arn) = r.get(i) {
                    agg.add_resource(p.value(i), kind_of(k.value(i)), s.value(i), n.value(i), arn);
                }
            }
        }
        Ok(())
    }

    fn count(&self, condition: &str) -> Result<u64, LakeError> {
        let t = self.sql(&format!(
            "SELECT count(*) AS n FROM events WHERE {condition}"
        ))?;
        Ok(t.batches
            .first()
            .map(|b| ints(b, "n"))
            .transpose()?
            .and_then(|v| v.first().copied())
            .unwrap_or(0))
    }

    /// `trail usage` from the lake: what `phiward_trail::usage::usage` answers from the
    /// logs the lake was compacted from.
    pub fn usage(
        &self,
        opts: usage::Options,
        filter: &Filter,
        catalog: &Catalog,
    ) -> Result<Usage, LakeError> {
        Ok(usage::finish_usage(
            self.aggregate(opts, filter)?,
            opts,
            catalog,
        ))
    }

    /// The audit's review (detections and usage) from the lake.
    pub fn review(
        &self,
        detect_opts: &detect::Options,
        opts: usage::Options,
        filter: &Filter,
        catalog: &Catalog,
    ) -> Result<Review, LakeError> {
        let scanned = self.aggregate(opts, filter)?;
        let detections = self.detections(detect_opts, filter, &scanned)?;
        Ok(Review {
            detections,
            usage: usage::finish_usage(scanned, opts, catalog),
        })
    }

    fn detections(
        &self,
        opts: &detect::Options,
        filter: &Filter,
        usage: &Scanned<Aggregate>,
    ) -> Result<Detections, LakeError> {
        let f = Filter {
            since: opts.since,
            until: opts.until,
            ..filter.clone()
        };
        let names: Vec<String> = detect::event_names().into_iter().map(quote).collect();
        let t = self.sql(&format!(
            "SELECT * FROM events WHERE {} AND (event_name IN ({}) OR principal_kind = 'root') \
             ORDER BY file, record",
            f.sql(),
            names.join(", ")
        ))?;
        let mut finder = Finder::new(opts);
        let mut scratch = FileOutcome::default();
        for b in &t.batches {
            rebuild(b, |file, record, ev| {
                finder.event(Path::new(file), record, ev, &mut scratch);
            })?;
        }
        Ok(detect::finish_detections(Scanned {
            sink: finder,
            files: usage.files,
            events: usage.events,
            problems: usage.problems.clone(),
            more_problems: usage.more_problems,
        }))
    }
}

/// One batch of the usage scan, row by row, into `agg`; events without a source or name
/// into `missing`.
fn fold(
    b: &RecordBatch,
    agg: &mut Aggregate,
    missing: &mut Vec<(String, usize)>,
) -> Result<(), LakeError> {
    let (p, k, s, n) = (
        text(b, "principal")?,
        text(b, "principal_kind")?,
        text(b, "event_source")?,
        text(b, "event_name")?,
    );
    let t = times(b, "event_time")?;
    let denied = bools(b, "denied")?;
    let ok = bools(b, "ok")?;
    let arns = column(b, "resource_arns")?;
    let arns = arns
        .as_list_opt::<i32>()
        .ok_or_else(|| LakeError::Query("`resource_arns` is not a list".into()))?;
    let values = Texts::of(arns.values())?;
    let offsets = arns.value_offsets();
    let named = bools(b, "named")?;
    let unnamed_file = text(b, "unnamed_file")?;
    let record = if named.false_count() > 0 {
        ints(b, "record")?
    } else {
        Vec::new()
    };
    for i in 0..b.num_rows() {
        if !named.value(i) {
            let r = record.get(i).copied().unwrap_or(0) as usize;
            missing.push((unnamed_file.value(i).to_string(), r));
            continue;
        }
        let (principal, kind) = (p.value(i), kind_of(k.value(i)));
        let (source, name) = (s.value(i), n.value(i));
        let at = t.value(i).div_euclid(1000);
        // Resources of successful calls only, as the raw reader keeps them.
        let (from, to) = if ok.value(i) && !arns.is_null(i) {
            (offsets[i] as usize, offsets[i + 1] as usize)
        } else {
            (0, 0)
        };
        let listed = (from..to).filter_map(|j| values.get(j));
        agg.add_event(principal, kind, source, name, at, denied.value(i), listed);
    }
    Ok(())
}

/// Each row of a batch of `events` as the event it was read from (the fields phiward
/// reads), with its file and record index.
fn rebuild(b: &RecordBatch, mut f: impl FnMut(&str, usize, &Event<'_>)) -> Result<(), LakeError> {
    let c = |n: &str| text(b, n);
    let (source, name, id, region, etype, error, ip, agent, recipient) = (
        c("event_source")?,
        c("event_name")?,
        c("event_id")?,
        c("aws_region")?,
        c("event_type")?,
        c("error_code")?,
        c("source_ip")?,
        c("user_agent")?,
        c("recipient_account_id")?,
    );
    let (itype, iarn, iacct, uname, invoked, stype, sarn, smfa) = (
        c("identity_type")?,
        c("identity_arn")?,
        c("identity_account")?,
        c("user_name")?,
        c("invoked_by")?,
        c("session_issuer_type")?,
        c("session_issuer")?,
        c("mfa_authenticated")?,
    );
    let (bucket, key, role, target, login, mfa_used, file) = (
        c("bucket_name")?,
        c("object_key")?,
        c("role_arn")?,
        c("target_user_name")?,
        c("console_login")?,
        c("mfa_used")?,
        c("file")?,
    );
    let record = ints(b, "record")?;
    let ro = bools(b, "read_only")?;
    let when = times(b, "event_time")?;
    let resources = lists(b, "resources")?;
    fn s<'a>(a: &'a Texts<'_>, i: usize) -> Str<'a> {
        Str(a.get(i).map(Cow::Borrowed))
    }
    for (i, arns) in resources.iter().enumerate().take(b.num_rows()) {
        let ev = Event {
            event_time: Str(Some(Cow::Owned(time::format(
                when.value(i).div_euclid(1000),
            )))),
            event_source: s(&source, i),
            event_name: s(&name, i),
            event_id: s(&id, i),
            aws_region: s(&region, i),
            event_type: s(&etype, i),
            error_code: s(&error, i),
            read_only: Str(
                (!ro.is_null(i)).then(|| Cow::Borrowed(if ro.value(i) { "true" } else { "false" }))
            ),
            source_ip_address: s(&ip, i),
            user_agent: s(&agent, i),
            recipient_account_id: s(&recipient, i),
            user_identity: Lenient(UserIdentity {
                kind: s(&itype, i),
                arn: s(&iarn, i),
                account_id: s(&iacct, i),
                user_name: s(&uname, i),
                invoked_by: s(&invoked, i),
                session_context: Lenient(SessionContext {
                    session_issuer: Lenient(SessionIssuer {
                        kind: s(&stype, i),
                        arn: s(&sarn, i),
                    }),
                    attributes: Lenient(SessionAttributes {
                        mfa_authenticated: s(&smfa, i),
                    }),
                }),
            }),
            resources: List(
                arns.iter()
                    .map(|a| {
                        Lenient(EventResource {
                            arn: Str(Some(Cow::Borrowed(a.as_str()))),
                        })
                    })
                    .collect(),
            ),
            request_parameters: Lenient(RequestParameters {
                bucket_name: s(&bucket, i),
                key: s(&key, i),
                role_arn: s(&role, i),
                user_name: s(&target, i),
            }),
            response_elements: Lenient(ResponseElements {
                console_login: s(&login, i),
            }),
            additional_event_data: Lenient(AdditionalEventData {
                mfa_used: s(&mfa_used, i),
            }),
        };
        f(
            file.value(i),
            record.get(i).copied().unwrap_or(0) as usize,
            &ev,
        );
    }
    Ok(())
}
