use super::{list, stmt_name, Ctx, Hit};
use crate::risk::{StarGrants, PRIVESC_METHODS};

rule! {
    /// ## What
    /// Reports `Allow` statements of an identity-based policy that, on every resource
    /// (`"Resource": "*"` or `NotResource`), grant a known privilege-escalation path: an
    /// action, or a set of actions granted together by the policy, that lets a principal
    /// give itself more permissions. Wildcards count: `iam:*`, `iam:Put*` and `*` grant
    /// the actions they match. Actions taken back by an unconditional `Deny` on `*` do not
    /// count.
    ///
    /// ## Why
    /// A principal that can write its own policies, create access keys or passwords for
    /// other users, or pass a privileged role to a compute service it controls, holds every
    /// permission in the account, PHI included. The paths checked are Rhino Security Labs'
    /// 21 methods ("AWS IAM Privilege Escalation – Methods and Mitigation"):
    /// `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`, `iam:CreateAccessKey`,
    /// `iam:CreateLoginProfile`, `iam:UpdateLoginProfile`, `iam:Attach{User,Group,Role}Policy`,
    /// `iam:Put{User,Group,Role}Policy`, `iam:AddUserToGroup`, `iam:UpdateAssumeRolePolicy`
    /// with `sts:AssumeRole`, `iam:PassRole` with `ec2:RunInstances`, with
    /// `lambda:CreateFunction` and `lambda:InvokeFunction` or
    /// `lambda:CreateEventSourceMapping`, with `glue:CreateDevEndpoint`, with
    /// `cloudformation:CreateStack`, with `datapipeline:CreatePipeline` and
    /// `datapipeline:PutPipelineDefinition`, `lambda:UpdateFunctionCode` and
    /// `glue:UpdateDevEndpoint`; and `iam:PassRole` on `*` alone (IAM User Guide, "Grant a
    /// user permissions to pass a role to an AWS service").
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction",
    ///                 "lambda:InvokeFunction"], "Resource": "*"}]}
    /// ```
    ///
    /// ## Fix
    /// Limit the actions to specific resources (the roles that may be passed, the users
    /// whose keys may be managed), add conditions such as `iam:PassedToService` or a
    /// permissions boundary requirement, or remove them.
    pub static PRIVILEGE_ESCALATION = {
        id: "PW301",
        name: "privilege-escalation",
        title: "The policy grants a privilege-escalation path on every resource",
        severity: Error,
        catalog: false,
        fix: "limit these actions to specific resources, constrain them with conditions (`iam:PassedToService`, `iam:PermissionsBoundary`), or remove them",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(g) = StarGrants::new(cx) else { return };
    if g.allows.is_empty() {
        return;
    }
    let open: Vec<&[&str]> = PRIVESC_METHODS
        .iter()
        .copied()
        .filter(|m| m.iter().all(|a| g.policy_grants(a)))
        .collect();
    for &i in &g.allows {
        let mine: Vec<&[&str]> = open
            .iter()
            .copied()
            .filter(|m| m.iter().any(|a| g.grants(i, a)))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let actions: Vec<&str> = mine.iter().flat_map(|m| m.iter().copied()).collect();
        let paths: Vec<String> = mine.iter().map(|m| m.join(" + ")).collect();
        let Some(s) = cx.policy.statements.get(i) else {
            continue;
        };
        out.push(Hit::new(
            g.pos(i, &actions),
            format!(
                "{} allows privilege escalation on every resource: {}",
                stmt_name(s),
                list(&paths, 3)
            ),
        ));
    }
}
