use phiward_policy::{Effect, PolicyKind};

use super::{list, stmt_name, Ctx, Hit};
use crate::risk::is_star;

rule! {
    /// ## What
    /// Reports an `Allow` statement of an identity-based policy with `"Resource": "*"` that
    /// grants actions able to take specific resources (they have resource types), such as
    /// `s3:GetObject` or `kms:Decrypt`.
    ///
    /// ## Why
    /// Least privilege, which HIPAA's minimum-necessary standard asks of access to PHI:
    /// these actions can be limited to the buckets, keys and tables the principal needs,
    /// and `*` extends them to every such resource in every account the principal can
    /// reach, including resources created later. Actions that support only `*` (most
    /// `List*` and `Describe*` actions) are not reported. AWS: IAM User Guide, "Security
    /// best practices in IAM" (apply least-privilege permissions); Service Authorization
    /// Reference, "Resource types" column.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListAllMyBuckets"],
    ///                 "Resource": "*"}]}
    /// ```
    /// `s3:GetObject` can be limited to `arn:aws:s3:::phi-records/*`;
    /// `s3:ListAllMyBuckets` cannot, and is not reported.
    ///
    /// ## Fix
    /// Name the resources in `Resource`; keep `*` in a separate statement for the actions
    /// that support only `*`.
    pub static WILDCARD_RESOURCE_FOR_SCOPED_ACTIONS = {
        id: "PW208",
        name: "wildcard-resource-for-scoped-actions",
        title: "`\"Resource\": \"*\"` for actions that support resource-level permissions",
        severity: Warning,
        catalog: true,
        fix: "name the resources; keep `*` only for actions that support nothing else, in their own statement",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(cat) = cx.catalog else { return };
    if cx.opts.kind != PolicyKind::Identity {
        return;
    }
    for (s, src, set) in cx.statements() {
        let Some(r) = &s.resource else { continue };
        if s.effect != Effect::Allow || set.negated || r.negated {
            continue;
        }
        let Some(star) = r.list.items.iter().position(|x| is_star(x)) else {
            continue;
        };
        let mut scoped: Vec<String> = s
            .action
            .list
            .items
            .iter()
            .flat_map(|p| cx.expand(p).to_vec())
            .filter(|a| !cat.wildcard_only(a) && cat.action_exists(a))
            .collect();
        crate::actions::sort_dedup(&mut scoped);
        if scoped.is_empty() {
            continue;
        }
        out.push(Hit::new(
            src.resource(star),
            format!(
                "{} allows {} on `*`: these actions can be limited to specific resources",
                stmt_name(s),
                list(&scoped, 3)
            ),
        ));
    }
}
