//! Shortest escalation paths in the graph (drawn by `phiward_report::paths`).

use std::collections::VecDeque;

use serde::Serialize;

use crate::escalation::Graph;
use crate::query::Reach;

/// A path: the edges from a source to a target, in order.
#[derive(Clone, Debug, Serialize)]
pub struct Path {
    /// The source node.
    pub from: usize,
    /// The target node.
    pub to: usize,
    /// Indices into [`Graph::edges`].
    pub edges: Vec<usize>,
    /// Allowed when every edge is; else conditional.
    pub access: Reach,
}

/// For every node, the first edge of a shortest path to any target (one breadth-first
/// search backwards from all targets). Among equally short paths, unconditional edges
/// are preferred.
fn next_hops(g: &Graph, targets: &[usize]) -> Vec<Option<usize>> {
    let n = g.nodes.len();
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, e) in g.edges.iter().enumerate() {
        if let Some(list) = incoming.get_mut(e.to) {
            list.push(k);
        }
    }
    for list in &mut incoming {
        list.sort_by_key(|&k| g.edges.get(k).map(|e| e.access));
    }
    let mut next = vec![None; n];
    let mut seen = vec![false; n];
    let mut queue = VecDeque::new();
    for &t in targets {
        if let Some(s) = seen.get_mut(t) {
            *s = true;
            queue.push_back(t);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &k in incoming.get(v).map(Vec::as_slice).unwrap_or(&[]) {
            let Some(e) = g.edges.get(k) else { continue };
            if seen.get(e.from) == Some(&false) {
                if let (Some(s), Some(h)) = (seen.get_mut(e.from), next.get_mut(e.from)) {
                    *s = true;
                    *h = Some(k);
                }
                queue.push_back(e.from);
            }
        }
    }
    next
}

/// Shortest paths to any of `targets`: from `from` only, or from every other node that
/// has one.
pub fn shortest_paths(g: &Graph, from: Option<usize>, targets: &[usize]) -> Vec<Path> {
    let next = next_hops(g, targets);
    let sources: Vec<usize> = match from {
        Some(f) => vec![f],
        None => (0..g.nodes.len())
            .filter(|i| !targets.contains(i))
            .collect(),
    };
    let mut out = Vec::new();
    for s in sources {
        let mut edges = Vec::new();
        let mut at = s;
        while let Some(Some(k)) = next.get(at) {
            edges.push(*k);
            match g.edges.get(*k) {
                Some(e) => at = e.to,
                None => break,
            }
            if edges.len() > g.nodes.len() {
                break;
            }
        }
        if edges.is_empty() {
            continue;
        }
        let access = edges
            .iter()
            .filter_map(|&k| g.edges.get(k))
            .map(|e| e.access)
            .max()
            .unwrap_or(Reach::Allowed);
        out.push(Path {
            from: s,
            to: at,
            edges,
            access,
        });
    }
    out
}

/// A principal that reaches one of the principals of a `who-can` answer through the
/// escalation graph.
#[derive(Clone, Debug, Serialize)]
pub struct Transitive {
    /// Its ARN.
    pub arn: String,
    /// User, role or external.
    #[serde(rename = "type")]
    pub kind: crate::model::PrincipalType,
    /// The principal of the answer it reaches.
    pub reaches: String,
    /// Allowed when every step is; else conditional.
    pub access: Reach,
    /// The steps: from, to and technique of each.
    pub path: Vec<TransitiveStep>,
}

/// One step of a [`Transitive`] path.
#[derive(Clone, Debug, Serialize)]
pub struct TransitiveStep {
    /// From this principal.
    pub from: String,
    /// To this one.
    pub to: String,
    /// By this technique.
    pub technique: crate::escalation::Technique,
    /// Allowed or conditional.
    pub access: Reach,
}

/// Principals not in `direct` that reach one of them, with the shortest path.
pub fn transitive(g: &Graph, direct: &[String]) -> Vec<Transitive> {
    let targets: Vec<usize> = g
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| direct.contains(&n.arn))
        .map(|(i, _)| i)
        .collect();
    let name = |i: usize| g.nodes.get(i).map_or_else(String::new, |n| n.arn.clone());
    shortest_paths(g, None, &targets)
        .into_iter()
        .map(|p| Transitive {
            arn: name(p.from),
            kind: g
                .nodes
                .get(p.from)
                .map_or(crate::model::PrincipalType::External, |n| n.kind),
            reaches: name(p.to),
            access: p.access,
            path: p
                .edges
                .iter()
                .filter_map(|&k| g.edges.get(k))
                .map(|e| TransitiveStep {
                    from: name(e.from),
                    to: name(e.to),
                    technique: e.technique,
                    access: e.access,
                })
                .collect(),
        })
        .collect()
}
