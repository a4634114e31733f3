//! The executor against moto (`scripts/moto.sh start`, `PHIWARD_MOTO_URL`): users with
//! 0, 1 and 2 keys in every state; a whole rotation with each store; and a fault (an API
//! error, or a crash that writes nothing more) at every point of a rotation, each
//! followed by a re-run. After each: at most two keys, one active, the stored secret is
//! the active key, no key lost. Without `PHIWARD_MOTO_URL` the tests say so and pass.
//!
//! Each test works in its own moto account (moto keeps accounts apart by the access key
//! that signs a request), so `--all` sees only the test's users.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests fail on unexpected data"
)]

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use phiward_rotate::exec::journal::{History, Journal};
use phiward_rotate::exec::{
    wall, Connect, End, Executor, Fault, FaultHook, Options, Outcome, Store,
};
use phiward_rotate::Schedule;

fn moto() -> Option<String> {
    let url = std::env::var("PHIWARD_MOTO_URL").ok();
    if url.is_none() {
        eprintln!(
            "PHIWARD_MOTO_URL is not set: the moto tests are skipped (scripts/moto.sh start)"
        );
    }
    url
}

/// A moto account of its own: an administrator user and key created in it.
struct Account {
    url: String,
    key: (String, String),
}

fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let t = wall().timestamp_nanos_opt().unwrap_or_default();
    format!("{prefix}-{}-{n}", (t / 1000) % 1_000_000_000)
}

fn http() -> aws_sdk_iam::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

fn iam(url: &str, key: &(String, String)) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .http_client(http())
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            key.0.clone(),
            key.1.clone(),
            None,
            None,
            "test",
        ))
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

impl Account {
    async fn new(url: &str) -> Account {
        static N: AtomicUsize = AtomicUsize::new(0);
        let t = wall().timestamp_nanos_opt().unwrap_or_default() as u64;
        let id = format!(
            "9{:011}",
            (t / 1000 + N.fetch_add(1, Ordering::Relaxed) as u64 * 7919) % 100_000_000_000
        );
        let boot = iam(url, &("testing".into(), "testing".into()));
        let acct = id.clone();
        boot.create_user()
            .user_name("rotation-admin")
            .customize()
            .mutate_request(move |r| {
                r.headers_mut().insert("x-moto-account-id", acct.clone());
            })
            .send()
            .await
            .expect("create the account's administrator");
        let acct = id.clone();
        let out = boot
            .create_access_key()
            .user_name("rotation-admin")
            .customize()
            .mutate_request(move |r| {
                r.headers_mut().insert("x-moto-account-id", acct.clone());
            })
            .send()
            .await
            .expect("create the administrator's key");
        let k = out.access_key().unwrap();
        let a = Account {
            url: url.to_string(),
            key: (
                k.access_key_id().to_string(),
                k.secret_access_key().to_string(),
            ),
        };
        // The tests' own key is not to be rotated by `--all`.
        a.iam()
            .tag_user()
            .user_name("rotation-admin")
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key("rotation-exempt")
                    .value("the tests' administrator")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        a
    }

    fn iam(&self) -> aws_sdk_iam::Client {
        iam(&self.url, &self.key)
    }

    fn connect(&self) -> Connect {
        Connect {
            region: Some("us-east-1".into()),
            endpoint_url: Some(self.url.clone()),
            max_attempts: 2,
            credentials: Some(self.key.clone()),
            ..Connect::default()
        }
    }

    /// A user with keys `(active, used)`; their ids and secrets.
    async fn user(&self, name: &str, keys: &[(bool, bool)]) -> Vec<(String, String)> {
        let iam = self.iam();
        iam.create_user().user_name(name).send().await.unwrap();
        let mut out = Vec::new();
        for (active, used) in keys {
            let k = iam
                .create_access_key()
                .user_name(name)
                .send()
                .await
                .unwrap();
            let k = k.access_key().unwrap();
            let pair = (
                k.access_key_id().to_string(),
                k.secret_access_key().to_string(),
            );
            if *used {
                self.use_key(&pair).await.expect("the new key works");
            }
            if !active {
                iam.update_access_key()
                    .user_name(name)
                    .access_key_id(&pair.0)
                    .status(aws_sdk_iam::types::StatusType::Inactive)
                    .send()
                    .await
                    .unwrap();
            }
            out.push(pair);
        }
        out
    }

