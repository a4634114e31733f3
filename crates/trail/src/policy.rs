//! Least-privilege policies from observed usage.
//!
//! Each action the principal used successfully is allowed on the resources it was used on,
//! kept to those that fit the action's resource types, collapsed into `prefix/*` patterns
//! past a threshold. An action used with no resource the catalog can place gets its
//! resource types' ARN formats scoped to the principal's account (`arn:aws:ec2:*:ACCOUNT:
//! instance/*`); an action without resource-level permissions gets `*`. Dependent actions
//! (those AWS checks alongside, from the catalog) are added the same way. Actions sharing a
//! resource list share a statement.

use std::collections::{BTreeMap, BTreeSet};

use phiward_catalog::patterns::{fits_any, ArnFormat};
use phiward_catalog::{Action, Catalog};
use serde::Serialize;

use crate::resources::collapse;
use crate::unused::{group, ServiceActions};
use crate::usage::PrincipalUsage;

/// How to write the policy.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Past this many resources, an action's resources collapse into patterns.
    pub collapse_threshold: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            collapse_threshold: 10,
        }
    }
}

/// One string or a list, as IAM writes them.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single value.
    One(String),
    /// Several values, written as a JSON list.
    Many(Vec<String>),
}

impl OneOrMany {
    fn of(mut v: Vec<String>) -> OneOrMany {
        if v.len() == 1 {
            OneOrMany::One(v.remove(0))
        } else {
            OneOrMany::Many(v)
        }
    }
}

/// An Allow statement of a generated policy.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyStatement {
    /// `S3`, `S32`, ...
    pub sid: String,
    /// Always `Allow`.
    pub effect: &'static str,
    /// The actions.
    pub action: OneOrMany,
    /// The resources.
    pub resource: OneOrMany,
}

/// A generated policy document, its elements in the usual order.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    /// `2012-10-17`.
    pub version: &'static str,
    /// The statements.
    pub statement: Vec<PolicyStatement>,
}

/// A generated policy.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Generated {
    /// The principal.
    pub principal: String,
    /// The policy document.
    pub document: PolicyDocument,
    /// Every action it allows.
    pub actions: BTreeSet<String>,
    /// Dependent actions added.
    pub dependent: Vec<String>,
    /// Actions only ever refused: left out (the principal managed without them).
    pub denied_only: Vec<String>,
    /// What a reviewer should know.
    pub notes: Vec<String>,
}

/// `arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}` as a pattern over
/// the principal's account.
fn scoped(format: &str, account: Option<&str>) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            rest = after;
            break;
        };
        let name = &after[..end];
        out.push_str(match name {
            "Partition" => "aws",
            "Account" => account.unwrap_or("*"),
            _ => "*",
        });
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| a.len() == 12)
}

/// The resources an action gets: observed ones that fit its types, else its required
/// types' formats scoped to the account (the flag is then false), else `*`.
fn resources_for(
    a: &Action<'_>,
    observed: &[String],
    account: Option<&str>,
    threshold: usize,
) -> (Vec<String>, bool) {
    if a.wildcard_only() {
        return (vec!["*".into()], true);
    }
    let formats: Vec<&str> = a
        .resource_types()
        .flat_map(|(t, _)| t.arn_formats())
        .collect();
    let compiled: Vec<ArnFormat> = formats.iter().map(|f| ArnFormat::new(f)).collect();
    let fit: Vec<String> = observed
        .iter()
        .filter(|r| fits_any(&compiled, r))
        .cloned()
        .collect();
    if !fit.is_empty() {
        return (collapse(fit, threshold), true);
    }
    let mut required: Vec<String> = a
        .resource_types()
        .filter(|(_, req)| *req)
        .flat_map(|(t, _)| t.arn_formats())
        .map(|f| scoped(f, account))
        .collect();
    if required.is_empty() {
        required = formats.iter().map(|f| scoped(f, account)).collect();
    }
    required.sort();
    required.dedup();
    (required, false)
}

fn sid(service: &str, n: usize) -> String {
    let mut s: String = service
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    if n > 0 {
        s.push_str(&(n + 1).to_string());
    }
    s
}

