use phiward_policy::parse::clip;

use super::{known_actions, list, Ctx, Hit};
use crate::globs::{ArnFormat, ArnPattern};
use crate::risk::is_star;

rule! {
    /// ## What
    /// Reports a `Resource` ARN that fits none of the resource types the statement's
    /// actions take, such as an object action on a bucket ARN, or a specific ARN for an
    /// action that only takes `"Resource": "*"`.
    ///
    /// ## Why
    /// AWS authorizes each action against the ARNs of its own resource types. An ARN of
    /// another type never matches, so the statement grants (or denies) nothing for it. The
    /// classic case is `s3:GetObject` on `arn:aws:s3:::bucket`: objects are
    /// `arn:aws:s3:::bucket/key`, so nobody can read anything. The check is conservative:
    /// an ARN is reported only when no resource type's ARN format can match it (wildcards
    /// and policy variables may stand for anything). AWS: Service Authorization Reference,
    /// "Resource types" tables; IAM User Guide, "IAM JSON policy elements: Resource".
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
    ///                 "Resource": "arn:aws:s3:::phi-records"}]}
    /// ```
    ///
    /// ## Fix
    /// Use the ARN format of the action's resource type (`arn:aws:s3:::phi-records/*` for
    /// objects), or split the statement so each action gets ARNs of its own types.
    pub static RESOURCE_TYPE_MISMATCH = {
        id: "PW204",
        name: "resource-type-mismatch",
        title: "A resource ARN fits no resource type of the statement's actions",
        severity: Warning,
        catalog: true,
        fix: "use the ARN format of the actions' resource types, or split the statement per resource type",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(cat) = cx.catalog else { return };
    for (s, src, set) in cx.statements() {
        let Some(r) = s.resource.as_ref().filter(|r| !r.negated) else {
            continue;
        };
        let Some(actions) = known_actions(cx, s, set) else {
            continue;
        };
        let mut types: Vec<(String, String)> = actions
            .iter()
            .flat_map(|a| cat.resource_types(a))
            .map(|t| (t.name, t.arn_format))
            .collect();
        types.sort();
        types.dedup();
        for (i, arn) in r.list.items.iter().enumerate() {
            // `*` fits everything; short ARNs read missing parts as wildcards.
            if is_star(arn) || arn.matches(':').count() < 5 {
                continue;
            }
            let pattern = ArnPattern::new(arn);
            if types.iter().any(|(_, f)| ArnFormat::new(f).fits(&pattern)) {
                continue;
            }
            let message = if types.is_empty() {
                format!(
                    "`{}` never matches: the statement's actions ({}) support only `\"Resource\": \"*\"`",
                    clip(arn),
                    list(&actions, 3)
                )
            } else {
                let shown: Vec<String> = types
                    .iter()
                    .take(2)
                    .map(|(n, f)| format!("`{n}` (`{f}`)"))
                    .collect();
                let more = match types.len() {
                    n if n > 2 => format!(" (+{} more)", n - 2),
                    _ => String::new(),
                };
                format!(
                    "`{}` fits no resource type of {}; expected {}{more}",
                    clip(arn),
                    list(&actions, 3),
                    shown.join(" or ")
                )
            };
            out.push(Hit::new(src.resource(i), message));
        }
    }
}
