//! `phiward collect --organization`: from the management account (or a delegated
//! administrator), the tree (roots, OUs, accounts), every SCP and RCP with its targets
//! and the delegated administrators; then each member account through a role assumed in
//! it, collected as [`crate::collect`] collects one account, a bounded number at once.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use aws_sdk_organizations::types as t;
use aws_sdk_organizations::Client;
use phiward_snapshot::calls;
use phiward_snapshot::model::org as m;
use phiward_snapshot::org::{DelegatedAdministrator, OrgAccount, OrgNode, OrgTree};
use phiward_snapshot::{Collected, Snapshot};

use crate::ctx::{Ctx, Got};
use crate::sdk::Sdk;
use crate::{CollectError, Options, Progress};

/// A tree deeper than AWS's limit (five OU levels) is not followed further.
const MAX_DEPTH: usize = 8;

/// How to reach the member accounts.
#[derive(Clone, Debug)]
pub struct OrgOptions {
    /// The role assumed in each member account.
    pub role_name: String,
    /// `sts:ExternalId`, when the role's trust policy asks for one.
    pub external_id: Option<String>,
    /// Session tags (`sts:TagSession`).
    pub session_tags: Vec<(String, String)>,
    /// Accounts collected at once.
    pub max_parallel: usize,
}

impl Default for OrgOptions {
    fn default() -> Self {
        OrgOptions {
            role_name: "OrganizationAccountAccessRole".into(),
            external_id: None,
            session_tags: Vec::new(),
            max_parallel: 4,
        }
    }
}

/// What the caller is told of each account: its snapshot, or why there is none.
pub type AccountResult = Result<Snapshot, String>;

/// Collects the organization: the tree first, then every account `want` selects, each
/// handed to `done` as soon as it is collected (so that the caller writes it and the
/// memory held stays one account per slot). One account's failure is its own result,
/// never the run's. Blocks on its own runtime.
pub fn collect_organization(
    options: &Options,
    org: &OrgOptions,
    progress: Arc<dyn Progress>,
    want: &(dyn Fn(&OrgTree, &OrgAccount) -> bool + Sync),
    done: &(dyn Fn(&str, AccountResult) + Sync),
) -> Result<OrgTree, CollectError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CollectError::Runtime)?;
    runtime.block_on(async {
        let sdk = Sdk::load(options).await?;
        let identity = sdk.check_identity(options.check_timeout).await?;
        let ctx = Ctx::new(options.concurrency, progress.clone());
        ctx.record_ok(&calls::STS_GET_CALLER_IDENTITY, None);
        let mut tree = tree(&ctx, &sdk, options).await?;
        tree.collection = ctx.into_collection();
        let management = tree.management_account().map(str::to_string);
        let chosen: Vec<OrgAccount> = tree
            .accounts
            .iter()
            .filter(|a| want(&tree, a))
            .cloned()
            .collect();
        let slots = tokio::sync::Semaphore::new(org.max_parallel.clamp(1, 64));
        let each = chosen.into_iter().map(|a| {
            let sdk = &sdk;
            let slots = &slots;
            let progress = progress.clone();
            let own = Some(a.id.as_str()) == management.as_deref() || a.id == identity.account;
            async move {
                // A closed semaphore cannot happen (it is never closed); go on regardless.
                let _slot = slots.acquire().await.ok();
                let r = if own {
                    // The management account is read with the caller's own credentials.
                    crate::collect_with(sdk, options, progress, None)
                        .await
                        .map_err(|e| e.to_string())
                } else {
                    match assume(sdk, org, &a.id).await {
                        // Identity Center is administered from the management account
                        // (or a delegated administrator): a member sees no instance, so
                        // its permission sets, assignments and their users are read
                        // with the caller's credentials, for this account.
                        Ok(member) => crate::collect_with(&member, options, progress, Some(sdk))
                            .await
                            .map_err(|e| e.to_string()),
                        Err(e) => Err(e),
                    }
                };
                done(&a.id, r);
            }
        });
        futures_util::future::join_all(each).await;
        Ok(tree)
    })
}

