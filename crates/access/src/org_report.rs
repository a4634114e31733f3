//! The access report of an organization: each account's people against each account's
//! resources, and across accounts where a resource's policy names the people's account
//! (both accounts' policies, SCPs and RCPs decide).

use std::collections::{BTreeMap, HashMap};

use phiward_catalog::Catalog;

use crate::employee::{self, AccessReport, Person, Target, SCHEMA_VERSION};
use crate::org::{named_accounts, policy_of, OrgAccounts};
use crate::people::{self, PeopleOptions};

/// Which resources the report asks about.
#[derive(Clone, Debug)]
pub struct Wanted<'a> {
    /// The PHI tag's key and value.
    pub tag: (&'a str, &'a str),
    /// Only PHI buckets and their keys.
    pub phi_only: bool,
}

/// The report of every collected account, one person per name across accounts (an
/// Identity Center user holds roles in many accounts; an IAM user's name is per account
/// unless mapped by `opts`).
pub fn org_report(
    accounts: &OrgAccounts<'_>,
    catalog: &Catalog,
    opts: &PeopleOptions,
    wanted: &Wanted<'_>,
) -> AccessReport {
    let ids = accounts.ids();
    let mut out = AccessReport {
        schema_version: SCHEMA_VERSION,
        account: None,
        phi_only: wanted.phi_only,
        resources: Vec::new(),
        people: Vec::new(),
        notes: Vec::new(),
    };
    let mut people: BTreeMap<String, Person> = BTreeMap::new();
    // (people's account, resources' account) -> the resources naming the former
    let mut crossing: BTreeMap<(String, String), Vec<Target>> = BTreeMap::new();
    for id in ids {
        let (Some(snap), Some(m)) = (accounts.load(id), accounts.model(id)) else {
            out.notes.push(format!(
                "account `{id}` could not be read: its people and resources are not listed"
            ));
            continue;
        };
        let (holders, notes) = people::holders(&snap, opts);
        let (targets, more) = employee::targets(&snap, wanted.tag.0, wanted.tag.1, wanted.phi_only);
        let r = employee::report(&m, catalog, &holders, &targets, wanted.phi_only);
        out.notes.extend(
            notes
                .into_iter()
                .chain(more)
                .chain(r.notes.iter().cloned())
                .map(|n| format!("account `{id}`: {n}")),
        );
        add(&mut people, r.people);
        for t in &targets {
            for other in named_accounts(policy_of(&snap, &t.arn), id, ids) {
                crossing
                    .entry((other, id.to_string()))
                    .or_default()
                    .push(t.clone());
            }
        }
        out.resources.extend(targets);
    }
    for ((from, to), targets) in crossing {
        let (Some(snap), Some(m)) = (accounts.load(&from), accounts.across(&from, &to)) else {
            continue;
        };
        let (holders, _) = people::holders(&snap, opts);
        let r = employee::report(&m, catalog, &holders, &targets, wanted.phi_only);
        add(&mut people, r.people);
    }
    out.people = people.into_values().collect();
    for p in &mut out.people {
        p.principals.sort_by(|a, b| a.arn.cmp(&b.arn));
        for h in &mut p.principals {
            h.resources.sort_by(|a, b| a.arn.cmp(&b.arn));
        }
    }
    out.resources.sort_by(|a, b| a.arn.cmp(&b.arn));
    out.resources.dedup_by(|a, b| a.arn == b.arn);
    out.notes.sort();
    out.notes.dedup();
    out
}

/// Folds one report's people in: a person met again gets the principals, a principal met
/// again (its own account's resources, then another's) the resources.
fn add(people: &mut BTreeMap<String, Person>, more: Vec<Person>) {
    for p in more {
        let Some(have) = people.get_mut(&p.person) else {
            people.insert(p.person.clone(), p);
            continue;
        };
        if have.email.is_none() {
            have.email = p.email;
        }
        let at: HashMap<String, usize> = have
            .principals
            .iter()
            .enumerate()
            .map(|(i, h)| (h.arn.clone(), i))
            .collect();
        for h in p.principals {
            match at.get(&h.arn).and_then(|&i| have.principals.get_mut(i)) {
                Some(old) => {
                    for r in h.resources {
                        if !old.resources.iter().any(|x| x.arn == r.arn) {
                            old.resources.push(r);
                        }
                    }
                }
                None => have.principals.push(h),
            }
        }
    }
}