    /// A consumer's call with a key: moto records it as the key's last use.
    async fn use_key(&self, key: &(String, String)) -> Result<(), String> {
        iam(&self.url, key)
            .get_user()
            .send()
            .await
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    }

    /// `(id, active)` of each key, oldest first.
    async fn keys(&self, user: &str) -> Vec<(String, bool)> {
        let r = self
            .iam()
            .list_access_keys()
            .user_name(user)
            .send()
            .await
            .unwrap();
        let mut v: Vec<_> = r
            .access_key_metadata()
            .iter()
            .map(|m| {
                (
                    m.create_date().map(|d| d.as_nanos()).unwrap_or_default(),
                    m.access_key_id().unwrap_or_default().to_string(),
                    m.status() == Some(&aws_sdk_iam::types::StatusType::Active),
                )
            })
            .collect();
        v.sort();
        v.into_iter().map(|(_, id, a)| (id, a)).collect()
    }
}

fn options(dir: &Path, store: Store, now: DateTime<Utc>) -> Options {
    Options {
        schedule: Schedule::standard(),
        store,
        journal: dir.join("journal.jsonl"),
        dry_run: false,
        force: false,
        start: false,
        now: Some(now),
        consumers: None,
        exempt_tag: "rotation-exempt".into(),
        exempt_groups: Vec::new(),
        wait: None,
        poll: StdDuration::from_millis(100),
        faults: None,
    }
}

async fn run(a: &Account, opts: Options, user: &str) -> Outcome {
    let aws = phiward_rotate::exec::Aws::connect(&a.connect()).await;
    let ex = Executor::new(aws, opts).unwrap();
    let o = ex.run_user(user).await;
    let calls = ex.aws().calls();
    let known: Vec<&str> = phiward_rotate::calls::CALLS.iter().map(|c| c.0).collect();
    for c in calls {
        assert!(known.contains(&c), "{c} is called but not in CALLS");
    }
    o
}

/// The stored document's key id and secret (file store).
fn stored(path: &Path) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some((
        v["AccessKeyId"].as_str()?.to_string(),
        v["SecretAccessKey"].as_str()?.to_string(),
    ))
}

