//! Test helpers: a small action catalog and the fixture options.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail the test on bad data"
)]

use std::collections::BTreeMap;

use phiward_lint::catalog::{
    AccessLevel, ActionEntry, ConditionKeyInfo, KeyBase, KeyType, ResourceTypeInfo, TableCatalog,
};
use phiward_lint::{Options, ResourcePolicyType};
use phiward_policy::PolicyKind;

fn key_type(s: &str) -> KeyType {
    let (multi, base) = match s.strip_prefix("ArrayOf") {
        Some(b) => (true, b),
        None => (false, s),
    };
    let base = match base {
        "String" => KeyBase::String,
        "Numeric" => KeyBase::Numeric,
        "Date" => KeyBase::Date,
        "Bool" => KeyBase::Bool,
        "IPAddress" => KeyBase::IpAddress,
        "ARN" => KeyBase::Arn,
        "Binary" => KeyBase::Binary,
        other => panic!("unknown key type {other}"),
    };
    KeyType {
        base,
        multivalued: multi,
    }
}

fn level(s: &str) -> AccessLevel {
    match s {
        "List" => AccessLevel::List,
        "Read" => AccessLevel::Read,
        "Write" => AccessLevel::Write,
        "Permissions management" => AccessLevel::PermissionsManagement,
        "Tagging" => AccessLevel::Tagging,
        other => panic!("unknown access level {other}"),
    }
}

/// The catalog of `tests/common/catalog.txt`.
pub fn catalog() -> TableCatalog {
    let text = include_str!("catalog.txt");
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut cat = TableCatalog::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (kind, rest) = line.split_once(' ').expect("kind");
        let fields: Vec<&str> = rest.split('|').map(str::trim).collect();
        match kind {
            "type" => {
                types.insert(fields[0].to_string(), fields[1].to_string());
            }
            "global" => {
                cat.add_global_key(fields[0], key_type(fields[1]));
            }
            "action" => {
                let (service, name) = fields[0].split_once(':').expect("service:Action");
                let resource_types = fields[2]
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| ResourceTypeInfo {
                        name: t.to_string(),
                        arn_format: types[&format!("{service}:{t}")].clone(),
                        required: true,
                    })
                    .collect();
                let condition_keys = fields
                    .get(3)
                    .unwrap_or(&"")
                    .split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(|k| {
                        let (n, t) = k.split_once('=').expect("key=Type");
                        ConditionKeyInfo {
                            name: n.to_string(),
                            key_type: key_type(t),
                        }
                    })
                    .collect();
                cat.add_action(
                    service,
                    ActionEntry {
                        name: name.to_string(),
                        access: level(fields[1]),
                        resource_types,
                        condition_keys,
                    },
                );
            }
            other => panic!("unknown line kind {other}"),
        }
    }
    cat
}

/// The options a fixture's name asks for: `NAME.KIND.json`, where KIND is `identity`
/// (the default), a resource-policy type (`bucket`, `key`, `trust`, `queue`, `secret`,
/// `generic`), `scp`, `rcp`, `boundary` or `session`.
pub fn options_for(file_name: &str) -> Options {
    let stem = file_name.trim_end_matches(".json");
    let kind = stem.rsplit_once('.').map(|(_, k)| k).unwrap_or("identity");
    if let Some(t) = ResourcePolicyType::parse(kind) {
        return Options::resource(t);
    }
    Options::kind(match kind {
        "identity" => PolicyKind::Identity,
        "scp" => PolicyKind::Scp,
        "rcp" => PolicyKind::Rcp,
        "boundary" => PolicyKind::PermissionsBoundary,
        "session" => PolicyKind::Session,
        other => panic!("unknown fixture kind {other}"),
    })
}
