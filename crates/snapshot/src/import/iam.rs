//! IAM and the account's identity: authorization details, the credential report, the
//! password policy, the account summary, identity providers, the alias.

use base64::Engine;
use serde::Deserialize;

use super::{arn_account, pages, Ctx, Got, Spec, EXPORT_INFO};
use crate::calls;
use crate::collection::EntryStatus;
use crate::credential_report::{self, CredentialReport, CredentialReportRow, ReportValue};
use crate::dates::{self, Timestamp};
use crate::model::iam::{
    AccessKey, AccountSummary, CredentialStatus, Iam, ManagedPolicy, OidcProvider, PasswordPolicy,
    Role, SamlProvider, SigningCertificate, User, UserCredentials,
};
use crate::{Collected, Error, NotCollected, Reason, Snapshot};

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AuthDetails {
    #[serde(default)]
    user_detail_list: Vec<User>,
    #[serde(default)]
    group_detail_list: Vec<crate::model::iam::Group>,
    #[serde(default)]
    role_detail_list: Vec<Role>,
    #[serde(default)]
    policies: Vec<ManagedPolicy>,
}
pages!(AuthDetails: user_detail_list, group_detail_list, role_detail_list, policies);

#[derive(Default, Deserialize)]
struct ExportInfo {
    #[serde(default, deserialize_with = "dates::optional")]
    exported_at: Option<Timestamp>,
}
pages!(ExportInfo);

#[derive(Default, Deserialize)]
struct CallerIdentity {
    #[serde(rename = "Account", default)]
    account: Option<String>,
}
pages!(CallerIdentity);

#[derive(Default, Deserialize)]
struct Aliases {
    #[serde(rename = "AccountAliases", default)]
    aliases: Vec<String>,
}
pages!(Aliases: aliases);

#[derive(Default, Deserialize)]
struct ReportJson {
    #[serde(rename = "Content", default)]
    content: String,
    #[serde(
        rename = "GeneratedTime",
        default,
        deserialize_with = "dates::optional"
    )]
    generated_time: Option<Timestamp>,
}
pages!(ReportJson);

#[derive(Default, Deserialize)]
struct PasswordPolicyResponse {
    #[serde(rename = "PasswordPolicy", default)]
    password_policy: PasswordPolicy,
}
pages!(PasswordPolicyResponse);
pages!(AccountSummary);

#[derive(Default, Deserialize)]
struct SamlList {
    #[serde(rename = "SAMLProviderList", default)]
    list: Vec<SamlProvider>,
}
pages!(SamlList: list);

#[derive(Default, Deserialize)]
struct OidcList {
    #[serde(rename = "OpenIDConnectProviderList", default)]
    list: Vec<OidcProvider>,
}
pages!(OidcList: list);

pub(super) fn import(ctx: &mut Ctx, snap: &mut Snapshot) {
    if ctx.path(EXPORT_INFO).is_file() {
        if let Got::Data(info) =
            ctx.fetch::<ExportInfo>(&Spec::file(&calls::EXPORT_INFO, EXPORT_INFO))
        {
            snap.as_of = info.exported_at;
        }
    }
    if let Got::Data(id) = ctx.fetch::<CallerIdentity>(&Spec::of(&calls::STS_GET_CALLER_IDENTITY)) {
        snap.account.id = id.account;
    }
    if let Got::Data(a) = ctx.fetch::<Aliases>(&Spec::of(&calls::IAM_LIST_ACCOUNT_ALIASES)) {
        snap.account.alias = a.aliases.into_iter().next();
    }
    let spec = Spec::of(&calls::IAM_GET_ACCOUNT_AUTHORIZATION_DETAILS);
    snap.iam = match ctx.fetch::<AuthDetails>(&spec) {
        Got::Data(d) => Collected::Known(Iam {
            users: d.user_detail_list,
            groups: d.group_detail_list,
            roles: d.role_detail_list,
            policies: d.policies,
        }),
        Got::Absent => Collected::Known(Iam::default()),
        Got::Not(n) => Collected::Unknown(n),
    };
    snap.credential_report = credential_report(ctx);
    if snap.as_of.is_none() {
        snap.as_of = snap.credential_report.get().and_then(|r| r.generated_time);
    }
    join_credentials(snap);
    snap.password_policy = ctx
        .fetch::<PasswordPolicyResponse>(&Spec::of(&calls::IAM_GET_ACCOUNT_PASSWORD_POLICY))
        .optional(|r| r.password_policy);
    snap.account_summary = ctx
        .fetch::<AccountSummary>(&Spec::of(&calls::IAM_GET_ACCOUNT_SUMMARY))
        .or_default(|s| s);
    snap.saml_providers = ctx
        .fetch::<SamlList>(&Spec::of(&calls::IAM_LIST_SAML_PROVIDERS))
        .or_default(|l| l.list);
    snap.oidc_providers = ctx
        .fetch::<OidcList>(&Spec::of(&calls::IAM_LIST_OPENID_CONNECT_PROVIDERS))
        .or_default(|l| l.list);
    if snap.account.id.is_none() {
        snap.account.id = account_from_arns(snap);
    }
}

/// Without `sts get-caller-identity`, the account id is the one in the IAM ARNs.
fn account_from_arns(snap: &Snapshot) -> Option<String> {
    let report = snap
        .credential_report
        .get()
        .into_iter()
        .flat_map(|r| r.rows.iter().map(|r| r.arn.as_str()));
    let iam = snap.iam.get().into_iter().flat_map(|i| {
        i.users
            .iter()
            .map(|u| u.arn.as_str())
            .chain(i.roles.iter().map(|r| r.arn.as_str()))
    });
    report.chain(iam).find_map(arn_account).map(str::to_string)
}

