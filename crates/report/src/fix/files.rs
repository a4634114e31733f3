//! The folder `phiward fix` writes per proved fix: `cloudformation.yaml`, `main.tf` and
//! `aws-cli.sh`, each saying what it fixes and that it was proved.

use phiward_iac::fix::Proved;

/// The files of a proved fix: (relative path, contents).
pub fn files(index: usize, p: &Proved) -> Vec<(String, String)> {
    let dir = format!("{:02}-{}", index + 1, p.fix.name);
    let header = |c: &str| {
        format!("{c} {}\n{c} Proved by phiward: applied to a copy of the snapshot, the audit passes {} and no other check regresses.\n", p.fix.title, p.fix.targets.iter().map(|t| t.0.as_str()).collect::<Vec<_>>().join(", "))
    };
    vec![
        (
            format!("{dir}/cloudformation.yaml"),
            format!("{}{}", header("#"), p.fix.cloudformation),
        ),
        (
            format!("{dir}/main.tf"),
            format!("{}{}", header("#"), p.fix.terraform),
        ),
        (
            format!("{dir}/aws-cli.sh"),
            format!("#!/bin/sh\nset -eu\n{}{}", header("#"), p.fix.cli),
        ),
    ]
}
