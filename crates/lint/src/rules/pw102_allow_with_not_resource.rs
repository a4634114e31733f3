use phiward_policy::Effect;

use super::{list, Ctx, Hit};

rule! {
    /// ## What
    /// Reports an `Allow` statement written with `NotResource`.
    ///
    /// ## Why
    /// `NotResource` with `Allow` grants the actions on every resource except the listed
    /// ones: every other bucket, key and table, in every account the principal can reach,
    /// including resources created later. AWS: IAM User Guide, "IAM JSON policy elements:
    /// NotResource", which warns that `NotResource` with `Allow` can grant more
    /// permissions than intended.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": "s3:*",
    ///                 "NotResource": "arn:aws:s3:::phi-archive/*"}]}
    /// ```
    ///
    /// ## Fix
    /// List the resources to allow with `Resource`; to carve out exceptions, add a `Deny`
    /// statement (or keep `NotResource`, but only with `Deny`).
    pub static ALLOW_WITH_NOT_RESOURCE = {
        id: "PW102",
        name: "allow-with-not-resource",
        title: "`NotResource` in an `Allow` statement",
        severity: Warning,
        catalog: false,
        fix: "list the allowed resources with `Resource`; use `NotResource` only with `Deny`",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for (s, src, _) in cx.statements() {
        let Some(r) = &s.resource else { continue };
        if s.effect == Effect::Allow && r.negated {
            out.push(Hit::new(
                src.resource_element(),
                format!(
                    "`NotResource` in an `Allow` grants on every resource except {}, including resources created later",
                    list(&r.list.items, 2)
                ),
            ));
        }
    }
}
