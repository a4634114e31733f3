//! The paths' subgraph as GraphML.

use std::fmt::Write as _;

use phiward_access::{Graph, Path};

use super::{label, node_name, used};

/// XML character data and attribute values.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The paths' subgraph: nodes with their ARN and whether they are administrators, edges
/// with their technique.
pub fn render(g: &Graph, paths: &[Path]) -> String {
    let (nodes, edges) = used(g, paths);
    let mut o = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n  <key id=\"arn\" for=\"node\" attr.name=\"arn\" attr.type=\"string\"/>\n  <key id=\"admin\" for=\"node\" attr.name=\"admin\" attr.type=\"boolean\"/>\n  <key id=\"technique\" for=\"edge\" attr.name=\"technique\" attr.type=\"string\"/>\n  <graph id=\"escalation\" edgedefault=\"directed\">\n",
    );
    for i in nodes {
        let admin = g.nodes.get(i).is_some_and(|n| n.admin);
        let _ = writeln!(
            o,
            "    <node id=\"n{i}\"><data key=\"arn\">{}</data><data key=\"admin\">{admin}</data></node>",
            xml(node_name(g, i))
        );
    }
    for k in edges {
        if let Some(e) = g.edges.get(k) {
            let _ = writeln!(
                o,
                "    <edge id=\"e{k}\" source=\"n{}\" target=\"n{}\"><data key=\"technique\">{}</data></edge>",
                e.from,
                e.to,
                xml(&label(e))
            );
        }
    }
    o.push_str("  </graph>\n</graphml>\n");
    o
}