/// The invariants any run must leave: at most two keys, and one active.
async fn healthy(a: &Account, user: &str) -> Vec<(String, bool)> {
    let keys = a.keys(user).await;
    assert!(keys.len() <= 2, "{user}: {keys:?}");
    assert!(
        keys.iter().any(|k| k.1),
        "{user}: no active key in {keys:?}"
    );
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_with_0_1_and_2_keys_in_every_state() {
    let Some(url) = moto() else { return };
    let a = Account::new(&url).await;
    let dir = tempfile::tempdir().unwrap();
    let t0 = wall();
    let d = Schedule::standard().delete_after_days;
    let file = |u: &str| Store::File(dir.path().join(format!("{u}.json")));
    let at = |days: i64| t0 + Duration::days(days) + Duration::minutes(1);

    // No key: nothing to do, nothing created.
    a.user("none", &[]).await;
    let o = run(
        &a,
        Options {
            start: true,
            ..options(dir.path(), file("none"), t0)
        },
        "none",
    )
    .await;
    assert_eq!(o.end, End::NoKeys);
    assert!(a.keys("none").await.is_empty());

    // One inactive key: seen now, deleted after the grace.
    a.user("inactive", &[(false, false)]).await;
    let o = run(&a, options(dir.path(), file("inactive"), t0), "inactive").await;
    assert!(
        o.steps.is_empty() && matches!(o.end, End::Idle(Some(_))),
        "{o:?}"
    );
    let o = run(&a, options(dir.path(), file("inactive"), at(d)), "inactive").await;
    assert_eq!(o.end, End::NoKeys, "{o:?}");
    assert!(a.keys("inactive").await.is_empty());

    // One active key, not due: left alone.
    let k = a.user("current", &[(true, true)]).await;
    let o = run(&a, options(dir.path(), file("current"), t0), "current").await;
    assert!(o.steps.is_empty(), "{o:?}");
    assert_eq!(a.keys("current").await, [(k[0].0.clone(), true)]);

    // Two active keys, both in use, both due: a stop, nothing touched.
    let k = a.user("both", &[(true, true), (true, true)]).await;
    let o = run(&a, options(dir.path(), file("both"), at(60)), "both").await;
    assert!(matches!(o.end, End::Hold(_)), "{o:?}");
    assert_eq!(a.keys("both").await.len(), 2);
    assert!(a.keys("both").await.iter().all(|x| x.1));
    let _ = k;

    // Two active keys, the newer never used: it is retired first, deleted after the
    // grace, and then the rotation goes on.
    let k = a.user("spare", &[(true, true), (true, false)]).await;
    let o = run(&a, options(dir.path(), file("spare"), at(60)), "spare").await;
    assert_eq!(o.steps, [format!("deactivate `{}`", k[1].0)], "{o:?}");
    assert!(matches!(o.end, End::Waiting(_)), "{o:?}");
    let o = run(&a, options(dir.path(), file("spare"), at(60 + d)), "spare").await;
    assert_eq!(o.steps.len(), 2, "{o:?}");
    let keys = healthy(&a, "spare").await;
    let (new, _) = stored(&dir.path().join("spare.json")).unwrap();
    assert_eq!(keys, [(k[0].0.clone(), true), (new, true)]);

    // An active and an inactive key: the inactive one goes after its grace, then the
    // new key comes.
    let k = a.user("half", &[(true, true), (false, false)]).await;
    let opts = |t| Options {
        start: true,
        ..options(dir.path(), file("half"), t)
    };
    let o = run(&a, opts(t0), "half").await;
    assert!(
        o.steps.is_empty() && matches!(o.end, End::Waiting(_)),
        "{o:?}"
    );
    let o = run(&a, opts(at(d)), "half").await;
    assert_eq!(o.steps.len(), 2, "{o:?}");
    let keys = healthy(&a, "half").await;
    assert_eq!(keys[0], (k[0].0.clone(), true));
    assert_eq!(
        Some(keys[1].0.clone()),
        stored(&dir.path().join("half.json")).map(|s| s.0)
    );

    // Two inactive keys: both deleted after the grace.
    a.user("retired", &[(false, true), (false, false)]).await;
    let o = run(&a, options(dir.path(), file("retired"), at(d)), "retired").await;
    assert_eq!(o.steps.len(), 0, "{o:?}");
    let o = run(
        &a,
        options(dir.path(), file("retired"), at(2 * d)),
        "retired",
    )
    .await;
    assert_eq!(o.steps.len(), 2, "{o:?}");
    assert!(a.keys("retired").await.is_empty());

    // A newer key someone else made, in use with the older one past the overlap: the
    // older one is not deactivated, since the newer one is not the stored one.
    let k = a.user("manual", &[(true, false), (true, true)]).await;
    a.use_key(&k[0]).await.unwrap();
    let o = run(&a, options(dir.path(), file("manual"), at(3)), "manual").await;
    assert!(
        matches!(&o.end, End::Hold(w) if w.contains("did not come from this store")),
        "{o:?}"
    );
    assert_eq!(a.keys("manual").await.len(), 2);

    // Exempt by tag.
    a.user("vendor", &[(true, true)]).await;
    a.iam()
        .tag_user()
        .user_name("vendor")
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("rotation-exempt")
                .value("the vendor rotates it")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let o = run(
        &a,
        Options {
            start: true,
            ..options(dir.path(), file("vendor"), t0)
        },
        "vendor",
    )
    .await;
    assert_eq!(
        o.end,
        End::Exempt("tag `rotation-exempt`: the vendor rotates it".into())
    );
}

/// Counts fault points across runs and injects one fault at the `target`-th.
#[derive(Debug)]
struct Once {
    seen: AtomicUsize,
    target: usize,
    kind: Fault,
    fired: AtomicBool,
}

impl FaultHook for Once {
    fn at(&self, _user: &str, _point: usize, _label: &str) -> Option<Fault> {
        let n = self.seen.fetch_add(1, Ordering::SeqCst);
        (n == self.target).then(|| {
            self.fired.store(true, Ordering::SeqCst);
            self.kind
        })
    }
}

/// A whole rotation (start; the consumer switches; the old key goes; it is deleted),
/// with one fault at the `target`-th point; each faulted run is re-run without it.
/// Whether the fault fired.
async fn rotation_with_a_fault(a: &Account, kind: Fault, target: usize) -> bool {
    let user = unique("fault");
    let old = a.user(&user, &[(true, true)]).await;
    // IAM dates may be whole seconds: the old key's last use must fall before the new
    // key's creation for the consumer's switch to show.
    tokio::time::sleep(StdDuration::from_millis(1100)).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.json");
    let hook = Arc::new(Once {
        seen: AtomicUsize::new(0),
        target,
        kind,
        fired: AtomicBool::new(false),
    });
    let t0 = wall();
    let d = Schedule::standard().delete_after_days;
    let stage = |now: DateTime<Utc>, start: bool| Options {
        start,
        faults: Some(hook.clone() as Arc<dyn FaultHook>),
        ..options(dir.path(), Store::File(path.clone()), now)
    };
    for (now, start, consumer_switches) in [
        (t0, true, true),
        (t0, false, false),
        (t0 + Duration::days(d + 1), false, false),
    ] {
        let o = run(a, stage(now, start), &user).await;
        if let End::Failed(why) = &o.end {
            assert!(why.contains("injected"), "{user}: {o:?}");
            healthy(a, &user).await;
            let o = run(
                a,
                Options {
                    faults: None,
                    ..stage(now, start)
                },
                &user,
            )
            .await;
            assert!(
                !matches!(o.end, End::Failed(_) | End::Hold(_)),
                "{user} after the fault at {target}: {o:?}"
            );
        }
        let keys = healthy(a, &user).await;
        let s = stored(&path).unwrap_or_else(|| panic!("{user}: nothing stored ({keys:?})"));
        assert!(
            keys.iter().any(|k| k.0 == s.0 && k.1),
            "{user}: the stored key is not active: {keys:?}"
        );
        if consumer_switches {
            a.use_key(&s).await.unwrap();
        }
    }
    let keys = a.keys(&user).await;
    let s = stored(&path).unwrap();
    assert_eq!(
        keys,
        [(s.0.clone(), true)],
        "{user} after the fault at {target}"
    );
    assert_ne!(s.0, old[0].0);
    a.use_key(&s).await.expect("the stored key works");
    let (entries, torn) = Journal::open(&dir.path().join("journal.jsonl"), true)
        .unwrap()
        .entries(&user)
        .unwrap();
    assert!(torn.is_empty());
    assert!(
        History::of(&entries).open_create.is_none(),
        "{user}: a create is left open"
    );
    hook.fired.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_at_any_point_is_finished_by_the_next_run() {
    let Some(url) = moto() else { return };
    let a = Account::new(&url).await;
    for kind in [Fault::Error, Fault::Crash] {
        let mut points = 0;
        while rotation_with_a_fault(&a, kind, points).await {
            points += 1;
            assert!(points < 100, "the fault points never end");
        }
        eprintln!("{kind:?}: a fault at each of {points} points, each finished by a re-run");
        // Create (before the call, the store, after it, after the step), deactivate,
        // delete: at least two points each.
        assert!(points >= 8, "{kind:?}: only {points} points");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_store_removes_the_new_key() {
    let Some(url) = moto() else { return };
    let a = Account::new(&url).await;
    let old = a.user("unstorable", &[(true, true)]).await;
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        &a,
        Options {
            start: true,
            ..options(dir.path(), Store::Exec("exit 7".into()), wall())
        },
        "unstorable",
    )
    .await;
    assert!(
        matches!(&o.end, End::Failed(w) if w.contains("exited")),
        "{o:?}"
    );
    assert!(
        o.steps.iter().any(|s| s.contains("the store failed")),
        "{o:?}"
    );
    assert_eq!(a.keys("unstorable").await, [(old[0].0.clone(), true)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_into_secrets_manager_and_through_a_command() {
    let Some(url) = moto() else { return };
    let a = Account::new(&url).await;
    let dir = tempfile::tempdir().unwrap();
    let t0 = wall();
    let d = Schedule::standard().delete_after_days;
    // Secrets Manager: the secret holds the key and only its user may read it.
    let old = a.user("sm-user", &[(true, true)]).await;
    tokio::time::sleep(StdDuration::from_millis(1100)).await;
    let name = "phiward/keys/sm-user";
    let store = Store::SecretsManager(name.into());
    let o = run(
        &a,
        Options {
            start: true,
            ..options(dir.path(), store.clone(), t0)
        },
        "sm-user",
    )
    .await;
    assert_eq!(o.steps.len(), 1, "{o:?}");
    let sm = {
        let conf = aws_sdk_secretsmanager::Config::builder()
            .http_client(http())
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .region(aws_sdk_secretsmanager::config::Region::new("us-east-1"))
            .endpoint_url(&a.url)
            .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new(
                a.key.0.clone(),
                a.key.1.clone(),
                None,
                None,
                "test",
            ))
            .build();
        aws_sdk_secretsmanager::Client::from_conf(conf)
    };
    let text = sm.get_secret_value().secret_id(name).send().await.unwrap();
    let v: serde_json::Value = serde_json::from_str(text.secret_string().unwrap()).unwrap();
    let new = (
        v["AccessKeyId"].as_str().unwrap().to_string(),
        v["SecretAccessKey"].as_str().unwrap().to_string(),
    );
    assert_eq!(v["UserName"], "sm-user");
    let policy = sm
        .get_resource_policy()
        .secret_id(name)
        .send()
        .await
        .unwrap();
    let policy = policy.resource_policy().unwrap_or_default();
    assert!(
        policy.contains(":user/sm-user") && policy.contains("Deny"),
        "{policy}"
    );
    a.use_key(&new).await.unwrap();
    let o = run(&a, options(dir.path(), store.clone(), t0), "sm-user").await;
    assert_eq!(o.steps, [format!("deactivate `{}`", old[0].0)], "{o:?}");
    let o = run(
        &a,
        options(dir.path(), store.clone(), t0 + Duration::days(d + 1)),
        "sm-user",
    )
    .await;
    assert_eq!(o.steps, [format!("delete `{}`", old[0].0)], "{o:?}");
    assert_eq!(a.keys("sm-user").await, [(new.0.clone(), true)]);

    // A command store: it gets the key on standard input; the journal remembers it.
    a.user("exec-user", &[(true, true)]).await;
    let out = dir.path().join("exec-key.json");
    let store = Store::Exec(format!("cat > '{}'", out.display()));
    let o = run(
        &a,
        Options {
            start: true,
            ..options(dir.path(), store.clone(), t0)
        },
        "exec-user",
    )
    .await;
    assert_eq!(o.steps.len(), 1, "{o:?}");
    let new = stored(&out).unwrap();
    // Not used yet: the old key stays, even at the overlap's end, unless forced.
    let o = run(
        &a,
        options(dir.path(), store.clone(), t0 + Duration::days(3)),
        "exec-user",
    )
    .await;
    assert!(o.steps.is_empty() && matches!(o.end, End::Hold(_)), "{o:?}");
    let o = run(
        &a,
        Options {
            force: true,
            ..options(dir.path(), store, t0 + Duration::days(3))
        },
        "exec-user",
    )
    .await;
    assert_eq!(o.steps.len(), 1, "{o:?}");
    assert_eq!(
        healthy(&a, "exec-user")
            .await
            .iter()
            .filter(|k| k.1)
            .count(),
        1
    );
    assert!(a.keys("exec-user").await.contains(&(new.0, true)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_users_in_parallel_and_a_dry_run_that_changes_nothing() {
    let Some(url) = moto() else { return };
    let a = Account::new(&url).await;
    let dir = tempfile::tempdir().unwrap();
    for u in ["p1", "p2", "p3"] {
        a.user(u, &[(true, true)]).await;
    }
    a.user("p0", &[]).await;
    let store = Store::File(dir.path().join("{user}.json"));
    let mk = |dry| Options {
        start: true,
        dry_run: dry,
        ..options(dir.path(), store.clone(), wall())
    };
    let aws = phiward_rotate::exec::Aws::connect(&a.connect()).await;
    let ex = Arc::new(Executor::new(aws, mk(true)).unwrap());
    let dry = ex.run_all(2).await.unwrap();
    assert_eq!(
        dry.iter().filter(|o| !o.steps.is_empty()).count(),
        3,
        "{dry:?}"
    );
    assert!(dry
        .iter()
        .flat_map(|o| &o.steps)
        .all(|s| s.starts_with("would ")));
    for u in ["p1", "p2", "p3"] {
        assert_eq!(a.keys(u).await.len(), 1);
    }
    assert!(!dir.path().join("journal.jsonl").exists());
    let aws = phiward_rotate::exec::Aws::connect(&a.connect()).await;
    let ex = Arc::new(Executor::new(aws, mk(false)).unwrap());
    let done = ex.run_all(2).await.unwrap();
    let users: Vec<&str> = done.iter().map(|o| o.user.as_str()).collect();
    assert_eq!(users, ["p0", "p1", "p2", "p3", "rotation-admin"]);
    for u in ["p1", "p2", "p3"] {
        let keys = healthy(&a, u).await;
        assert_eq!(keys.len(), 2);
        let s = stored(&dir.path().join(format!("{u}.json"))).unwrap();
        assert_eq!(keys[1].0, s.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_shows_the_new_key_in_use() {
    let Some(url) = moto() else { return };
    let a = Account::new(&url).await;
    let old = a.user("trail-user", &[(true, true)]).await;
    tokio::time::sleep(StdDuration::from_millis(1100)).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.json");
    let t0 = wall();
    let o = run(
        &a,
        Options {
            start: true,
            ..options(dir.path(), Store::File(path.clone()), t0)
        },
        "trail-user",
    )
    .await;
    assert_eq!(o.steps.len(), 1, "{o:?}");
    let (new, _) = stored(&path).unwrap();
    // IAM (moto) has seen no use of the new key: the old one stays.
    let o = run(
        &a,
        options(dir.path(), Store::File(path.clone()), t0),
        "trail-user",
    )
    .await;
    assert!(o.steps.is_empty(), "{o:?}");
    // A consumer's call with it, in the CloudTrail logs.
    let log = dir.path().join("trail.jsonl");
    let event = serde_json::json!({
        "eventTime": (t0 + Duration::minutes(5)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "sourceIPAddress": "10.1.2.3",
        "userAgent": "etl/2.1",
        "userIdentity": {"type": "IAMUser", "userName": "trail-user", "accessKeyId": new}
    });
    std::fs::write(&log, format!("{event}\n")).unwrap();
    let consumers = phiward_rotate::consumers::Consumers::read(&[log]);
    assert!(consumers.problems.is_empty(), "{:?}", consumers.problems);
    let o = run(
        &a,
        Options {
            consumers: Some(Arc::new(consumers)),
            ..options(
                dir.path(),
                Store::File(path.clone()),
                t0 + Duration::minutes(10),
            )
        },
        "trail-user",
    )
    .await;
    assert_eq!(o.steps, [format!("deactivate `{}`", old[0].0)], "{o:?}");
}