/// Writes the least-privilege policy for one principal's usage.
pub fn least_privilege(u: &PrincipalUsage, catalog: &Catalog, opts: Options) -> Generated {
    let account = account_of(&u.principal);
    let mut notes = Vec::new();
    // action -> resources
    let mut grants: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut observed_all: Vec<String> = Vec::new();
    let mut denied_only = Vec::new();
    for au in &u.actions {
        if au.count <= au.denied {
            denied_only.push(au.action.clone());
            continue;
        }
        observed_all.extend(au.resources.iter().cloned());
        let Some(a) = catalog.action(&au.action) else {
            continue;
        };
        let (res, placed) = resources_for(&a, &au.resources, account, opts.collapse_threshold);
        if !placed {
            notes.push(format!(
                "{}: no resource observed; scoped to the account by its resource type",
                au.action
            ));
        }
        grants.insert(a.full_name(), res);
    }
    observed_all.sort();
    observed_all.dedup();
    let mut dependent = Vec::new();
    let used: Vec<String> = grants.keys().cloned().collect();
    for name in &used {
        let Some(a) = catalog.action(name) else {
            continue;
        };
        for d in a.dependent_actions() {
            let Some(da) = catalog.action(d) else {
                continue;
            };
            let full = da.full_name();
            if grants.contains_key(&full) {
                continue;
            }
            let (res, _) = resources_for(&da, &observed_all, account, opts.collapse_threshold);
            grants.insert(full.clone(), res);
            dependent.push(full);
        }
    }
    // Statements: per service, actions sharing a resource list.
    let mut by: BTreeMap<(String, Vec<String>), Vec<String>> = BTreeMap::new();
    for (action, res) in &grants {
        let service = action.split(':').next().unwrap_or("").to_string();
        by.entry((service, res.clone()))
            .or_default()
            .push(action.clone());
    }
    let mut per_service: BTreeMap<String, usize> = BTreeMap::new();
    let statements: Vec<PolicyStatement> = by
        .into_iter()
        .map(|((service, res), actions)| {
            let n = per_service.entry(service.clone()).or_insert(0);
            let id = sid(&service, *n);
            *n += 1;
            PolicyStatement {
                sid: id,
                effect: "Allow",
                action: OneOrMany::of(actions),
                resource: OneOrMany::of(res),
            }
        })
        .collect();
    if statements.is_empty() {
        notes.push("no successful call observed: the policy allows nothing".into());
    }
    Generated {
        principal: u.principal.clone(),
        document: PolicyDocument {
            version: "2012-10-17",
            statement: statements,
        },
        actions: grants.keys().cloned().collect(),
        dependent,
        denied_only,
        notes,
    }
}

/// The generated policy against what the principal holds today.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diff {
    /// Actions granted today.
    pub granted_today: usize,
    /// Actions the generated policy allows.
    pub generated: usize,
    /// Granted today and kept.
    pub kept: Vec<String>,
    /// Granted today, dropped.
    pub removed: Vec<ServiceActions>,
    /// How many were dropped.
    pub removed_count: usize,
    /// In the generated policy but not granted today (granted elsewhere, e.g. by a
    /// resource policy, or dependent actions).
    pub added: Vec<String>,
}

/// Compares a generated policy with the actions granted today.
pub fn diff(g: &Generated, today: &BTreeSet<String>, catalog: &Catalog) -> Diff {
    let removed: BTreeSet<String> = today.difference(&g.actions).cloned().collect();
    Diff {
        granted_today: today.len(),
        generated: g.actions.len(),
        kept: today.intersection(&g.actions).cloned().collect(),
        removed_count: removed.len(),
        removed: group(catalog, &removed),
        added: g.actions.difference(today).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoping_and_sids() {
        assert_eq!(
            scoped(
                "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}",
                Some("111122223333")
            ),
            "arn:aws:ec2:*:111122223333:instance/*"
        );
        assert_eq!(
            scoped("arn:${Partition}:s3:::${BucketName}", None),
            "arn:aws:s3:::*"
        );
        assert_eq!(sid("s3", 0), "S3");
        assert_eq!(sid("resource-groups", 1), "ResourceGroups2");
    }
}
