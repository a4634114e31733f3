//! IAM: authorization details, the credential report, per-user MFA devices and access
//! keys, the password policy, the account summary, identity providers and the alias.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_iam::types as t;
use aws_sdk_iam::Client;
use phiward_snapshot::credential_report::{self, CredentialReport};
use phiward_snapshot::model::iam as m;
use phiward_snapshot::{Collected, PolicyText, Snapshot};

use crate::ctx::{ots, Ctx, Got};
use crate::sdk::Sdk;
use phiward_snapshot::calls;

/// How often to ask whether the credential report is ready, and how long to wait between.
const REPORT_POLLS: u32 = 20;
const REPORT_POLL_DELAY: Duration = Duration::from_millis(1500);

pub(crate) async fn collect(ctx: &Ctx, sdk: &Sdk, snap: &mut Snapshot) {
    let iam = Client::new(&sdk.config);
    let aliases = ctx.call(
        &calls::IAM_LIST_ACCOUNT_ALIASES,
        None,
        iam.list_account_aliases()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    );
    let details = ctx.call(
        &calls::IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS,
        None,
        iam.get_account_authorization_details()
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    );
    let (aliases, details, report, password, summary, saml, oidc) = tokio::join!(
        aliases,
        details,
        credential_report(ctx, &iam),
        ctx.call(
            &calls::IAM_GET_ACCOUNT_PASSWORD_POLICY,
            None,
            iam.get_account_password_policy().send()
        ),
        ctx.call(
            &calls::IAM_GET_ACCOUNT_SUMMARY,
            None,
            iam.get_account_summary().send()
        ),
        ctx.call(
            &calls::IAM_LIST_SAML_PROVIDERS,
            None,
            iam.list_saml_providers().send()
        ),
        oidc_providers(ctx, &iam),
    );
    if let Some(a) = aliases.data() {
        snap.account.alias = a.into_iter().next();
    }
    snap.iam = details.or_default(|pages| {
        let mut out = m::Iam::default();
        for p in pages {
            out.users.extend(p.user_detail_list().iter().map(user));
            out.groups.extend(p.group_detail_list().iter().map(group));
            out.roles.extend(p.role_detail_list().iter().map(role));
            out.policies.extend(p.policies().iter().map(policy));
        }
        keep_policies_in_use(&mut out);
        out
    });
    snap.credential_report = report;
    phiward_snapshot::import::join_credentials(snap);
    user_credentials(ctx, &iam, snap).await;
    snap.password_policy =
        password.optional(|o| o.password_policy().map(password_policy).unwrap_or_default());
    snap.account_summary = summary.or_default(|o| m::AccountSummary {
        summary_map: o
            .summary_map()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str().to_string(), i64::from(*v)))
            .collect(),
    });
    snap.saml_providers = saml.or_default(|o| {
        o.saml_provider_list()
            .iter()
            .map(|p| m::SamlProvider {
                arn: p.arn().unwrap_or_default().to_string(),
                valid_until: ots(p.valid_until()),
                create_date: ots(p.create_date()),
            })
            .collect()
    });
    snap.oidc_providers = oidc;
}

