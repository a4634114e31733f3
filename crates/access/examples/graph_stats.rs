//! Builds the escalation graph of a snapshot and prints its size and the time each phase
//! took: `cargo run --release -p phiward-access --example graph_stats -- DIR`.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: graph_stats SNAPSHOT")?;
    let t = Instant::now();
    let loaded = phiward_snapshot::load(std::path::Path::new(&dir))?;
    let load = t.elapsed();
    let t = Instant::now();
    let model = phiward_access::AccessModel::new(&loaded.snapshot);
    let build = t.elapsed();
    let t = Instant::now();
    let g = phiward_access::graph(&model);
    let graph = t.elapsed();
    let admins = g.nodes.iter().filter(|n| n.admin).count();
    let conditional = g
        .edges
        .iter()
        .filter(|e| e.access == phiward_access::query::Reach::Conditional)
        .count();
    println!(
        "{} principals, {} nodes ({admins} admin), {} edges ({conditional} conditional); load {load:.2?}, model {build:.2?}, graph {graph:.2?}",
        model.principals.len(),
        g.nodes.len(),
        g.edges.len()
    );
    let mut by: std::collections::BTreeMap<String, usize> = Default::default();
    for e in &g.edges {
        *by.entry(format!("{:?}", e.technique)).or_default() += 1;
    }
    println!("{by:?}");
    Ok(())
}