const REPORT_JSON: &str = calls::IAM_GET_CREDENTIAL_REPORT.export;
const REPORT_CSV: &str = "iam/credential-report.csv";

/// Reads the JSON form (base64 `Content`) when present, else the decoded CSV.
fn credential_report(ctx: &mut Ctx) -> Collected<CredentialReport> {
    let json_spec = Spec::of(&calls::IAM_GET_CREDENTIAL_REPORT);
    let csv_spec = Spec::file(&calls::IAM_GET_CREDENTIAL_REPORT, REPORT_CSV);
    let (spec, csv, generated_time) = if ctx.path(REPORT_JSON).is_file()
        || !ctx.path(REPORT_CSV).is_file()
            && ctx.path(REPORT_JSON).with_extension("error").is_file()
    {
        match ctx.fetch::<ReportJson>(&json_spec) {
            Got::Data(r) => {
                let compact: String = r.content.split_whitespace().collect();
                match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
                    Ok(b) => (json_spec, b, r.generated_time),
                    Err(e) => {
                        return Collected::Unknown(ctx.unreadable(
                            &json_spec,
                            Error::Invalid {
                                path: ctx.path(REPORT_JSON),
                                message: format!("`Content` is not base64: {e}"),
                            },
                        ))
                    }
                }
            }
            Got::Absent => return Collected::missing("no credential report"),
            Got::Not(n) => return Collected::Unknown(n),
        }
    } else {
        match ctx.bytes(&csv_spec) {
            Ok(b) => (csv_spec, b, None),
            Err(None) => return Collected::missing("no credential report"),
            Err(Some(n)) => return Collected::Unknown(n),
        }
    };
    match credential_report::parse_csv(crate::io::strip_bom(&csv)) {
        Ok(rows) => {
            if spec.file == REPORT_CSV {
                ctx.record(&spec, EntryStatus::Collected, None);
            }
            Collected::Known(CredentialReport {
                generated_time,
                rows,
            })
        }
        Err(e) => {
            let path = ctx.path(&spec.file);
            // The JSON file was recorded as read; its content is what failed.
            ctx.collection
                .entries
                .retain(|x| x.file.as_deref() != Some(spec.file.as_str()));
            Collected::Unknown(ctx.unreadable(
                &spec,
                Error::Invalid {
                    path,
                    message: format!("credential report: {e}"),
                },
            ))
        }
    }
}

/// Fills each user's credentials from the credential report.
pub(crate) fn join_credentials(snap: &mut Snapshot) {
    let report = match &snap.credential_report {
        Collected::Known(r) => Ok(r),
        Collected::Unknown(n) => Err(NotCollected {
            reason: n.reason,
            detail: format!("the credential report was not collected: {}", n.detail),
        }),
    };
    let Some(iam) = snap.iam.get_mut() else {
        return;
    };
    for user in &mut iam.users {
        user.credentials = match &report {
            Err(n) => Collected::Unknown(n.clone()),
            Ok(r) => match r
                .rows
                .iter()
                .find(|row| row.arn == user.arn)
                .or_else(|| r.user(&user.user_name))
            {
                Some(row) => Collected::Known(credentials(row)),
                None => Collected::not(
                    Reason::Missing,
                    format!("`{}` is not in the credential report", user.user_name),
                ),
            },
        };
    }
}

fn credentials(row: &CredentialReportRow) -> UserCredentials {
    let keys = [
        (
            1,
            &row.access_key_1_active,
            &row.access_key_1_last_rotated,
            &row.access_key_1_last_used_date,
            &row.access_key_1_last_used_service,
            &row.access_key_1_last_used_region,
        ),
        (
            2,
            &row.access_key_2_active,
            &row.access_key_2_last_rotated,
            &row.access_key_2_last_used_date,
            &row.access_key_2_last_used_service,
            &row.access_key_2_last_used_region,
        ),
    ];
    // An inactive slot with no rotation date holds no key at all.
    let access_keys = keys
        .into_iter()
        .filter(|(_, active, rotated, ..)| active.get() == Some(true) || rotated.get().is_some())
        .map(|(slot, active, rotated, used, service, region)| AccessKey {
            access_key_id: None,
            slot: Some(slot),
            status: status(active),
            create_date: rotated.get(),
            last_used_date: used.get(),
            last_used_service: text(service),
            last_used_region: text(region),
        })
        .collect();
    let certs = [
        (1, &row.cert_1_active, &row.cert_1_last_rotated),
        (2, &row.cert_2_active, &row.cert_2_last_rotated),
    ];
    let signing_certificates = certs
        .into_iter()
        .filter(|(_, active, rotated)| active.get() == Some(true) || rotated.get().is_some())
        .map(|(slot, active, rotated)| SigningCertificate {
            certificate_id: None,
            slot: Some(slot),
            status: status(active),
            upload_date: rotated.get(),
        })
        .collect();
    UserCredentials {
        password_enabled: row.password_enabled.get() == Some(true),
        password_last_used: row.password_last_used.get(),
        password_last_changed: row.password_last_changed.get(),
        mfa_active: row.mfa_active.get() == Some(true),
        mfa_devices: None,
        access_keys,
        signing_certificates,
    }
}

fn status(active: &ReportValue<bool>) -> CredentialStatus {
    if active.get() == Some(true) {
        CredentialStatus::Active
    } else {
        CredentialStatus::Inactive
    }
}

fn text(v: &ReportValue<String>) -> Option<String> {
    v.value().cloned()
}
