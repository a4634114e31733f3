use super::{list, stmt_name, Ctx, Hit};
use crate::catalog::AccessLevel;
use crate::risk::{self, StarGrants};

rule! {
    /// ## What
    /// Reports `Allow` statements of an identity-based policy that grant permissions
    /// management actions on every resource: actions that change who may do what, such as
    /// attaching or writing IAM policies, bucket policies and ACLs, key policies and
    /// grants. With the AWS catalog, every action whose access level is `Permissions
    /// management` counts; without it, a curated list of common ones.
    ///
    /// ## Why
    /// Whoever can rewrite policies on `*` can grant anyone, themselves included, access to
    /// every bucket, key and table: the access controls around PHI are only as strong as
    /// this permission is narrow. AWS: IAM User Guide, "Understanding access level
    /// summaries in policy summaries" (Permissions management) and "Security best
    /// practices in IAM".
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": ["s3:PutBucketPolicy", "kms:PutKeyPolicy"],
    ///                 "Resource": "*"}]}
    /// ```
    ///
    /// ## Fix
    /// Limit these actions to the specific resources the principal administers, or
    /// reserve them for an administrative role behind MFA.
    pub static PERMISSIONS_MANAGEMENT = {
        id: "PW302",
        name: "permissions-management",
        title: "The policy grants permissions management on every resource",
        severity: Warning,
        catalog: false,
        fix: "limit these actions to the resources the principal administers, or reserve them for an administrative role",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(g) = StarGrants::new(cx) else { return };
    let found: Vec<(usize, Vec<String>)> = match g.at_level(AccessLevel::PermissionsManagement) {
        Some(f) => f,
        None => g
            .listed(risk::PERMISSIONS_MANAGEMENT)
            .into_iter()
            .map(|(i, a)| (i, a.into_iter().map(str::to_string).collect()))
            .collect(),
    };
    for (i, actions) in found {
        let Some(s) = cx.policy.statements.get(i) else {
            continue;
        };
        let refs: Vec<&str> = actions.iter().map(String::as_str).collect();
        out.push(Hit::new(
            g.pos(i, &refs),
            format!(
                "{} allows changing permissions on every resource: {}",
                stmt_name(s),
                list(&actions, 3)
            ),
        ));
    }
}
