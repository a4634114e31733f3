//! A Ballista scheduler and executors on 127.0.0.1, for `bench/lake-bench.sh`: prints the
//! `--cluster` URL, then serves until killed.
//!
//!     cargo run --release -p phiward-lake --features local-cluster --example local_cluster -- 2 2

use std::io::Write as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let executors = args.next().and_then(|a| a.parse().ok()).unwrap_or(2);
    let slots = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let cluster = phiward_lake::cluster::LocalCluster::start(executors, slots)?;
    let mut out = std::io::stdout();
    writeln!(out, "{}", cluster.url())?;
    out.flush()?;
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
