use phiward_policy::condition::{Base, SetOp};
use phiward_policy::values::parse_bool;
use phiward_policy::Effect;

use super::{stmt_name, Ctx, Hit};

rule! {
    /// ## What
    /// Reports a `Deny` statement whose condition is `"Bool": {"aws:MultiFactorAuthPresent":
    /// "false"}`.
    ///
    /// ## Why
    /// `aws:MultiFactorAuthPresent` is absent from requests signed with long-term access
    /// keys (an IAM user's access key from the CLI or an SDK). `Bool` on an absent key does
    /// not match, so the `Deny` never applies to exactly the requests it should stop:
    /// without MFA, with a leaked access key. AWS: IAM User Guide, "AWS global condition
    /// context keys" (`aws:MultiFactorAuthPresent` is absent with long-term credentials)
    /// and "IAM JSON policy elements: Condition operators" ("...IfExists condition
    /// operators"); AWS Knowledge Center, "How can I require MFA authentication for IAM
    /// users that use the AWS CLI?", which gives `BoolIfExists` as the fix.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
    ///                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}
    /// ```
    ///
    /// ## Fix
    /// Write `"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}`, which also denies
    /// requests that carry no MFA information.
    pub static MFA_DENY_WITHOUT_IF_EXISTS = {
        id: "PW104",
        name: "mfa-deny-without-if-exists",
        title: "A `Deny` tests `aws:MultiFactorAuthPresent` with `Bool` instead of `BoolIfExists`",
        severity: Error,
        catalog: false,
        fix: "use `\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}` so requests without MFA information are denied too",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    for (s, src, _) in cx.statements() {
        if s.effect != Effect::Deny {
            continue;
        }
        for (i, c) in s.conditions.iter().enumerate() {
            let op = c.operator;
            if c.key_lc == "aws:multifactorauthpresent"
                && op.base == Base::Bool
                && !op.if_exists
                && op.set == SetOp::None
                && c.values.iter().any(|v| parse_bool(&v.text) == Some(false))
            {
                out.push(Hit::new(
                    src.condition(i),
                    format!(
                        "{} tests `aws:MultiFactorAuthPresent` with `Bool`: requests signed with long-term access keys lack the key, so the `Deny` never applies to them",
                        stmt_name(s)
                    ),
                ));
            }
        }
    }
}
