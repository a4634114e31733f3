use super::{list, stmt_name, Ctx, Hit};
use crate::actions::could_name;
use crate::catalog::AccessLevel;
use crate::risk::{StarGrants, WRITE_VERBS};

rule! {
    /// ## What
    /// Reports `Allow` statements of an identity-based policy that grant write actions on
    /// every resource: creating, changing, deleting, starting or stopping resources. With
    /// the AWS catalog, every action whose access level is `Write` counts; without it,
    /// every action pattern that can name an action starting with a write verb (`Create`,
    /// `Delete`, `Put`, `Update`, `Modify`, `Run`, `Terminate`, ...).
    ///
    /// ## Why
    /// Write access on `*` lets a principal delete audit trails, open security groups,
    /// disable encryption or replace the code that handles PHI, anywhere in the account.
    /// It is common in administrative policies, hence the `info` severity: review that the
    /// principal really administers everything. Cloudsplaining reports the same class as
    /// "Infrastructure Modification".
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}
    /// ```
    ///
    /// ## Fix
    /// Limit write actions to the resources the principal manages (by ARN, or by tag with
    /// `aws:ResourceTag`).
    pub static INFRASTRUCTURE_MODIFICATION = {
        id: "PW305",
        name: "infrastructure-modification",
        title: "The policy grants write actions on every resource",
        severity: Info,
        catalog: false,
        fix: "limit write actions to the resources the principal manages, by ARN or with `aws:ResourceTag`",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(g) = StarGrants::new(cx) else { return };
    if let Some(found) = g.at_level(AccessLevel::Write) {
        for (i, actions) in found {
            let Some(s) = cx.policy.statements.get(i) else {
                continue;
            };
            let refs: Vec<&str> = actions.iter().map(String::as_str).collect();
            out.push(Hit::new(
                g.pos(i, &refs),
                format!(
                    "{} allows write actions on every resource: {}",
                    stmt_name(s),
                    list(&actions, 3)
                ),
            ));
        }
        return;
    }
    let src = |i: usize| cx.src.statement(i);
    for &i in &g.allows {
        let (Some(s), Some(set)) = (cx.policy.statements.get(i), cx.action(i)) else {
            continue;
        };
        if set.negated {
            out.push(Hit::new(
                src(i).action_element(),
                format!(
                    "{} allows write actions on every resource: everything but its `NotAction` list",
                    stmt_name(s)
                ),
            ));
            continue;
        }
        let writes: Vec<usize> = set
            .matchers()
            .iter()
            .enumerate()
            .filter(|(_, p)| WRITE_VERBS.iter().any(|v| could_name(p, None, v)))
            .map(|(k, _)| k)
            .collect();
        let Some(&first) = writes.first() else {
            continue;
        };
        let texts: Vec<&str> = writes
            .iter()
            .filter_map(|&k| s.action.list.items.get(k).map(String::as_str))
            .collect();
        out.push(Hit::new(
            src(i).action(first),
            format!(
                "{} allows write actions on every resource: {}",
                stmt_name(s),
                list(&texts, 3)
            ),
        ));
    }
}