/// An SDK configuration acting in `account` through the collection role.
async fn assume(sdk: &Sdk, org: &OrgOptions, account: &str) -> Result<Sdk, String> {
    let sts = aws_sdk_sts::Client::new(&sdk.config);
    let arn = format!("arn:aws:iam::{account}:role/{}", org.role_name);
    let mut req = sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name("phiward-collect")
        .set_external_id(org.external_id.clone());
    for (k, v) in &org.session_tags {
        let tag = aws_sdk_sts::types::Tag::builder()
            .key(k)
            .value(v)
            .build()
            .map_err(|e| format!("session tag `{k}`: {e}"))?;
        req = req.tags(tag);
    }
    let out = req
        .send()
        .await
        .map_err(|e| format!("sts:AssumeRole `{arn}`: {}", crate::ctx::describe(&e)))?;
    let c = out
        .credentials()
        .ok_or_else(|| format!("sts:AssumeRole `{arn}`: the answer holds no credentials"))?;
    let creds = aws_sdk_sts::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "phiward-assume-role",
    );
    Ok(sdk.with_credentials(creds))
}

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

async fn tree(ctx: &Ctx, sdk: &Sdk, options: &Options) -> Result<OrgTree, CollectError> {
    let client = Client::new(&sdk.config);
    let described = ctx
        .call(
            &calls::ORG_DESCRIBE_ORGANIZATION,
            None,
            client.describe_organization().send(),
        )
        .await;
    let info = match described {
        Got::Data(o) => o.organization().map(|o| m::OrganizationInfo {
            id: o.id().unwrap_or_default().to_string(),
            arn: o.arn().unwrap_or_default().to_string(),
            master_account_id: o.master_account_id().map(str::to_string),
            feature_set: o.feature_set().map(|f| f.as_str().to_string()),
        }),
        _ => None,
    };
    let Some(info) = info else {
        return Err(CollectError::Identity(
            "organizations:DescribeOrganization failed or found no organization: run from the management account or a delegated administrator".into(),
        ));
    };
    let now = chrono::DateTime::from(std::time::SystemTime::now());
    let source = phiward_snapshot::Source {
        kind: phiward_snapshot::SourceKind::Collect,
        origin: sdk.origin(options),
        tool: concat!("phiward-collect ", env!("CARGO_PKG_VERSION")).to_string(),
    };
    let mut tree = OrgTree::new(source, now, info);
    let roots = ctx
        .call(&calls::ORG_LIST_ROOTS, None, async {
            let mut out = Vec::new();
            let mut pages = client.list_roots().into_paginator().send();
            while let Some(p) = pages.next().await {
                out.extend(p?.roots().to_vec());
            }
            Ok(out)
        })
        .await;
    let roots: Vec<t::Root> = match roots {
        Got::Data(r) => r,
        _ => {
            return Err(CollectError::Identity(
                "organizations:ListRoots failed: the tree cannot be read".into(),
            ))
        }
    };
    for r in &roots {
        let id = r.id().unwrap_or_default().to_string();
        tree.roots.push(OrgNode {
            id: id.clone(),
            name: r.name().unwrap_or_default().to_string(),
            parent_id: None,
        });
        walk(ctx, &client, id, 0, &mut tree).await;
    }
    let (scps, rcps, delegated) = tokio::join!(
        policies(ctx, &client, t::PolicyType::ServiceControlPolicy),
        policies(ctx, &client, t::PolicyType::ResourceControlPolicy),
        delegated(ctx, &client),
    );
    tree.scps = scps;
    tree.rcps = rcps;
    tree.delegated_administrators = delegated;
    Ok(tree)
}

