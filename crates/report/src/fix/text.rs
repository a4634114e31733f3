//! `phiward fix`'s summary for people: the proved fixes with what they fix, the fixes not
//! offered with why.

use phiward_findings::{Finding, Status};
use phiward_iac::fix::Proved;

/// A readable summary: the proved fixes with what they fix, the fixes not offered with
/// why, and how many failing findings have no fix phiward writes.
pub fn text(before: &[Finding], proved: &[Proved], out_dir: &str) -> String {
    let mut s = String::new();
    let mut n = 0;
    for p in proved {
        if let Ok(passes) = &p.proof {
            n += 1;
            s.push_str(&format!("fix {:02} {}: {}\n", n, p.fix.name, p.fix.title));
            for x in passes {
                s.push_str(&format!("  passes: {x}\n"));
            }
            s.push_str(&format!(
                "  written to {out_dir}/{:02}-{}/\n",
                n, p.fix.name
            ));
        }
    }
    for p in proved {
        if let Err(why) = &p.proof {
            s.push_str(&format!(
                "not offered {}: {}\n  could not be proved: {why}\n",
                p.fix.name, p.fix.title
            ));
        }
    }
    let fixed: usize = proved
        .iter()
        .filter(|p| p.proof.is_ok())
        .map(|p| p.fix.targets.len())
        .sum();
    let failing = before
        .iter()
        .filter(|f| f.status == Status::Fail && f.suppressed.is_none())
        .count();
    s.push_str(&format!(
        "{n} proved fix(es) for {fixed} of {failing} failing findings; {} fix(es) not offered\n",
        proved.iter().filter(|p| p.proof.is_err()).count()
    ));
    s
}
