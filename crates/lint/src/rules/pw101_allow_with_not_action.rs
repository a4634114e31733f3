use phiward_policy::Effect;

use super::{list, Ctx, Hit};

rule! {
    /// ## What
    /// Reports an `Allow` statement written with `NotAction`.
    ///
    /// ## Why
    /// `NotAction` with `Allow` grants every action except the listed ones, including every
    /// action of every service AWS adds later. What looks like a narrow exception is a
    /// broad grant. AWS: IAM User Guide, "IAM JSON policy elements: NotAction", which warns
    /// that `NotAction` with `Allow` can grant more permissions than intended.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
    /// ```
    /// This grants everything outside IAM: every S3 object, every KMS key, every secret.
    ///
    /// ## Fix
    /// List the actions to allow with `Action`; to carve out exceptions, add a `Deny`
    /// statement with `Action` (or keep `NotAction`, but only with `Deny`).
    pub static ALLOW_WITH_NOT_ACTION = {
        id: "PW101",
        name: "allow-with-not-action",
        title: "`NotAction` in an `Allow` statement",
        severity: Warning,
        catalog: false,
        fix: "list the allowed actions with `Action`; use `NotAction` only with `Deny`",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for (s, src, _) in cx.statements() {
        if s.effect == Effect::Allow && s.action.negated {
            out.push(Hit::new(
                src.action_element(),
                format!(
                    "`NotAction` in an `Allow` grants every action except {}, including actions AWS adds later",
                    list(&s.action.list.items, 3)
                ),
            ));
        }
    }
}