/// Generates the report, waits until it is ready, and parses it.
async fn credential_report(ctx: &Ctx, iam: &Client) -> Collected<CredentialReport> {
    for attempt in 0..REPORT_POLLS {
        let got = ctx
            .call(
                &calls::IAM_GENERATE_CREDENTIAL_REPORT,
                None,
                iam.generate_credential_report().send(),
            )
            .await;
        match got {
            Got::Data(o) if o.state() == Some(&t::ReportStateType::Complete) => break,
            Got::Data(_) if attempt + 1 < REPORT_POLLS => {
                tokio::time::sleep(REPORT_POLL_DELAY).await;
            }
            Got::Data(_) | Got::Absent => break,
            Got::Not(n) => return Collected::Unknown(n),
        }
    }
    let api = &calls::IAM_GET_CREDENTIAL_REPORT;
    let got = ctx
        .call(api, None, iam.get_credential_report().send())
        .await;
    let out = match got {
        Got::Data(o) => o,
        Got::Absent => return Collected::missing("no credential report"),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let content = out.content().map(|b| b.as_ref()).unwrap_or_default();
    match credential_report::parse_csv(content) {
        Ok(rows) => Collected::Known(CredentialReport {
            generated_time: ots(out.generated_time()),
            rows,
        }),
        Err(e) => Collected::Unknown(ctx.record_failed(
            api,
            None,
            format!("the credential report could not be read: {e}"),
        )),
    }
}

async fn oidc_providers(ctx: &Ctx, iam: &Client) -> Collected<Vec<m::OidcProvider>> {
    let list = ctx
        .call(
            &calls::IAM_LIST_OPENID_CONNECT_PROVIDERS,
            None,
            iam.list_open_id_connect_providers().send(),
        )
        .await;
    let arns: Vec<String> = match list {
        Got::Data(o) => o
            .open_id_connect_provider_list()
            .iter()
            .filter_map(|p| p.arn().map(str::to_string))
            .collect(),
        Got::Absent => Vec::new(),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let described = arns.iter().map(|arn| async move {
        let got = ctx
            .call(
                &calls::IAM_GET_OPENID_CONNECT_PROVIDER,
                Some(arn),
                iam.get_open_id_connect_provider()
                    .open_id_connect_provider_arn(arn)
                    .send(),
            )
            .await;
        // A provider that cannot be described is still listed, without its URL.
        let (url, clients) = match got.data() {
            Some(o) => (o.url().map(str::to_string), o.client_id_list().to_vec()),
            None => (None, Vec::new()),
        };
        m::OidcProvider {
            arn: arn.clone(),
            url,
            client_id_list: clients,
        }
    });
    Collected::Known(futures_util::future::join_all(described).await)
}

/// Adds what the credential report does not say: the MFA devices and the access key ids.
async fn user_credentials(ctx: &Ctx, iam: &Client, snap: &mut Snapshot) {
    let Some(model) = snap.iam.get_mut() else {
        return;
    };
    let lookups = model.users.iter().map(|u| {
        let name = u.user_name.clone();
        async move {
            let mfa = ctx.call(
                &calls::IAM_LIST_MFA_DEVICES,
                Some(&name),
                iam.list_mfa_devices()
                    .user_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            );
            let keys = ctx.call(
                &calls::IAM_LIST_ACCESS_KEYS,
                Some(&name),
                iam.list_access_keys()
                    .user_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            );
            let (mfa, keys) = tokio::join!(mfa, keys);
            (mfa.data(), keys.data())
        }
    });
    let found = futures_util::future::join_all(lookups).await;
    for (user, (mfa, keys)) in model.users.iter_mut().zip(found) {
        let Some(creds) = user.credentials.get_mut() else {
            continue;
        };
        if let Some(devices) = mfa {
            creds.mfa_active |= !devices.is_empty();
            creds.mfa_devices = Some(
                devices
                    .iter()
                    .map(|d| m::MfaDevice {
                        serial_number: d.serial_number().to_string(),
                        enable_date: crate::ctx::ts(d.enable_date()),
                    })
                    .collect(),
            );
        }
        for listed in keys.iter().flatten() {
            let created = ots(listed.create_date()).map(|t| t.timestamp());
            // The report names keys by slot and creation time (to the second), the
            // listing by id.
            if let Some(k) = creds.access_keys.iter_mut().find(|k| {
                k.access_key_id.is_none()
                    && k.create_date.map(|t| t.timestamp()) == created
                    && listed.status().map(t::StatusType::as_str) == Some(status_name(k.status))
            }) {
                k.access_key_id = listed.access_key_id().map(str::to_string);
            }
        }
    }
}

fn status_name(s: m::CredentialStatus) -> &'static str {
    match s {
        m::CredentialStatus::Active => "Active",
        m::CredentialStatus::Inactive => "Inactive",
    }
}

/// AWS managed policies that nothing uses are left out: real AWS returns only those in
/// use, while emulators such as moto return all of them.
fn keep_policies_in_use(iam: &mut m::Iam) {
    let mut used: BTreeSet<String> = BTreeSet::new();
    let attached = iam
        .users
        .iter()
        .flat_map(|u| u.attached_managed_policies.iter())
        .chain(
            iam.groups
                .iter()
                .flat_map(|g| g.attached_managed_policies.iter()),
        )
        .chain(
            iam.roles
                .iter()
                .flat_map(|r| r.attached_managed_policies.iter()),
        );
    used.extend(attached.map(|a| a.policy_arn.clone()));
    let boundaries = iam
        .users
        .iter()
        .filter_map(|u| u.permissions_boundary.as_ref())
        .chain(
            iam.roles
                .iter()
                .filter_map(|r| r.permissions_boundary.as_ref()),
        );
    used.extend(boundaries.map(|b| b.permissions_boundary_arn.clone()));
    iam.policies.retain(|p| {
        !p.is_aws_managed()
            || used.contains(&p.arn)
            || p.attachment_count > 0
            || p.permissions_boundary_usage_count > 0
    });
}

fn text(s: Option<&str>) -> String {
    s.unwrap_or_default().to_string()
}

fn inline(p: &t::PolicyDetail) -> m::InlinePolicy {
    m::InlinePolicy {
        policy_name: text(p.policy_name()),
        policy_document: PolicyText::from_source(text(p.policy_document())),
    }
}

fn attached(p: &t::AttachedPolicy) -> m::AttachedPolicy {
    m::AttachedPolicy {
        policy_name: text(p.policy_name()),
        policy_arn: text(p.policy_arn()),
    }
}

fn boundary(b: Option<&t::AttachedPermissionsBoundary>) -> Option<m::PermissionsBoundary> {
    let b = b?;
    Some(m::PermissionsBoundary {
        permissions_boundary_type: b
            .permissions_boundary_type()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        permissions_boundary_arn: text(b.permissions_boundary_arn()),
    })
}

fn tags(tags: &[t::Tag]) -> Vec<m::Tag> {
    tags.iter()
        .map(|x| m::Tag {
            key: x.key().to_string(),
            value: x.value().to_string(),
        })
        .collect()
}

fn user(u: &t::UserDetail) -> m::User {
    m::User {
        path: text(u.path()),
        user_name: text(u.user_name()),
        user_id: text(u.user_id()),
        arn: text(u.arn()),
        create_date: ots(u.create_date()),
        user_policy_list: u.user_policy_list().iter().map(inline).collect(),
        group_list: u.group_list().to_vec(),
        attached_managed_policies: u.attached_managed_policies().iter().map(attached).collect(),
        permissions_boundary: boundary(u.permissions_boundary()),
        tags: tags(u.tags()),
        credentials: Collected::missing("not joined yet"),
    }
}

fn group(g: &t::GroupDetail) -> m::Group {
    m::Group {
        path: text(g.path()),
        group_name: text(g.group_name()),
        group_id: text(g.group_id()),
        arn: text(g.arn()),
        create_date: ots(g.create_date()),
        group_policy_list: g.group_policy_list().iter().map(inline).collect(),
        attached_managed_policies: g.attached_managed_policies().iter().map(attached).collect(),
    }
}

fn role(r: &t::RoleDetail) -> m::Role {
    m::Role {
        path: text(r.path()),
        role_name: text(r.role_name()),
        role_id: text(r.role_id()),
        arn: text(r.arn()),
        create_date: ots(r.create_date()),
        assume_role_policy_document: r.assume_role_policy_document().map(PolicyText::from_source),
        description: None,
        max_session_duration: None,
        instance_profile_list: r
            .instance_profile_list()
            .iter()
            .map(|p| m::InstanceProfile {
                instance_profile_name: p.instance_profile_name().to_string(),
                instance_profile_id: p.instance_profile_id().to_string(),
                arn: p.arn().to_string(),
                path: p.path().to_string(),
            })
            .collect(),
        role_policy_list: r.role_policy_list().iter().map(inline).collect(),
        attached_managed_policies: r.attached_managed_policies().iter().map(attached).collect(),
        permissions_boundary: boundary(r.permissions_boundary()),
        tags: tags(r.tags()),
        role_last_used: r.role_last_used().map(|l| m::RoleLastUsed {
            last_used_date: ots(l.last_used_date()),
            region: l.region().map(str::to_string),
        }),
    }
}

fn policy(p: &t::ManagedPolicyDetail) -> m::ManagedPolicy {
    let arn = text(p.arn());
    // moto leaves the name out; it is the ARN's last segment.
    let name = match p.policy_name() {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => arn.rsplit('/').next().unwrap_or_default().to_string(),
    };
    m::ManagedPolicy {
        policy_name: name,
        policy_id: text(p.policy_id()),
        path: text(p.path()),
        default_version_id: text(p.default_version_id()),
        attachment_count: p
            .attachment_count()
            .map_or(0, |n| u64::try_from(n).unwrap_or(0)),
        permissions_boundary_usage_count: p
            .permissions_boundary_usage_count()
            .map_or(0, |n| u64::try_from(n).unwrap_or(0)),
        is_attachable: p.is_attachable(),
        description: p.description().map(str::to_string),
        create_date: ots(p.create_date()),
        update_date: ots(p.update_date()),
        policy_version_list: p
            .policy_version_list()
            .iter()
            .map(|v| m::PolicyVersion {
                document: PolicyText::from_source(text(v.document())),
                version_id: text(v.version_id()),
                is_default_version: v.is_default_version(),
                create_date: ots(v.create_date()),
            })
            .collect(),
        arn,
    }
}

fn password_policy(p: &t::PasswordPolicy) -> m::PasswordPolicy {
    let num = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok());
    m::PasswordPolicy {
        minimum_password_length: num(p.minimum_password_length()),
        require_symbols: Some(p.require_symbols()),
        require_numbers: Some(p.require_numbers()),
        require_uppercase_characters: Some(p.require_uppercase_characters()),
        require_lowercase_characters: Some(p.require_lowercase_characters()),
        allow_users_to_change_password: Some(p.allow_users_to_change_password()),
        expire_passwords: Some(p.expire_passwords()),
        max_password_age: num(p.max_password_age()),
        password_reuse_prevention: num(p.password_reuse_prevention()),
        hard_expiry: p.hard_expiry(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn managed(arn: &str, attachments: u64) -> m::ManagedPolicy {
        m::ManagedPolicy {
            policy_name: String::new(),
            policy_id: String::new(),
            arn: arn.to_string(),
            path: "/".to_string(),
            default_version_id: "v1".to_string(),
            attachment_count: attachments,
            permissions_boundary_usage_count: 0,
            is_attachable: true,
            description: None,
            create_date: None,
            update_date: None,
            policy_version_list: Vec::new(),
        }
    }

    #[test]
    fn only_aws_managed_policies_in_use_are_kept() {
        let mut iam = m::Iam {
            policies: vec![
                managed("arn:aws:iam::aws:policy/ReadOnlyAccess", 0),
                managed("arn:aws:iam::aws:policy/AdministratorAccess", 0),
                managed("arn:aws:iam::aws:policy/SecurityAudit", 1),
                managed("arn:aws:iam::111122223333:policy/unused", 0),
            ],
            ..m::Iam::default()
        };
        iam.groups.push(m::Group {
            path: "/".to_string(),
            group_name: "g".to_string(),
            group_id: String::new(),
            arn: "arn:aws:iam::111122223333:group/g".to_string(),
            create_date: None,
            group_policy_list: Vec::new(),
            attached_managed_policies: vec![m::AttachedPolicy {
                policy_name: "ReadOnlyAccess".to_string(),
                policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".to_string(),
            }],
        });
        keep_policies_in_use(&mut iam);
        let kept: Vec<&str> = iam.policies.iter().map(|p| p.arn.as_str()).collect();
        assert_eq!(
            kept,
            [
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "arn:aws:iam::aws:policy/SecurityAudit",
                "arn:aws:iam::111122223333:policy/unused"
            ]
        );
    }

    #[test]
    fn a_policy_without_a_name_is_named_after_its_arn() {
        let p = t::ManagedPolicyDetail::builder()
            .arn("arn:aws:iam::111122223333:policy/phi/phi-read")
            .build();
        assert_eq!(policy(&p).policy_name, "phi-read");
        let named = t::ManagedPolicyDetail::builder()
            .arn("arn:aws:iam::111122223333:policy/x")
            .policy_name("given")
            .build();
        assert_eq!(policy(&named).policy_name, "given");
    }
}
