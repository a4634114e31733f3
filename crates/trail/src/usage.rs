//! Usage mining: per principal, the IAM actions its calls needed, on which resources,
//! when, how often, and how often it was refused.
//!
//! Workers aggregate by (principal, event source, event name), which needs no allocation
//! per event once a key has been seen; events become actions once, at the end, through the
//! catalog's event-to-action map.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use phiward_catalog::patterns::{fits_any, ArnFormat};
use phiward_catalog::{Catalog, EventMapping};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::event::{Event, PrincipalKind};
use crate::read::{FileOutcome, Problem};
use crate::resources::ResourceSet;
use crate::scan::{scan, Scanned, Sink};
use crate::time::{self, Epoch};

/// What to count.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Events before this time are not counted.
    pub since: Option<Epoch>,
    /// Events after this time are not counted.
    pub until: Epoch,
    /// Distinct resources kept per principal and event before they collapse into patterns.
    pub resource_limit: usize,
}

impl Options {
    /// The window of `window` seconds ending at `until`.
    pub fn window(until: Epoch, window: Option<i64>) -> Options {
        Options {
            since: window.map(|w| until.saturating_sub(w)),
            until,
            resource_limit: 256,
        }
    }
}

#[derive(Debug)]
struct EventAgg {
    count: u64,
    denied: u64,
    first: Epoch,
    last: Epoch,
    resources: ResourceSet,
}

#[derive(Debug)]
struct PrincipalAgg {
    kind: PrincipalKind,
    /// Keyed by `source\tname`.
    events: FxHashMap<Box<str>, EventAgg>,
}

/// Per-worker aggregate (a [`Sink`]).
#[derive(Debug)]
pub struct Aggregate {
    opts: Options,
    principals: FxHashMap<Box<str>, PrincipalAgg>,
    in_window: u64,
    outside_window: u64,
    key: String,
}

impl Aggregate {
    /// An empty aggregate.
    pub fn new(opts: Options) -> Aggregate {
        Aggregate {
            opts,
            principals: FxHashMap::default(),
            in_window: 0,
            outside_window: 0,
            key: String::new(),
        }
    }
}

/// Calls already grouped by principal and event (a lake's aggregate query), folded in as
/// [`Sink::event`] would have folded them one by one.
#[derive(Clone, Copy, Debug)]
pub struct Calls<'a> {
    /// The principal, as [`Event::principal`] names it.
    pub principal: &'a str,
    /// Its kind.
    pub kind: PrincipalKind,
    /// `eventSource`.
    pub source: &'a str,
    /// `eventName`.
    pub name: &'a str,
    /// Calls inside the window.
    pub count: u64,
    /// Of those, refused for lack of permission.
    pub denied: u64,
    /// First call.
    pub first: Epoch,
    /// Last call.
    pub last: Epoch,
}

impl Aggregate {
    /// The aggregate of one principal's event, made on first use. Allocates only then:
    /// the lake folds in one call per row.
    fn entry(
        &mut self,
        principal: &str,
        kind: PrincipalKind,
        source: &str,
        name: &str,
    ) -> Option<&mut EventAgg> {
        if !self.principals.contains_key(principal) {
            self.principals.insert(
                principal.into(),
                PrincipalAgg {
                    kind,
                    events: FxHashMap::default(),
                },
            );
        }
        self.key.clear();
        self.key.push_str(source);
        self.key.push('\t');
        self.key.push_str(name);
        let p = self.principals.get_mut(principal)?;
        if !p.events.contains_key(self.key.as_str()) {
            p.events.insert(
                self.key.as_str().into(),
                EventAgg {
                    count: 0,
                    denied: 0,
                    first: Epoch::MAX,
                    last: Epoch::MIN,
                    resources: ResourceSet::default(),
                },
            );
        }
        p.events.get_mut(self.key.as_str())
    }

    /// Folds in calls counted elsewhere (they are inside the window and readable).
    pub fn add_calls(&mut self, c: Calls<'_>) {
        self.in_window += c.count;
        if let Some(e) = self.entry(c.principal, c.kind, c.source, c.name) {
            e.count += c.count;
            e.denied += c.denied;
            e.first = e.first.min(c.first);
            e.last = e.last.max(c.last);
        }
    }

