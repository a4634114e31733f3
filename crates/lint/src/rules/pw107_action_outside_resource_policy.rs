use phiward_policy::parse::clip;

use super::{Ctx, Hit};
use phiward_policy::document::ActionMatcher;

use crate::actions::could_name;

rule! {
    /// ## What
    /// With `--resource-policy TYPE` (bucket, key, trust, queue, secret), reports an action
    /// that a policy attached to that kind of resource never governs: an `iam:` action in
    /// a bucket policy, `s3:GetObject` in a trust policy.
    ///
    /// ## Why
    /// A resource-based policy applies only to requests on its own resource: a bucket
    /// policy to `s3` actions on the bucket, a key policy to `kms` actions on the key, a
    /// role's trust policy to `sts:AssumeRole` and its kin. Another service's action in it
    /// has no effect, which usually means the statement was pasted into the wrong policy
    /// and the access it was meant to grant or deny is not in place. AWS: IAM User Guide,
    /// "Identity-based policies and resource-based policies"; Amazon S3 User Guide, "Bucket
    /// policies"; AWS KMS Developer Guide, "Key policies".
    ///
    /// ## Example
    /// A trust policy (`--resource-policy trust`):
    ///
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    ///                 "Action": ["sts:AssumeRole", "s3:GetObject"]}]}
    /// ```
    ///
    /// ## Fix
    /// Move the statement to the policy that governs the action (for a role's own
    /// permissions, an identity-based policy attached to the role).
    pub static ACTION_OUTSIDE_RESOURCE_POLICY = {
        id: "PW107",
        name: "action-outside-resource-policy",
        title: "A resource-based policy names an action its resource never receives",
        severity: Warning,
        catalog: false,
        fix: "move the statement to the policy that governs this action",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(t) = cx.opts.resource_type else {
        return;
    };
    let Some((services, names)) = t.actions() else {
        return;
    };
    for (s, src, set) in cx.statements() {
        if set.negated {
            continue;
        }
        for (i, p) in set.matchers().iter().enumerate() {
            let ActionMatcher::Service { service, .. } = p else {
                continue;
            };
            let fits = services.contains(&service.as_str())
                && (names.is_empty() || names.iter().any(|n| could_name(p, Some(service), n)));
            if !fits {
                let text = s.action.list.items.get(i).map(String::as_str).unwrap_or("");
                let governs = if names.is_empty() {
                    services
                        .iter()
                        .map(|s| format!("`{s}:`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                        + " actions"
                } else {
                    "`sts:AssumeRole`, `sts:AssumeRoleWithSAML`, `sts:AssumeRoleWithWebIdentity`, `sts:TagSession`, `sts:SetSourceIdentity` and `sts:SetContext`".to_string()
                };
                out.push(Hit::new(
                    src.action(i),
                    format!(
                        "`{}` has no effect in a {} policy, which governs only {governs}",
                        clip(text),
                        t.as_str()
                    ),
                ));
            }
        }
    }
}
