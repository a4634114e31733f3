//! Builds the escalation graph of a snapshot and prints its size and the time each phase
//! took: `cargo run --release -p phiward-access --example graph_stats -- DIR`.

use std::time::Instant;

/// The allocator the `phiward` binary uses, so that the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    // who-can for every PHI resource: reading each bucket's objects, using each key.
    let t = Instant::now();
    let objects: Vec<String> = model
        .resources
        .iter()
        .filter(|r| {
            r.arn.starts_with("arn:aws:s3:::phi-") || r.arn.starts_with("arn:aws:s3:::mercy-phi")
        })
        .map(|r| format!("{}/x", r.arn))
        .collect();
    let keys: Vec<String> = model
        .resources
        .iter()
        .filter(|r| r.arn.contains(":kms:"))
        .map(|r| r.arn.clone())
        .collect();
    let readers = phiward_access::who_can_each(&model, &["s3:GetObject".to_string()], &objects);
    let users = phiward_access::who_can_each(&model, &["kms:Decrypt".to_string()], &keys);
    let grants: usize = readers.iter().chain(&users).map(Vec::len).sum();
    let who = t.elapsed();
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
        "who-can on {} PHI buckets and {} keys: {grants} grants in {who:.2?}",
        objects.len(),
        keys.len()
    );
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
    // `GRAPH_DIGEST=1`: a fingerprint of every grant and edge with its evidence, to check
    // that an optimisation changes no answer.
    if std::env::var_os("GRAPH_DIGEST").is_some() {
        use std::hash::{Hash, Hasher};
        let mut lines: Vec<String> = Vec::new();
        for (r, gs) in objects
            .iter()
            .chain(&keys)
            .zip(readers.iter().chain(&users))
        {
            for gr in gs {
                lines.push(format!("{r} {}", serde_json::to_string(gr)?));
            }
        }
        for e in &g.edges {
            let steps = serde_json::to_string(&g.steps(e))?;
            lines.push(format!(
                "{} {} {:?} {:?} {steps}",
                e.from, e.to, e.technique, e.access
            ));
        }
        for n in &g.nodes {
            lines.push(serde_json::to_string(n)?);
        }
        lines.sort();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        lines.hash(&mut h);
        println!("digest {:016x} over {} lines", h.finish(), lines.len());
        if let Some(path) = std::env::var_os("GRAPH_DUMP") {
            std::fs::write(path, lines.join("\n"))?;
        }
    }
    Ok(())
}
