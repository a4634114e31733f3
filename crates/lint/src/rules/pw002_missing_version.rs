use super::{Ctx, Hit};

rule! {
    /// ## What
    /// Reports a policy without a `Version` element.
    ///
    /// ## Why
    /// Without `Version`, IAM reads the policy as version `2008-10-17`, where policy
    /// variables such as `${aws:username}` are not substituted: a resource written as
    /// `arn:aws:s3:::phi/${aws:username}/*` then names the literal folder
    /// `${aws:username}`, and access silently breaks or (in a `Deny`) silently stops
    /// protecting. AWS: IAM User Guide, "IAM JSON policy elements: Version" (a policy
    /// without `Version` is read as the older version) and "IAM policy elements: Variables
    /// and tags" (variables are treated as literal strings without version 2012-10-17).
    ///
    /// ## Example
    /// ```json
    /// {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
    ///                 "Resource": "arn:aws:s3:::phi/${aws:username}/*"}]}
    /// ```
    ///
    /// ## Fix
    /// Add `"Version": "2012-10-17"` as the document's first element.
    pub static MISSING_VERSION = {
        id: "PW002",
        name: "missing-version",
        title: "The policy has no `Version`",
        severity: Warning,
        catalog: false,
        fix: "add `\"Version\": \"2012-10-17\"` as the first element",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    if cx.policy.version.is_none() {
        out.push(Hit::new(
            cx.src.pos,
            "the policy has no `Version`: it is read as `2008-10-17`, where policy variables are not substituted",
        ));
    }
}
