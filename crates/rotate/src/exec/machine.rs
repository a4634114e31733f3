//! One user's run: read AWS, the store and the journal; decide the next step; do it
//! with a journal entry before and after; check the invariants; repeat until nothing
//! is due.

use chrono::{DateTime, Duration, Utc};

use super::aws::AwsKey;
use super::journal::{Entry, History, Lock, Op, Phase};
use super::{wall, End, ExecError, Executor, Fault, Outcome};
use crate::plan::{describe_action, describe_hold, exemption};
use crate::planner::{decide, in_use, Action, Hold, KeyFacts, Options as PlanOptions};

/// A create's key appears in IAM within this long of its journal intent (by the
/// machine's clock); a key outside the window is never taken for the create's orphan.
const ORPHAN_WINDOW_MINUTES: i64 = 10;

/// What one run knows of a user.
#[derive(Clone, Debug)]
struct Facts {
    keys: Vec<AwsKey>,
    /// The key the store holds (read back) or, for a store that cannot be read, the
    /// journal's last stored key; only when that key still exists.
    stored: Option<String>,
    history: History,
}

impl Facts {
    fn active(&self) -> impl Iterator<Item = &AwsKey> {
        self.keys.iter().filter(|k| k.active)
    }

    fn key(&self, id: &str) -> Option<&AwsKey> {
        self.keys.iter().find(|k| k.id == id)
    }
}

/// The next step.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    /// Create, store (or roll back).
    Create,
    /// Deactivate a key.
    Deactivate(String),
    /// Delete an inactive key.
    Delete(String),
    /// A key an interrupted create left, its secret never stored: deactivate, delete.
    RemoveOrphan(String),
    /// An interrupted create whose key was stored after all: record it.
    Recover(String),
    /// An interrupted create that made no key: close it.
    Close,
}

fn describe(step: &Step, store: &str) -> String {
    match step {
        Step::Create => format!("create a new key and store it in {store}"),
        Step::Deactivate(k) => format!("deactivate `{k}`"),
        Step::Delete(k) => format!("delete `{k}`"),
        Step::RemoveOrphan(k) => {
            format!("remove `{k}`, created by an interrupted run and never stored")
        }
        Step::Recover(k) => format!("record `{k}`, stored by an interrupted run"),
        Step::Close => "close a create that an interrupted run left without a key".into(),
    }
}

struct Run<'a> {
    ex: &'a Executor,
    user: &'a str,
    arn: String,
    store: super::Store,
    now: DateTime<Utc>,
    point: usize,
    steps: Vec<String>,
}

pub(super) async fn run(ex: &Executor, user: &str) -> Outcome {
    let mut r = Run {
        ex,
        user,
        arn: String::new(),
        store: ex.opts.store.for_user(user),
        now: ex.now(),
        point: 0,
        steps: Vec::new(),
    };
    let end = match r.go().await {
        Ok(end) => end,
        Err(e) => End::Failed(e.to_string()),
    };
    Outcome {
        user: user.to_string(),
        steps: r.steps,
        end,
    }
}

