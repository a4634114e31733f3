//! The paths' subgraph as a Mermaid flowchart.

use std::fmt::Write as _;

use phiward_access::{Graph, Path};

use super::{label, node_name, used};

/// A left-to-right flowchart, administrators marked.
pub fn render(g: &Graph, paths: &[Path]) -> String {
    let (nodes, edges) = used(g, paths);
    let mut o = String::from("flowchart LR\n");
    for i in nodes {
        let admin = g.nodes.get(i).is_some_and(|n| n.admin);
        let name = node_name(g, i).replace('"', "#quot;");
        let _ = writeln!(
            o,
            "  n{i}[\"{name}{}\"]",
            if admin { " (admin)" } else { "" }
        );
    }
    for k in edges {
        if let Some(e) = g.edges.get(k) {
            let _ = writeln!(o, "  n{} -->|{}| n{}", e.from, label(e), e.to);
        }
    }
    o
}
