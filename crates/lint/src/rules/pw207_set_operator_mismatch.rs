use phiward_policy::condition::{Base, SetOp};
use phiward_policy::parse::clip;

use super::{action_keys, key_type, known_actions, Ctx, Hit};

rule! {
    /// ## What
    /// Reports a set operator (`ForAllValues:`, `ForAnyValue:`) on a single-valued key,
    /// and a plain operator on a multivalued (`ArrayOf...`) key such as `aws:TagKeys` or
    /// `aws:PrincipalOrgPaths`.
    ///
    /// ## Why
    /// A plain operator on a multivalued key does not match a request that carries a set
    /// of values, so an `Allow` never applies and a `Deny` never protects.
    /// `ForAllValues:` on a single-valued key is true when the key is absent, so an `Allow`
    /// written that way grants requests that lack the key altogether. AWS: IAM User Guide,
    /// "Single-valued vs. multivalued context keys" (set operators are for multivalued
    /// keys, and its warning on `ForAllValues` with `Allow`).
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
    ///                 "Condition": {"StringEquals": {"aws:TagKeys": "project"}}}]}
    /// ```
    ///
    /// ## Fix
    /// Use `ForAllValues:` or `ForAnyValue:` with multivalued keys, and plain operators
    /// with single-valued keys.
    pub static SET_OPERATOR_MISMATCH = {
        id: "PW207",
        name: "set-operator-mismatch",
        title: "A set operator on a single-valued key, or none on a multivalued key",
        severity: Warning,
        catalog: true,
        fix: "use `ForAllValues:`/`ForAnyValue:` only, and always, with multivalued (`ArrayOf`) keys",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(cat) = cx.catalog else { return };
    for (s, src, set) in cx.statements() {
        if s.conditions.is_empty() {
            continue;
        }
        let keys = known_actions(cx, s, set)
            .map(|a| action_keys(cat, &a))
            .unwrap_or_default();
        for (i, c) in s.conditions.iter().enumerate() {
            if c.operator.base == Base::Null {
                continue;
            }
            let Some(t) = key_type(cat, &keys, &c.key) else {
                continue;
            };
            let message = match (t.multivalued, c.operator.set) {
                (true, SetOp::None) => format!(
                    "`{}` on `{}`, a multivalued `{}` key, needs `ForAnyValue:` or `ForAllValues:`",
                    clip(&c.operator_text),
                    clip(&c.key),
                    t.name()
                ),
                (false, SetOp::ForAllValues | SetOp::ForAnyValue) => format!(
                    "`{}` on `{}`, a single-valued `{}` key: set operators are for multivalued keys",
                    clip(&c.operator_text),
                    clip(&c.key),
                    t.name()
                ),
                _ => continue,
            };
            out.push(Hit::new(src.condition(i), message));
        }
    }
}
