//! The paths' subgraph as Graphviz DOT.

use std::fmt::Write as _;

use phiward_access::{Graph, Path};

use super::{label, node_name, used};

/// A DOT string: backslashes and the quote escaped.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The paths' subgraph, administrators filled.
pub fn render(g: &Graph, paths: &[Path]) -> String {
    let (nodes, edges) = used(g, paths);
    let mut o = String::from("digraph escalation {\n  rankdir=LR;\n  node [shape=box];\n");
    for i in nodes {
        let admin = g.nodes.get(i).is_some_and(|n| n.admin);
        let _ = writeln!(
            o,
            "  n{i} [label=\"{}\"{}];",
            escape(node_name(g, i)),
            if admin {
                ", style=filled, fillcolor=\"#f4cccc\""
            } else {
                ""
            }
        );
    }
    for k in edges {
        if let Some(e) = g.edges.get(k) {
            let _ = writeln!(o, "  n{} -> n{} [label=\"{}\"];", e.from, e.to, label(e));
        }
    }
    o.push_str("}\n");
    o
}
