//! Who the people behind the principals are, for per-employee access reports.
//!
//! An IAM user is one person (its name, or the value of a person tag). A role is held by
//! people when an assignment list (`person,email,role` rows, typically exported from the
//! identity provider's group memberships) or a person tag on the role names them, or, for
//! an IAM Identity Center role, when the snapshot's Identity Center assignments do; a role
//! federated through SAML or OIDC that nothing maps is still listed, held by
//! [`UNASSIGNED`], because people sign in to it and somebody must recertify it. Other
//! roles (services, automation) are not people and are left out.

use std::collections::BTreeSet;

use serde::Serialize;

use phiward_snapshot::Snapshot;

/// The person holding federated roles that no assignment or tag maps to anyone.
pub const UNASSIGNED: &str = "(unassigned)";

/// One row of an assignment list: `person` holds the role (or user) `role`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The person (a name or an employee id).
    pub person: String,
    /// Their e-mail, when given.
    pub email: Option<String>,
    /// The role (or user), by name or ARN.
    pub role: String,
}

/// Why an assignment list could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeopleError {
    /// The header names no `person` or no `role` column.
    #[error("the header must name the columns `person` and `role` (and optionally `email`), found `{0}`")]
    Header(String),
    /// A row is malformed.
    #[error("line {line}: {message}")]
    Row {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// How a principal was tied to its person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MappedBy {
    /// An IAM user is its own person.
    IamUser,
    /// A person tag on the principal.
    Tag,
    /// A row of the assignment list.
    Assignment,
    /// IAM Identity Center: the user is assigned the role's permission set in this
    /// account, directly or through a group.
    IdentityCenter,
    /// A SAML-federated role nothing maps.
    Saml,
    /// An OIDC-federated role nothing maps.
    Oidc,
}

/// A principal held by a person.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Holder {
    /// The person.
    pub person: String,
    /// Their e-mail, when known.
    pub email: Option<String>,
    /// The IAM user or role ARN.
    pub principal: String,
    /// How the two were tied.
    pub mapped_by: MappedBy,
}

/// How to find the people.
#[derive(Clone, Debug, Default)]
pub struct PeopleOptions {
    /// Tags whose value names the person holding a user or role (`person`), first wins.
    pub person_tags: Vec<String>,
    /// Role-to-person assignments.
    pub assignments: Vec<Assignment>,
}

/// Splits one CSV line (RFC 4180 quoting, no line breaks inside fields).
fn fields(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut cur).trim().to_string()),
            (c, _) => cur.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    out.push(cur.trim().to_string());
    Ok(out)
}

/// Reads an assignment list: a CSV file whose header names `person`, `role` and
/// optionally `email` (any order, any case; other columns are ignored). Blank lines and
/// lines starting with `#` are skipped.
pub fn parse_assignments(text: &str) -> Result<Vec<Assignment>, PeopleError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_start_matches('\u{feff}')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((hline, header)) = lines.next() else {
        return Ok(Vec::new());
    };
    let names = fields(header).map_err(|message| PeopleError::Row {
        line: hline,
        message,
    })?;
    let col = |n: &str| names.iter().position(|h| h.eq_ignore_ascii_case(n));
    let (Some(person), Some(role)) = (col("person"), col("role")) else {
        return Err(PeopleError::Header(header.to_string()));
    };
    let email = col("email");
    let mut out = Vec::new();
    for (line, l) in lines {
        let row = fields(l).map_err(|message| PeopleError::Row { line, message })?;
        let get = |i: usize| row.get(i).filter(|v| !v.is_empty()).cloned();
        let (Some(p), Some(r)) = (get(person), get(role)) else {
            return Err(PeopleError::Row {
                line,
                message: "the person or the role is empty".into(),
            });
        };
        out.push(Assignment {
            person: p,
            email: email.and_then(get),
            role: r,
        });
    }
    Ok(out)
}

