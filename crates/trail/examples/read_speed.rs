//! Where `trail usage` spends its time on one thread: reading and decompressing the files,
//! then deserializing their events, then aggregating them.
//!
//! `cargo run --release -p phiward-trail --example read_speed -- DIR`

use std::path::{Path, PathBuf};
use std::time::Instant;

use phiward_trail::read::{discover, load, read_bytes, FileOutcome};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: read_speed DIR")?;
    let paths: Vec<PathBuf> = discover(Path::new(&dir))?;
    let (mut raw, mut buf) = (Vec::new(), Vec::new());
    let (mut bytes, mut inflate, mut parse, mut events) = (0usize, 0f64, 0f64, 0u64);
    for p in &paths {
        let t = Instant::now();
        load(p, &mut raw, &mut buf)?;
        inflate += t.elapsed().as_secs_f64();
        bytes += buf.len();
        let t = Instant::now();
        let mut out = FileOutcome::default();
        read_bytes(
            p,
            &buf,
            |_, e| events += u64::from(e.event_name.get().is_some()),
            &mut out,
        );
        parse += t.elapsed().as_secs_f64();
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "{} files, {events} events, {mb:.0} MB: read+gunzip {inflate:.2} s ({:.0} MB/s), deserialize {parse:.2} s ({:.0} MB/s)",
        paths.len(),
        mb / inflate,
        mb / parse
    );
    Ok(())
}
