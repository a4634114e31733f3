//! Escalation paths across an organization's accounts: each collected account's graph
//! ([`crate::graph`]), joined where a role's trust policy lets a principal of another
//! account of the organization assume it, as the engine decides with both accounts'
//! policies, SCPs and RCPs.

use std::collections::HashMap;

use crate::escalation::edge;
use crate::org::{account_of, named_accounts, policy_of, who_can_many, OrgAccounts};
use crate::{graph, Graph, Node, PrincipalType, Step, Technique};

/// The graph of every collected account, one node per principal ARN.
///
/// An account's own graph names other accounts' principals its trust policies admit as
/// external nodes; for accounts of the organization these are replaced by the edges
/// decided from those accounts' principals (AWS: IAM User Guide, "Cross-account policy
/// evaluation logic": the trusting role's trust policy and the caller's identity-based
/// policies must both allow `sts:AssumeRole`). External principals outside the
/// organization stay as they are.
pub fn org_graph(accounts: &OrgAccounts<'_>) -> Graph {
    let ids = accounts.ids();
    let mut g = Graph {
        nodes: Vec::new(),
        edges: Vec::new(),
        notes: Vec::new(),
    };
    let mut at: HashMap<String, usize> = HashMap::new();
    let in_org = |arn: &str| account_of(arn).is_some_and(|a| ids.iter().any(|i| i == a));
    // (from ARN, role ARN, the decided step), resolved once every account's nodes exist
    let mut crossing: Vec<(String, String, Step)> = Vec::new();
    for id in ids {
        let Some(m) = accounts.model(id) else {
            g.notes.push(format!(
                "account `{id}` could not be read: its paths are not listed"
            ));
            continue;
        };
        let local = graph(&m);
        let mut index = Vec::with_capacity(local.nodes.len());
        for n in local.nodes {
            let external_in_org = n.kind == PrincipalType::External && in_org(&n.arn);
            index.push(if external_in_org {
                None
            } else {
                Some(node(&mut g.nodes, &mut at, n))
            });
        }
        for mut e in local.edges {
            let (Some(Some(from)), Some(Some(to))) = (index.get(e.from), index.get(e.to)) else {
                continue;
            };
            e.from = *from;
            e.to = *to;
            g.edges.push(e);
        }
        g.notes.extend(
            local
                .notes
                .into_iter()
                .map(|n| format!("account `{id}`: {n}")),
        );
        // The roles whose trust policies could admit another account's principals.
        let Some(snap) = accounts.load(id) else {
            continue;
        };
        let roles: Vec<String> = m
            .principals
            .iter()
            .filter(|p| p.kind == PrincipalType::Role && !p.service_linked)
            .filter(|p| !named_accounts(policy_of(&snap, &p.arn), id, ids).is_empty())
            .map(|p| p.arn.clone())
            .collect();
        drop(m);
        if roles.is_empty() {
            continue;
        }
        let assume = ["sts:AssumeRole".to_string()];
        for (role, ans) in roles.iter().zip(who_can_many(
            accounts,
            "sts:AssumeRole",
            &assume,
            id,
            &roles,
        )) {
            for p in ans.principals {
                if p.kind == PrincipalType::External || account_of(&p.arn) == Some(id) {
                    continue;
                }
                let step = Step {
                    action: "sts:AssumeRole".into(),
                    resource: role.clone(),
                    access: p.access,
                    conditions: p.conditions,
                    via: p.via,
                };
                crossing.push((p.arn, role.clone(), step));
            }
        }
    }
    for (from, role, step) in crossing {
        let (Some(&f), Some(&t)) = (at.get(&from), at.get(&role)) else {
            continue;
        };
        g.edges.push(edge(f, t, Technique::AssumeRole, vec![step]));
    }
    g.notes.sort();
    g.notes.dedup();
    g
}

/// The node for `n`'s ARN: added, or (an external node met first) made the principal.
fn node(nodes: &mut Vec<Node>, at: &mut HashMap<String, usize>, n: Node) -> usize {
    match at.get(&n.arn) {
        Some(&k) => {
            if let Some(old) = nodes.get_mut(k) {
                if old.kind == PrincipalType::External && n.kind != PrincipalType::External {
                    *old = n;
                }
            }
            k
        }
        None => {
            at.insert(n.arn.clone(), nodes.len());
            nodes.push(n);
            nodes.len() - 1
        }
    }
}
