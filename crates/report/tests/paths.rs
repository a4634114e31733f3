//! `phiward paths`' renderers on the demo account: every format draws the same subgraph.

use phiward_access::{graph, shortest_paths, AccessModel, KnownContext};
use phiward_report::paths;

#[test]
fn every_format_draws_the_same_paths() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo-account");
    let loaded = phiward_snapshot::load(std::path::Path::new(dir)).expect("demo snapshot");
    let model = AccessModel::new(&loaded.snapshot);
    let g = graph(&model);
    let admins: Vec<usize> = (0..g.nodes.len()).filter(|&i| g.nodes[i].admin).collect();
    let found = shortest_paths(&g, None, &admins);
    assert!(!found.is_empty(), "the demo has escalation paths");
    let edges = {
        let mut e: Vec<usize> = found.iter().flat_map(|p| p.edges.clone()).collect();
        e.sort_unstable();
        e.dedup();
        e.len()
    };
    let dot = paths::dot::render(&g, &found);
    assert!(dot.starts_with("digraph escalation {") && dot.ends_with("}\n"));
    assert_eq!(dot.matches(" -> n").count(), edges);
    // Every step is labelled with its technique, in every drawing.
    for k in found.iter().flat_map(|p| p.edges.iter()) {
        let technique = serde_json::to_value(g.edges[*k].technique).expect("technique");
        let technique = technique.as_str().expect("a name");
        assert!(dot.contains(technique), "{technique} not in {dot}");
    }
    let mermaid = paths::mermaid::render(&g, &found);
    assert!(mermaid.starts_with("flowchart LR") && mermaid.contains("(admin)"));
    assert_eq!(mermaid.matches(" -->|").count(), edges);
    let graphml = paths::graphml::render(&g, &found);
    assert_eq!(graphml.matches("<edge ").count(), edges);
    for k in found.iter().flat_map(|p| p.edges.iter()) {
        let technique = serde_json::to_value(g.edges[*k].technique).expect("technique");
        let technique = technique.as_str().expect("a name");
        assert!(mermaid.contains(technique) && graphml.contains(technique));
    }
    let mut text = Vec::new();
    paths::text::render(&mut text, &g, &found, "admin", &KnownContext::default()).expect("text");
    let text = String::from_utf8(text).expect("utf-8");
    assert!(
        text.starts_with(&format!("{} paths to admin:", found.len())),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &paths::json::render(&g, &found, "admin", &KnownContext::default()).expect("json"),
    )
    .expect("parses");
    assert_eq!(json["paths"].as_array().map(Vec::len), Some(found.len()));
}
