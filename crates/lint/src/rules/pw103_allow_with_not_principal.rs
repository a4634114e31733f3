use phiward_policy::Effect;

use super::{Ctx, Hit};

rule! {
    /// ## What
    /// Reports an `Allow` statement of a resource-based policy written with `NotPrincipal`.
    ///
    /// ## Why
    /// `NotPrincipal` with `Allow` grants to every principal except the listed ones: every
    /// other AWS account and anonymous callers included. For a bucket or key holding PHI
    /// that is public access. AWS: IAM User Guide, "AWS JSON policy elements:
    /// NotPrincipal", which strongly recommends against `NotPrincipal` with `Allow` for
    /// this reason.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow",
    ///                 "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/mallory"},
    ///                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi/*"}]}
    /// ```
    ///
    /// ## Fix
    /// Name the principals to allow with `Principal`; to exclude some, add a `Deny` with a
    /// condition on `aws:PrincipalArn`.
    pub static ALLOW_WITH_NOT_PRINCIPAL = {
        id: "PW103",
        name: "allow-with-not-principal",
        title: "`NotPrincipal` in an `Allow` statement",
        severity: Error,
        catalog: false,
        fix: "name the allowed principals with `Principal`; exclude others with a `Deny` on `aws:PrincipalArn`",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for (s, src, _) in cx.statements() {
        if s.effect == Effect::Allow && s.principal.as_ref().is_some_and(|p| p.negated) {
            out.push(Hit::new(
                src.principal_element(),
                "`NotPrincipal` in an `Allow` grants to every principal not listed, anonymous callers included",
            ));
        }
    }
}