    /// Adds a resource of a successful call of `principal` (added with [`Aggregate::add_calls`]).
    pub fn add_resource(
        &mut self,
        principal: &str,
        kind: PrincipalKind,
        source: &str,
        name: &str,
        arn: &str,
    ) {
        let limit = self.opts.resource_limit;
        if let Some(e) = self.entry(principal, kind, source, name) {
            e.resources.insert(arn, limit);
        }
    }

    /// One call of `principal` at `at`, denied or not, with the resources of a successful
    /// call: [`Aggregate::add_calls`] and [`Aggregate::add_resource`] for one event, its
    /// aggregate looked up once.
    #[expect(
        clippy::too_many_arguments,
        reason = "one event's fields, as columns give them"
    )]
    pub fn add_event<'a>(
        &mut self,
        principal: &str,
        kind: PrincipalKind,
        source: &str,
        name: &str,
        at: Epoch,
        denied: bool,
        resources: impl IntoIterator<Item = &'a str>,
    ) {
        self.in_window += 1;
        let limit = self.opts.resource_limit;
        if let Some(e) = self.entry(principal, kind, source, name) {
            e.count += 1;
            e.first = e.first.min(at);
            e.last = e.last.max(at);
            if denied {
                e.denied += 1;
            } else {
                for arn in resources {
                    e.resources.insert(arn, limit);
                }
            }
        }
    }

    /// The events counted in the window so far.
    pub fn in_window(&self) -> u64 {
        self.in_window
    }

    /// Counts records outside the window, read elsewhere.
    pub fn add_outside_window(&mut self, n: u64) {
        self.outside_window += n;
    }
}

impl Sink for Aggregate {
    fn event(&mut self, path: &Path, index: usize, ev: &Event<'_>, out: &mut FileOutcome) {
        let Some(t) = ev.event_time.get().and_then(time::parse) else {
            out.problem(path, Some(index), "no valid `eventTime`");
            return;
        };
        if t > self.opts.until || self.opts.since.is_some_and(|s| t < s) {
            self.outside_window += 1;
            return;
        }
        let (Some(source), Some(name)) = (ev.event_source.get(), ev.event_name.get()) else {
            out.problem(path, Some(index), "no `eventSource` or `eventName`");
            return;
        };
        self.in_window += 1;
        let who = ev.principal();
        let p = match self.principals.get_mut(who.id.as_ref()) {
            Some(p) => p,
            None => self
                .principals
                .entry(who.id.as_ref().into())
                .or_insert_with(|| PrincipalAgg {
                    kind: who.kind,
                    events: FxHashMap::default(),
                }),
        };
        self.key.clear();
        self.key.push_str(source);
        self.key.push('\t');
        self.key.push_str(name);
        let e = match p.events.get_mut(self.key.as_str()) {
            Some(e) => e,
            None => p
                .events
                .entry(self.key.as_str().into())
                .or_insert(EventAgg {
                    count: 0,
                    denied: 0,
                    first: t,
                    last: t,
                    resources: ResourceSet::default(),
                }),
        };
        e.count += 1;
        e.first = e.first.min(t);
        e.last = e.last.max(t);
        if ev.denied() {
            e.denied += 1;
        } else if ev.error_code.get().is_none() {
            let limit = self.opts.resource_limit;
            ev.resource_arns(|a| e.resources.insert(a, limit));
        }
    }

    fn merge(&mut self, other: Aggregate) {
        self.in_window += other.in_window;
        self.outside_window += other.outside_window;
        let limit = self.opts.resource_limit;
        for (k, op) in other.principals {
            let p = self.principals.entry(k).or_insert_with(|| PrincipalAgg {
                kind: op.kind,
                events: FxHashMap::default(),
            });
            for (ek, oe) in op.events {
                match p.events.get_mut(&ek) {
                    Some(e) => {
                        e.count += oe.count;
                        e.denied += oe.denied;
                        e.first = e.first.min(oe.first);
                        e.last = e.last.max(oe.last);
                        e.resources.merge(oe.resources, limit);
                    }
                    None => {
                        p.events.insert(ek, oe);
                    }
                }
            }
        }
    }
}

