use phiward_policy::parse::VERSION_2008;

use super::{Ctx, Hit};

rule! {
    /// ## What
    /// Reports a policy whose `Version` is `2008-10-17`.
    ///
    /// ## Why
    /// The 2008 policy language does not substitute policy variables: `${aws:username}`
    /// in a `Resource` or condition value is compared literally, so the statement does not
    /// do what it says. Newer features are documented only for `2012-10-17`. AWS: IAM User
    /// Guide, "IAM JSON policy elements: Version" and "IAM policy elements: Variables and
    /// tags" (policy variables need version 2012-10-17).
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2008-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    /// ```
    ///
    /// ## Fix
    /// Use `"Version": "2012-10-17"`, and check that values containing `${` are meant as
    /// policy variables.
    pub static LEGACY_VERSION = {
        id: "PW003",
        name: "legacy-version",
        title: "The policy uses the old `2008-10-17` language version",
        severity: Warning,
        catalog: false,
        fix: "use `\"Version\": \"2012-10-17\"`; check that values with `${` are meant as policy variables",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    if cx.policy.version.as_deref() == Some(VERSION_2008) {
        out.push(Hit::new(
            cx.src.version.unwrap_or(cx.src.pos),
            "`Version` is `2008-10-17`: policy variables such as `${aws:username}` are not substituted",
        ));
    }
}