/// SAML or OIDC, when a role's trust policy lets a federated identity provider assume it.
fn federation(trust: &str) -> Option<MappedBy> {
    let doc: serde_json::Value = serde_json::from_str(trust).ok()?;
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(a) => a.clone(),
        s @ serde_json::Value::Object(_) => vec![s.clone()],
        _ => return None,
    };
    let mut found = None;
    for s in statements.iter().filter(|s| s["Effect"] == "Allow") {
        let providers: Vec<&str> = match &s["Principal"]["Federated"] {
            serde_json::Value::String(p) => vec![p.as_str()],
            serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
            _ => Vec::new(),
        };
        for p in providers {
            let kind = if p.contains(":saml-provider/") {
                MappedBy::Saml
            } else {
                MappedBy::Oidc
            };
            // SAML wins: it is how the workforce signs in.
            found = Some(found.map_or(kind, |k: MappedBy| k.min(kind)));
        }
    }
    found
}

/// The permission set behind an IAM Identity Center role: Identity Center provisions one
/// role per permission set in each account, named `AWSReservedSSO_<permission set>_<suffix>`
/// under the path `/aws-reserved/sso.amazonaws.com/`
/// (<https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html>).
fn sso_permission_set(role: &phiward_snapshot::model::iam::Role) -> Option<&str> {
    if !role.path.starts_with("/aws-reserved/sso.amazonaws.com/") {
        return None;
    }
    let rest = role.role_name.strip_prefix("AWSReservedSSO_")?;
    rest.rsplit_once('_')
        .map(|(name, _)| name)
        .filter(|n| !n.is_empty())
}

/// The Identity Center users (person, e-mail) assigned the permission set `name` in this
/// account, directly or through a group; `None` when the snapshot does not know them all.
fn sso_people(snap: &Snapshot, name: &str) -> Option<Vec<(String, Option<String>)>> {
    let ic = snap.identity_center.get()?;
    let sets = ic.permission_sets.get()?;
    let assignments = ic.account_assignments.get()?;
    let users = ic.users.get()?;
    let groups = ic.groups.get()?;
    let arns: Vec<&str> = sets
        .iter()
        .filter(|p| p.name == name)
        .map(|p| p.permission_set_arn.as_str())
        .collect();
    let mut ids = BTreeSet::new();
    for a in assignments
        .iter()
        .filter(|a| arns.contains(&a.permission_set_arn.as_str()))
    {
        match a.principal_type.as_str() {
            "USER" => {
                ids.insert(a.principal_id.clone());
            }
            "GROUP" => {
                let g = groups.iter().find(|g| g.group_id == a.principal_id)?;
                ids.extend(g.members.get()?.iter().cloned());
            }
            _ => {}
        }
    }
    Some(
        ids.into_iter()
            .map(|id| {
                let user = users.iter().find(|u| u.user_id == id);
                let person = user
                    .and_then(|u| u.user_name.clone().or_else(|| u.display_name.clone()))
                    .unwrap_or(id);
                let email = email_of(&person);
                (person, email)
            })
            .collect(),
    )
}

fn tag_person(tags: &[phiward_snapshot::model::iam::Tag], keys: &[String]) -> Option<String> {
    keys.iter().find_map(|k| {
        tags.iter()
            .find(|t| t.key.eq_ignore_ascii_case(k) && !t.value.trim().is_empty())
            .map(|t| t.value.trim().to_string())
    })
}

fn email_of(person: &str) -> Option<String> {
    person.contains('@').then(|| person.to_string())
}