/// One IAM action a principal used.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ActionUsage {
    /// `s3:GetObject`.
    pub action: String,
    /// Calls that needed it.
    pub count: u64,
    /// Of those, calls refused for lack of permission.
    pub denied: u64,
    /// First call.
    pub first_seen: String,
    /// Last call.
    pub last_seen: String,
    /// Resources of the successful calls (ARNs, or `prefix/*` patterns past the limit).
    pub resources: Vec<String>,
    /// The events that needed it (`s3.amazonaws.com:ListObjectsV2`).
    pub events: Vec<String>,
}

/// Events whose action the catalog does not know, or that need none.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventUsage {
    /// `source:name`.
    pub event: String,
    /// Calls made, allowed or not.
    pub count: u64,
    /// Refused calls.
    pub denied: u64,
}

/// What one principal did.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PrincipalUsage {
    /// The user's or role's ARN (sessions fold into their role), root's ARN, a service.
    pub principal: String,
    /// Its kind.
    pub kind: PrincipalKind,
    /// Calls in the window.
    pub calls: u64,
    /// Calls refused for lack of permission.
    pub denied: u64,
    /// First call.
    pub first_seen: String,
    /// Last call.
    pub last_seen: String,
    /// Actions used, sorted.
    pub actions: Vec<ActionUsage>,
    /// Events the catalog maps to no action.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_events: Vec<EventUsage>,
    /// Events that need no permission (console sign-in, `GetCallerIdentity`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub no_permission_events: Vec<EventUsage>,
}

/// The answer to `trail usage`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// Window start, when bounded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Window end.
    pub until: String,
    /// Log files read.
    pub files: u64,
    /// Records read.
    pub records: u64,
    /// Records counted (inside the window, readable).
    pub counted: u64,
    /// Records outside the window.
    pub outside_window: u64,
    /// Principals, sorted by ARN.
    pub principals: Vec<PrincipalUsage>,
    /// Files and records skipped.
    pub problems: Vec<Problem>,
    /// Problems beyond those listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub more_problems: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Usage {
    /// The principal with this ARN (or, for roles and users, name).
    pub fn principal(&self, arn_or_name: &str) -> Option<&PrincipalUsage> {
        self.principals
            .iter()
            .find(|p| p.principal == arn_or_name)
            .or_else(|| {
                self.principals.iter().find(|p| {
                    matches!(p.kind, PrincipalKind::User | PrincipalKind::Role)
                        && p.principal.rsplit('/').next() == Some(arn_or_name)
                })
            })
    }
}

/// Reads the files (in parallel on the current rayon pool) and mines their usage.
pub fn usage(paths: &[PathBuf], opts: Options, catalog: &Catalog) -> Usage {
    finish_usage(scan(paths, || Aggregate::new(opts)), opts, catalog)
}

/// The usage a scan aggregated: events become actions here, once per distinct event.
pub fn finish_usage(scanned: Scanned<Aggregate>, opts: Options, catalog: &Catalog) -> Usage {
    let agg = scanned.sink;
    let mut cache: FxHashMap<String, (Vec<String>, EventMapping)> = FxHashMap::default();
    let mut formats = Formats::default();
    let mut principals: Vec<PrincipalUsage> = agg
        .principals
        .into_iter()
        .map(|(id, p)| {
            finish(
                &id,
                p,
                catalog,
                &mut cache,
                &mut formats,
                opts.resource_limit,
            )
        })
        .collect();
    principals.sort_by(|a, b| a.principal.cmp(&b.principal));
    Usage {
        since: opts.since.map(time::format),
        until: time::format(opts.until),
        files: scanned.files,
        records: scanned.events,
        counted: agg.in_window,
        outside_window: agg.outside_window,
        principals,
        problems: scanned.problems,
        more_problems: scanned.more_problems,
    }
}

/// Each action's ARN formats, read once for every principal that used it.
#[derive(Default)]
struct Formats(FxHashMap<String, Vec<ArnFormat>>);

