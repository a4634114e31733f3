//! `phiward paths`: privilege-escalation paths as text, JSON, and their subgraph as
//! Graphviz DOT, GraphML and a Mermaid flowchart (one file per format).

use phiward_access::{Edge, Graph, Path, Reach};

pub mod dot;
pub mod graphml;
pub mod json;
pub mod mermaid;
pub mod text;

/// An edge's technique, marked when conditional.
fn label(e: &Edge) -> String {
    let t = serde_json::to_value(e.technique)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    match e.access {
        Reach::Allowed => t,
        Reach::Conditional => format!("{t} (conditional)"),
    }
}

/// The nodes and edges the paths use, each once, in index order.
fn used(g: &Graph, paths: &[Path]) -> (Vec<usize>, Vec<usize>) {
    let mut edges: Vec<usize> = paths.iter().flat_map(|p| p.edges.iter().copied()).collect();
    edges.sort_unstable();
    edges.dedup();
    let mut nodes: Vec<usize> = edges
        .iter()
        .filter_map(|&k| g.edges.get(k))
        .flat_map(|e| [e.from, e.to])
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    (nodes, edges)
}

/// A node's ARN, or `?`.
fn node_name(g: &Graph, i: usize) -> &str {
    g.nodes.get(i).map_or("?", |n| n.arn.as_str())
}