/// The OUs and accounts under `parent`, depth first.
fn walk<'a>(
    ctx: &'a Ctx,
    client: &'a Client,
    parent: String,
    depth: usize,
    tree: &'a mut OrgTree,
) -> Boxed<'a, ()> {
    Box::pin(async move {
        if depth > MAX_DEPTH {
            return;
        }
        let accounts = ctx
            .call(&calls::ORG_LIST_ACCOUNTS_FOR_PARENT, Some(&parent), async {
                let mut out = Vec::new();
                let mut pages = client
                    .list_accounts_for_parent()
                    .parent_id(&parent)
                    .into_paginator()
                    .send();
                while let Some(p) = pages.next().await {
                    out.extend(p?.accounts().to_vec());
                }
                Ok(out)
            })
            .await;
        if let Got::Data(accounts) = accounts {
            for a in accounts {
                tree.accounts.push(OrgAccount {
                    id: a.id().unwrap_or_default().to_string(),
                    name: a.name().unwrap_or_default().to_string(),
                    email: a.email().unwrap_or_default().to_string(),
                    status: a
                        .status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    parent_id: Some(parent.clone()),
                    collection: Default::default(),
                });
            }
        }
        let units = ctx
            .call(&calls::ORG_LIST_OUS_FOR_PARENT, Some(&parent), async {
                let mut out = Vec::new();
                let mut pages = client
                    .list_organizational_units_for_parent()
                    .parent_id(&parent)
                    .into_paginator()
                    .send();
                while let Some(p) = pages.next().await {
                    out.extend(p?.organizational_units().to_vec());
                }
                Ok(out)
            })
            .await;
        if let Got::Data(units) = units {
            for u in units {
                let id = u.id().unwrap_or_default().to_string();
                tree.units.push(OrgNode {
                    id: id.clone(),
                    name: u.name().unwrap_or_default().to_string(),
                    parent_id: Some(parent.clone()),
                });
                walk(ctx, client, id, depth + 1, tree).await;
            }
        }
    })
}

async fn policies(ctx: &Ctx, client: &Client, kind: t::PolicyType) -> Collected<Vec<m::OrgPolicy>> {
    let mut listed = match crate::org::policies(ctx, client, kind).await {
        Collected::Known(p) => p,
        other => return other,
    };
    let targets = listed.iter().map(|p| async move {
        let got = ctx
            .call(&calls::ORG_LIST_TARGETS_FOR_POLICY, Some(&p.id), async {
                let mut out = Vec::new();
                let mut pages = client
                    .list_targets_for_policy()
                    .policy_id(&p.id)
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    out.extend(
                        page?
                            .targets()
                            .iter()
                            .filter_map(|t| t.target_id().map(str::to_string)),
                    );
                }
                Ok(out)
            })
            .await;
        got.data()
    });
    let found = futures_util::future::join_all(targets).await;
    for (p, t) in listed.iter_mut().zip(found) {
        p.targets = t;
    }
    Collected::Known(listed)
}

async fn delegated(ctx: &Ctx, client: &Client) -> Collected<Vec<DelegatedAdministrator>> {
    let got = ctx
        .call(&calls::ORG_LIST_DELEGATED_ADMINISTRATORS, None, async {
            let mut out = Vec::new();
            let mut pages = client
                .list_delegated_administrators()
                .into_paginator()
                .send();
            while let Some(p) = pages.next().await {
                out.extend(p?.delegated_administrators().to_vec());
            }
            Ok(out)
        })
        .await;
    let admins = match got {
        Got::Data(a) => a,
        Got::Absent => Vec::new(),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let each = admins.iter().map(|a| async move {
        let id = a.id().unwrap_or_default().to_string();
        let services = ctx
            .call(&calls::ORG_LIST_DELEGATED_SERVICES, Some(&id), async {
                let mut out = Vec::new();
                let mut pages = client
                    .list_delegated_services_for_account()
                    .account_id(&id)
                    .into_paginator()
                    .send();
                while let Some(p) = pages.next().await {
                    out.extend(
                        p?.delegated_services()
                            .iter()
                            .filter_map(|s| s.service_principal().map(str::to_string)),
                    );
                }
                Ok(out)
            })
            .await
            .or_default(|s| s);
        DelegatedAdministrator {
            id,
            name: a.name().unwrap_or_default().to_string(),
            services,
        }
    });
    Collected::Known(futures_util::future::join_all(each).await)
}
