//! Paths to a resource across an organization's accounts: the principals that reach it
//! by assuming roles, hop by hop, each hop decided with both accounts' policies.

use std::collections::{HashMap, HashSet};

use crate::escalation::{graph_scoped, Scope, Technique};
use crate::org::{
    account_of, named_accounts, policy_of, who_can_in, who_can_many, OrgAccounts, OrgPath,
    OrgWhoCan,
};
use crate::query::{Grant, Reach};
use crate::{PrincipalType, Step};

/// [`who_can_org`](crate::org::who_can_org), with the principals that reach one of its
/// roles by assuming roles (up to `max_hops` hops), each with its shortest path.
pub fn reach_org(
    accounts: &OrgAccounts<'_>,
    pattern: &str,
    actions: &[String],
    resource: &str,
    owner: Option<&str>,
    max_hops: usize,
) -> OrgWhoCan {
    reach(accounts, pattern, actions, resource, owner, max_hops, None)
}

/// [`reach_org`] for the question ORG-006 asks: which principals of *other* accounts
/// reach the resource. The same paths, found without following the resource account's
/// own roles that no other account can enter: a path from another account into the
/// resource's account passes through a role whose trust policy names another account (an
/// entry role), so only the roles reachable from its entry roles ([`entry_closure`]) are
/// followed there. In an account no other account can enter, nothing is followed at all.
/// The direct grants are all listed, as by [`who_can_in`]. `entered` is
/// [`entry_closure`] of `owner` (made once per account by the caller).
pub fn reach_foreign(
    accounts: &OrgAccounts<'_>,
    pattern: &str,
    actions: &[String],
    resource: &str,
    (owner, entered): (&str, &HashSet<String>),
    max_hops: usize,
) -> OrgWhoCan {
    reach(
        accounts,
        pattern,
        actions,
        resource,
        Some(owner),
        max_hops,
        Some((owner, entered)),
    )
}

/// The roles of account `id` that a principal of another account of the organization
/// could come to act as: the roles whose trust policy could name another account (its
/// entry roles), and the roles they can assume within the account, hop by hop.
pub fn entry_closure(accounts: &OrgAccounts<'_>, id: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let (Some(snap), Some(m)) = (accounts.load(id), accounts.model(id)) else {
        return out;
    };
    let ids = accounts.ids();
    let mut frontier: Vec<bool> = m
        .principals
        .iter()
        .map(|p| {
            p.kind == PrincipalType::Role
                && !named_accounts(policy_of(&snap, &p.arn), id, ids).is_empty()
        })
        .collect();
    let techniques = [Technique::AssumeRole];
    // Nobody counts as an administrator here: an administrator's own edges are left out
    // of the escalation graph (it holds every permission already), but a role it assumes
    // may be the one a bucket policy lets in ("deny everyone but `PhiReader`").
    let no_admins: Vec<Option<Step>> = vec![None; m.principals.len()];
    while frontier.iter().any(|&f| f) {
        for (p, _) in m.principals.iter().zip(&frontier).filter(|(_, &f)| f) {
            out.insert(p.arn.clone());
        }
        let g = graph_scoped(
            &m,
            &Scope {
                admins: Some(&no_admins),
                from: Some(&frontier),
                techniques: Some(&techniques),
                ..Scope::default()
            },
        );
        let mut next = vec![false; m.principals.len()];
        for e in &g.edges {
            if let (Some(to), Some(slot)) = (g.nodes.get(e.to), next.get_mut(e.to)) {
                if !out.contains(&to.arn) {
                    *slot = true;
                }
            }
        }
        frontier = next;
    }
    out
}

/// The search behind [`reach_org`] and [`reach_foreign`]; with `only`, the roles of one
/// account that are followed there.
fn reach(
    accounts: &OrgAccounts<'_>,
    pattern: &str,
    actions: &[String],
    resource: &str,
    owner: Option<&str>,
    max_hops: usize,
    only: Option<(&str, &HashSet<String>)>,
) -> OrgWhoCan {
    let followed = |arn: &str| match only {
        Some((account, roles)) => account_of(arn) != Some(account) || roles.contains(arn),
        None => true,
    };
    let mut out = who_can_in(accounts, pattern, actions, resource, owner);
    let mut seen: HashSet<String> = out.principals.iter().map(|g| g.arn.clone()).collect();
    // principal -> (the grant of its hop, the role it assumes)
    let mut hop: HashMap<String, Grant> = HashMap::new();
    let mut frontier: Vec<String> = out
        .principals
        .iter()
        .filter(|g| g.kind == PrincipalType::Role && followed(&g.arn))
        .map(|g| g.arn.clone())
        .collect();
    let assume = ["sts:AssumeRole".to_string()];
    let mut order: Vec<String> = Vec::new();
    for _ in 0..max_hops {
        let mut next = Vec::new();
        // The frontier's roles account by account: one model per account and hop.
        let mut by_account: Vec<(String, Vec<String>)> = Vec::new();
        for role in &frontier {
            let Some(a) = account_of(role) else { continue };
            match by_account.iter_mut().find(|(x, _)| x == a) {
                Some((_, rs)) => rs.push(role.clone()),
                None => by_account.push((a.to_string(), vec![role.clone()])),
            }
        }
        for (account, roles) in by_account {
            let answers = who_can_many(accounts, "sts:AssumeRole", &assume, &account, &roles);
            for (role, ans) in roles.iter().zip(answers) {
                for mut g in ans.principals {
                    if g.kind == PrincipalType::External
                        || seen.contains(&g.arn)
                        || !followed(&g.arn)
                    {
                        continue;
                    }
                    seen.insert(g.arn.clone());
                    let from = std::mem::replace(&mut g.arn, role.clone());
                    if g.kind == PrincipalType::Role {
                        next.push(from.clone());
                    }
                    g.kind = PrincipalType::Role;
                    order.push(from.clone());
                    hop.insert(from, g);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    let direct: HashMap<&str, Reach> = out
        .principals
        .iter()
        .map(|g| (g.arn.as_str(), g.access))
        .collect();
    for from in order {
        let mut steps = Vec::new();
        let mut at = from.clone();
        while let Some(g) = hop.get(&at) {
            steps.push(g.clone());
            at = g.arn.clone();
            if direct.contains_key(at.as_str()) || steps.len() > max_hops {
                break;
            }
        }
        let last = direct
            .get(at.as_str())
            .copied()
            .unwrap_or(Reach::Conditional);
        let access = if last == Reach::Allowed && steps.iter().all(|s| s.access == Reach::Allowed) {
            Reach::Allowed
        } else {
            Reach::Conditional
        };
        out.transitive.push(OrgPath {
            from,
            access,
            steps,
        });
    }
    out
}