impl Run<'_> {
    async fn go(&mut self) -> Result<End, ExecError> {
        let aws = &self.ex.aws;
        let (arn, tags) = aws.get_user(self.user).await?;
        self.arn = arn;
        let groups = aws.groups(self.user).await?;
        let mut config = phiward_checks::Config::default();
        config
            .rotation
            .exempt_tag
            .clone_from(&self.ex.opts.exempt_tag);
        config
            .rotation
            .exempt_groups
            .clone_from(&self.ex.opts.exempt_groups);
        if let Some(why) = exemption(&config, &tags, &groups) {
            return Ok(End::Exempt(why));
        }
        let dry = self.ex.opts.dry_run;
        let _lock = if dry {
            None
        } else {
            Some(Lock::take(self.ex.journal.path(), self.user)?)
        };
        let deadline = self.ex.opts.wait.map(|w| std::time::Instant::now() + w);
        let mut facts = self.read().await?;
        for _ in 0..16 {
            if facts.keys.is_empty() && facts.history.open_create.is_none() {
                return Ok(End::NoKeys);
            }
            let step = match self.next(&facts) {
                Ok(step) => step,
                Err(End::Waiting(_))
                    if !dry && deadline.is_some_and(|d| std::time::Instant::now() < d) =>
                {
                    tokio::time::sleep(self.ex.opts.poll).await;
                    if self.ex.opts.now.is_none() {
                        self.now = wall();
                    }
                    facts = self.read().await?;
                    continue;
                }
                Err(end) => return Ok(end),
            };
            let what = describe(&step, &self.store.describe());
            if dry {
                self.steps.push(format!("would {what}"));
                simulate(&mut facts, &step, self.now);
                continue;
            }
            let before = facts.clone();
            self.execute(&step, &facts).await?;
            self.steps.push(what);
            self.point(&format!("after: {}", describe(&step, "the store")))?;
            // IAM is eventually consistent: a step's effect may show a moment late, so
            // a failed check is read again before it stops the run.
            let mut tries = 0;
            loop {
                facts = self.read().await?;
                match self.check(&before, &step, &facts) {
                    Ok(()) => break,
                    Err(_) if tries < 3 => {
                        tries += 1;
                        tokio::time::sleep(std::time::Duration::from_secs(1 << tries)).await;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(End::Failed("too many steps in one run: stopped".into()))
    }

    /// A test's fault point.
    fn point(&mut self, label: &str) -> Result<(), ExecError> {
        let n = self.point;
        self.point += 1;
        let fault = self
            .ex
            .opts
            .faults
            .as_ref()
            .and_then(|h| h.at(self.user, n, label));
        match fault {
            None => Ok(()),
            Some(Fault::Error) => Err(ExecError::Fault {
                point: n,
                label: label.to_string(),
            }),
            Some(Fault::Crash) => Err(ExecError::Crash {
                point: n,
                label: label.to_string(),
            }),
        }
    }

    fn entry(&self, op: Op, phase: Phase, key: Option<&str>) -> Entry {
        Entry {
            at: self.now,
            wall: wall(),
            run: self.ex.run.clone(),
            user: self.user.to_string(),
            op,
            phase,
            key: key.map(str::to_string),
            existing: Vec::new(),
            store: None,
            detail: None,
        }
    }

    fn journal(&self, e: Entry) -> Result<(), ExecError> {
        if self.ex.opts.dry_run {
            return Ok(());
        }
        self.ex.journal.write(&e)
    }

    /// Reads the keys (with CloudTrail's uses added), the store and the journal. An
    /// inactive key with no deactivation on record is recorded as seen now, so that its
    /// grace before deletion starts.
    async fn read(&self) -> Result<Facts, ExecError> {
        let mut keys = self.ex.aws.keys(self.user).await?;
        if let Some(c) = &self.ex.opts.consumers {
            for k in &mut keys {
                let seen = c
                    .by_key
                    .get(&k.id)
                    .and_then(|x| x.last_seen.as_deref())
                    .and_then(|t| t.parse::<DateTime<Utc>>().ok());
                if seen > k.last_used {
                    k.last_used = seen;
                }
            }
        }
        let (entries, _torn) = self.ex.journal.entries(self.user)?;
        let mut history = History::of(&entries);
        // A key this journal's runs created is scheduled from the run's clock (the same
        // as IAM's, but for `--at`).
        for k in &mut keys {
            if let Some(t) = history.created_at(&k.id) {
                k.created = k.created.max(t);
            }
        }
        for k in keys.iter().filter(|k| !k.active) {
            if history.deactivated_at(&k.id).is_none() {
                self.journal(self.entry(Op::Observe, Phase::Done, Some(&k.id)))?;
                history.deactivated.push((k.id.clone(), self.now));
            }
        }
        let stored = if self.store.readable() {
            self.store.stored_key(&self.ex.aws).await?
        } else {
            history.stored.clone()
        };
        let stored = stored.filter(|s| keys.iter().any(|k| &k.id == s));
        Ok(Facts {
            keys,
            stored,
            history,
        })
    }

    fn plan_facts(&self, f: &Facts) -> Vec<KeyFacts> {
        f.keys
            .iter()
            .map(|k| KeyFacts {
                id: k.id.clone(),
                active: k.active,
                created: k.created,
                last_used: k.last_used,
                deactivated: if k.active {
                    None
                } else {
                    f.history.deactivated_at(&k.id)
                },
            })
            .collect()
    }

    /// The next step, or why there is none.
    fn next(&self, f: &Facts) -> Result<Step, End> {
        let opts = &self.ex.opts;
        let s = &opts.schedule;
        let today = self.now.date_naive();
        if let Some(open) = &f.history.open_create {
            let window = Duration::minutes(ORPHAN_WINDOW_MINUTES);
            let mut left = f.keys.iter().filter(|k| {
                !open.existing.contains(&k.id) && (k.created - open.wall).abs() <= window
            });
            return match left.next() {
                None => Ok(Step::Close),
                Some(k) if f.stored.as_deref() == Some(k.id.as_str()) => Ok(Step::Recover(k.id.clone())),
                Some(k) if k.last_used.is_none() => Ok(Step::RemoveOrphan(k.id.clone())),
                Some(k) => Err(End::Hold(format!(
                    "`{}` was created by an interrupted run and its secret was not stored, yet it has been used (last on {}): find who holds it, then delete it or store it by hand",
                    k.id,
                    k.last_used.map(|t| t.to_rfc3339()).unwrap_or_default()
                ))),
            };
        }
        let newest = f.active().max_by_key(|k| k.created);
        let fresh = newest.is_some_and(|n| {
            f.stored.as_deref() == Some(n.id.as_str())
                && today < s.successor_due(n.created.date_naive())
        });
        let plan_opts = PlanOptions {
            start: opts.start && !fresh,
        };
        let keys = self.plan_facts(f);
        let d = decide(&keys, self.now, s, plan_opts);
        if let Some(first) = d.now.first() {
            return match &first.action {
                Action::Create => Ok(Step::Create),
                Action::Delete { key } => Ok(Step::Delete(key.clone())),
                Action::Deactivate { key, .. } => self.may_deactivate(f, &keys, key),
            };
        }
        if let Some(h) = &d.hold {
            if let Hold::NewKeyUnused { new, old, .. } = h {
                if opts.force && f.stored.as_deref() == Some(new.as_str()) {
                    return self.may_deactivate(f, &keys, old);
                }
            }
            return Err(if h.needs_owner() {
                End::Hold(describe_hold(h))
            } else {
                End::Waiting(describe_hold(h))
            });
        }
        let next = d
            .later
            .iter()
            .min_by_key(|x| x.on)
            .map(|x| format!("{} on {}", describe_action(&x.action), x.on));
        let rotating = d
            .later
            .iter()
            .any(|x| matches!(x.action, Action::Deactivate { .. }));
        Err(if rotating {
            End::Waiting(format!(
                "{}; earlier once the new key is in use and the old one no longer is",
                next.unwrap_or_default()
            ))
        } else {
            End::Idle(next)
        })
    }

    /// Never deactivate a key in use before the key replacing it is stored and (unless
    /// `--force`) seen in use.
    fn may_deactivate(&self, f: &Facts, keys: &[KeyFacts], key: &str) -> Result<Step, End> {
        let today = self.now.date_naive();
        let s = &self.ex.opts.schedule;
        let Some(k) = keys.iter().find(|k| k.id == key) else {
            return Err(End::Failed(format!("`{key}` is gone")));
        };
        if !in_use(k, today, s) {
            return Ok(Step::Deactivate(key.to_string()));
        }
        let Some(other) = f.active().filter(|o| o.id != key).max_by_key(|o| o.created) else {
            return Err(End::Hold(format!("`{key}` is the only active key")));
        };
        if f.stored.as_deref() != Some(other.id.as_str()) {
            return Err(End::Hold(format!(
                "`{key}` is in use and `{}` did not come from this store ({}): deactivate `{key}` by hand once its consumers use `{}`",
                other.id,
                self.store.describe(),
                other.id
            )));
        }
        if other.last_used.is_none() && !self.ex.opts.force {
            return Err(End::Waiting(format!(
                "`{}` has not been used yet: `{key}` stays active (--force deactivates it anyway)",
                other.id
            )));
        }
        Ok(Step::Deactivate(key.to_string()))
    }

    async fn execute(&mut self, step: &Step, f: &Facts) -> Result<(), ExecError> {
        let aws = &self.ex.aws;
        match step {
            Step::Create => {
                let mut intent = self.entry(Op::Create, Phase::Intent, None);
                intent.existing = f.keys.iter().map(|k| k.id.clone()).collect();
                self.journal(intent)?;
                self.point("before iam:CreateAccessKey")?;
                let key = match aws.create_key(self.user).await {
                    Ok(k) => k,
                    Err(e) => {
                        let mut x = self.entry(Op::Create, Phase::Failed, None);
                        x.detail = Some(e.to_string());
                        self.journal(x)?;
                        return Err(e);
                    }
                };
                let mut store = self.entry(Op::Store, Phase::Intent, Some(&key.id));
                store.store = Some(self.store.describe());
                self.journal(store)?;
                let put = match self.point("before the store") {
                    Ok(()) => self.store.put(aws, self.user, &self.arn, &key).await,
                    Err(e @ ExecError::Fault { .. }) => Err(e),
                    Err(crash) => return Err(crash),
                };
                if let Err(e) = put {
                    return self.roll_back(&key.id, e).await;
                }
                self.point("after the store, before the journal")?;
                let mut done = self.entry(Op::Store, Phase::Done, Some(&key.id));
                done.store = Some(self.store.describe());
                self.journal(done)?;
                self.journal(self.entry(Op::Create, Phase::Done, Some(&key.id)))
            }
            Step::Deactivate(k) => self.deactivate(k).await,
            Step::Delete(k) => self.delete(k).await,
            Step::RemoveOrphan(k) => {
                if f.key(k).is_some_and(|x| x.active) {
                    self.deactivate(k).await?;
                }
                self.delete(k).await?;
                let mut x = self.entry(Op::Create, Phase::Abandoned, Some(k));
                x.detail = Some("its secret was never stored: removed".into());
                self.journal(x)
            }
            Step::Recover(k) => {
                let mut x = self.entry(Op::Store, Phase::Done, Some(k));
                x.detail = Some("found in the store after an interrupted run".into());
                x.store = Some(self.store.describe());
                self.journal(x)?;
                self.journal(self.entry(Op::Create, Phase::Done, Some(k)))
            }
            Step::Close => {
                // IAM is eventually consistent: a key created a moment ago may not be
                // listed yet. Look again before deciding the create made none.
                if let Some(open) = &f.history.open_create {
                    if wall() - open.wall < Duration::minutes(1) {
                        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                        let now = aws.keys(self.user).await?;
                        if now.iter().any(|k| !open.existing.contains(&k.id)) {
                            return Ok(());
                        }
                    }
                }
                let mut x = self.entry(Op::Create, Phase::Abandoned, None);
                x.detail = Some("no key was created".into());
                self.journal(x)
            }
        }
    }

    /// The store failed: the new key must not stay, orphaned. It is deactivated, then
    /// deleted (never delete an active key); if that fails too, the next run finds the
    /// open create and removes the key.
    async fn roll_back(&mut self, id: &str, cause: ExecError) -> Result<(), ExecError> {
        let mut x = self.entry(Op::Store, Phase::Failed, Some(id));
        x.detail = Some(cause.to_string());
        x.store = Some(self.store.describe());
        self.journal(x)?;
        self.deactivate(id).await?;
        self.delete(id).await?;
        let mut x = self.entry(Op::Create, Phase::Abandoned, Some(id));
        x.detail = Some("the store failed: the new key was removed".into());
        self.journal(x)?;
        self.steps
            .push(format!("removed the new key `{id}`: the store failed"));
        Err(cause)
    }

    async fn deactivate(&mut self, id: &str) -> Result<(), ExecError> {
        self.journal(self.entry(Op::Deactivate, Phase::Intent, Some(id)))?;
        self.point("before iam:UpdateAccessKey")?;
        self.ex.aws.deactivate(self.user, id).await?;
        self.journal(self.entry(Op::Deactivate, Phase::Done, Some(id)))
    }

    async fn delete(&mut self, id: &str) -> Result<(), ExecError> {
        // Never delete an active key: IAM's current answer, not what the run read before.
        let now = self.ex.aws.keys(self.user).await?;
        if now.iter().any(|k| k.id == id && k.active) {
            return Err(self.broken(format!("`{id}` is active: it is not deleted")));
        }
        self.journal(self.entry(Op::Delete, Phase::Intent, Some(id)))?;
        self.point("before iam:DeleteAccessKey")?;
        self.ex.aws.delete_key(self.user, id).await?;
        self.journal(self.entry(Op::Delete, Phase::Done, Some(id)))
    }

    fn broken(&self, what: String) -> ExecError {
        ExecError::Invariant {
            user: self.user.to_string(),
            what,
        }
    }

    /// The invariants, after a step.
    fn check(&self, before: &Facts, step: &Step, after: &Facts) -> Result<(), ExecError> {
        let s = &self.ex.opts.schedule;
        let today = self.now.date_naive();
        if after.keys.len() > 2 {
            return Err(self.broken(format!("{} keys", after.keys.len())));
        }
        if before.active().next().is_some() && after.active().next().is_none() {
            let used = before
                .keys
                .iter()
                .chain(&after.keys)
                .filter(|k| {
                    k.last_used
                        .is_some_and(|u| (today - u.date_naive()).num_days() <= s.in_use_days)
                })
                .map(|k| k.id.clone())
                .next();
            if let Some(k) = used {
                return Err(self.broken(format!(
                    "no active key left although `{k}` was used within {} days",
                    s.in_use_days
                )));
            }
        }
        if let Step::Deactivate(k) = step {
            let was = before.key(k);
            if was.is_some_and(|w| {
                w.last_used
                    .is_some_and(|u| (today - u.date_naive()).num_days() <= s.in_use_days)
            }) {
                let other = after.active().max_by_key(|o| o.created);
                let ok = other.is_some_and(|o| {
                    before.stored.as_deref() == Some(o.id.as_str())
                        && (o.last_used.is_some() || self.ex.opts.force)
                });
                if !ok {
                    return Err(self.broken(format!(
                        "`{k}` was in use and deactivated before its successor was stored and in use"
                    )));
                }
            }
        }
        if let Step::Create = step {
            if after.stored.is_none()
                || after
                    .key(after.stored.as_deref().unwrap_or_default())
                    .is_none_or(|k| !k.active)
            {
                return Err(self.broken("the new key is not the stored, active key".into()));
            }
        }
        Ok(())
    }
}

/// A dry run's idea of a step's effect.
fn simulate(f: &mut Facts, step: &Step, now: DateTime<Utc>) {
    match step {
        Step::Create => {
            let id = "(new key)".to_string();
            f.keys.push(AwsKey {
                id: id.clone(),
                active: true,
                created: now,
                last_used: None,
            });
            f.stored = Some(id);
        }
        Step::Deactivate(k) => {
            for x in f.keys.iter_mut().filter(|x| &x.id == k) {
                x.active = false;
            }
            f.history.deactivated.push((k.clone(), now));
        }
        Step::Delete(k) | Step::RemoveOrphan(k) => {
            f.keys.retain(|x| &x.id != k);
            f.history.open_create = None;
        }
        Step::Recover(_) | Step::Close => f.history.open_create = None,
    }
}