impl Formats {
    /// The resources that fit one of the action's resource types: CloudTrail lists an
    /// object's bucket beside the object, which `s3:GetObject` does not take. All of them
    /// when none fit (a type the catalog formats differently), so nothing observed is lost.
    fn fitting(&mut self, catalog: &Catalog, action: &str, resources: Vec<String>) -> Vec<String> {
        if resources.is_empty() {
            return resources;
        }
        if !self.0.contains_key(action) {
            let formats = catalog
                .action(action)
                .map(|a| {
                    a.resource_types()
                        .flat_map(|(t, _)| t.arn_formats())
                        .map(ArnFormat::new)
                        .collect()
                })
                .unwrap_or_default();
            self.0.insert(action.to_string(), formats);
        }
        let formats = self.0.get(action).map(Vec::as_slice).unwrap_or_default();
        if formats.is_empty() {
            return resources;
        }
        let fit: Vec<String> = resources
            .iter()
            .filter(|r| fits_any(formats, r))
            .cloned()
            .collect();
        if fit.is_empty() {
            resources
        } else {
            fit
        }
    }
}

struct ActionAgg {
    count: u64,
    denied: u64,
    first: Epoch,
    last: Epoch,
    resources: ResourceSet,
    events: Vec<String>,
}

fn finish(
    id: &str,
    p: PrincipalAgg,
    catalog: &Catalog,
    cache: &mut FxHashMap<String, (Vec<String>, EventMapping)>,
    formats: &mut Formats,
    limit: usize,
) -> PrincipalUsage {
    let mut actions: BTreeMap<String, ActionAgg> = BTreeMap::new();
    let mut unknown = Vec::new();
    let mut none = Vec::new();
    let (mut calls, mut denied, mut first, mut last) = (0, 0, Epoch::MAX, Epoch::MIN);
    for (key, mut e) in p.events {
        let (source, name) = key.split_once('\t').unwrap_or((&key, ""));
        calls += e.count;
        denied += e.denied;
        first = first.min(e.first);
        last = last.max(e.last);
        let (names, mapping) = cache
            .entry(key.to_string())
            .or_insert_with(|| {
                let m = catalog.actions_for_event(source, name);
                (m.actions.iter().map(|a| a.full_name()).collect(), m.mapping)
            })
            .clone();
        let event = format!("{source}:{name}");
        if names.is_empty() {
            let u = EventUsage {
                event,
                count: e.count,
                denied: e.denied,
            };
            if mapping == EventMapping::NoPermission {
                none.push(u);
            } else {
                unknown.push(u);
            }
            continue;
        }
        let last = names.len().saturating_sub(1);
        for (k, a) in names.into_iter().enumerate() {
            let agg = actions.entry(a).or_insert_with(|| ActionAgg {
                count: 0,
                denied: 0,
                first: e.first,
                last: e.last,
                resources: ResourceSet::default(),
                events: Vec::new(),
            });
            agg.count += e.count;
            agg.denied += e.denied;
            agg.first = agg.first.min(e.first);
            agg.last = agg.last.max(e.last);
            // Most events map to one action: the event's resources move to it.
            let resources = if k == last {
                std::mem::take(&mut e.resources)
            } else {
                e.resources.clone()
            };
            agg.resources.merge(resources, limit);
            agg.events.push(event.clone());
        }
    }
    unknown.sort_by(|a, b| a.event.cmp(&b.event));
    none.sort_by(|a, b| a.event.cmp(&b.event));
    PrincipalUsage {
        principal: id.to_string(),
        kind: p.kind,
        calls,
        denied,
        first_seen: time::format(first),
        last_seen: time::format(last),
        actions: actions
            .into_iter()
            .map(|(action, mut a)| {
                a.events.sort();
                let resources = formats.fitting(catalog, &action, a.resources.sorted());
                ActionUsage {
                    action,
                    count: a.count,
                    denied: a.denied,
                    first_seen: time::format(a.first),
                    last_seen: time::format(a.last),
                    resources,
                    events: a.events,
                }
            })
            .collect(),
        unknown_events: unknown,
        no_permission_events: none,
    }
}