/// The people and the principals they hold, sorted by person then principal; and notes on
/// assignments that name no principal of the snapshot.
pub fn holders(snap: &Snapshot, opts: &PeopleOptions) -> (Vec<Holder>, Vec<String>) {
    let mut out = BTreeSet::new();
    let mut notes = Vec::new();
    let Some(iam) = snap.iam.get() else {
        return (Vec::new(), notes);
    };
    let mut matched = vec![false; opts.assignments.len()];
    let mut assigned = |arn: &str, name: &str, out: &mut BTreeSet<Holder>| {
        let mut any = false;
        for (i, a) in opts.assignments.iter().enumerate() {
            if a.role == arn || a.role == name {
                if let Some(m) = matched.get_mut(i) {
                    *m = true;
                }
                any = true;
                out.insert(Holder {
                    person: a.person.clone(),
                    email: a.email.clone(),
                    principal: arn.to_string(),
                    mapped_by: MappedBy::Assignment,
                });
            }
        }
        any
    };
    for u in &iam.users {
        if assigned(&u.arn, &u.user_name, &mut out) {
            continue;
        }
        let (person, mapped_by) = match tag_person(&u.tags, &opts.person_tags) {
            Some(p) => (p, MappedBy::Tag),
            None => (u.user_name.clone(), MappedBy::IamUser),
        };
        out.insert(Holder {
            email: email_of(&person),
            person,
            principal: u.arn.clone(),
            mapped_by,
        });
    }
    for r in &iam.roles {
        if assigned(&r.arn, &r.role_name, &mut out) {
            continue;
        }
        if let Some(person) = tag_person(&r.tags, &opts.person_tags) {
            out.insert(Holder {
                email: email_of(&person),
                person,
                principal: r.arn.clone(),
                mapped_by: MappedBy::Tag,
            });
            continue;
        }
        let sso = sso_permission_set(r).and_then(|ps| sso_people(snap, ps));
        if let Some(people) = sso.filter(|p| !p.is_empty()) {
            for (person, email) in people {
                out.insert(Holder {
                    person,
                    email,
                    principal: r.arn.clone(),
                    mapped_by: MappedBy::IdentityCenter,
                });
            }
            continue;
        }
        let fed = r
            .assume_role_policy_document
            .as_ref()
            .and_then(|t| federation(t.as_str()));
        if let Some(kind) = fed {
            out.insert(Holder {
                person: UNASSIGNED.to_string(),
                email: None,
                principal: r.arn.clone(),
                mapped_by: kind,
            });
        }
    }
    for (a, m) in opts.assignments.iter().zip(&matched) {
        if !m {
            notes.push(format!(
                "the assignment of `{}` to `{}` names no user or role of the snapshot",
                a.person, a.role
            ));
        }
    }
    (out.into_iter().collect(), notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_assignments_with_quotes_comments_and_any_column_order() {
        let text = "\u{feff}Role,Email,Person\n# comment\n\nClinician,ana@x.org,\"Ana, RN\"\n\
                    arn:aws:iam::1:role/R,,\"Bo \"\"B\"\"\"\n";
        let a = parse_assignments(text).unwrap_or_default();
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].person, "Ana, RN");
        assert_eq!(a[0].email.as_deref(), Some("ana@x.org"));
        assert_eq!(a[0].role, "Clinician");
        assert_eq!(a[1].person, "Bo \"B\"");
        assert_eq!(a[1].email, None);
    }

    #[test]
    fn refuses_a_header_without_role_and_an_empty_person() {
        assert!(matches!(
            parse_assignments("person,email\nx,y\n"),
            Err(PeopleError::Header(_))
        ));
        assert_eq!(
            parse_assignments("person,role\n,Clinician\n"),
            Err(PeopleError::Row {
                line: 2,
                message: "the person or the role is empty".into()
            })
        );
        assert!(matches!(
            parse_assignments("person,role\n\"x,Clinician\n"),
            Err(PeopleError::Row { line: 2, .. })
        ));
    }

    #[test]
    fn recognises_saml_and_oidc_trust() {
        let saml = r#"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML"}]}"#;
        let oidc = r#"{"Statement":{"Effect":"Allow","Principal":{"Federated":["token.actions.githubusercontent.com"]},"Action":"sts:AssumeRoleWithWebIdentity"}}"#;
        let svc = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(federation(saml), Some(MappedBy::Saml));
        assert_eq!(federation(oidc), Some(MappedBy::Oidc));
        assert_eq!(federation(svc), None);
    }
}
