//! The rule catalog: one rule per file, each with a permanent id, and [`RULES`], the one
//! static list of them all.
//!
//! Each rule's documentation is its doc comment (sections What, Why, Example, Fix); the
//! pages under `docs/rules/` are generated from it.

use phiward_policy::json::Pos;
use phiward_policy::parse::clip;
use phiward_policy::{Policy, Statement};

use crate::catalog::{key_name_matches, ConditionKeyInfo, KeyType, Known};
use crate::source::{PolicySource, StmtSource};
use crate::{Options, Severity};
use phiward_policy::document::{ActionElement, ActionMatcher};

/// Declares a rule: its doc comment becomes both its rustdoc and [`Rule::doc`].
macro_rules! rule {
    (
        $(#[doc = $doc:literal])*
        pub static $NAME:ident = {
            id: $id:literal,
            name: $name:literal,
            title: $title:literal,
            severity: $sev:ident,
            catalog: $cat:literal,
            fix: $fix:literal,
            check: $check:expr $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $NAME: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            name: $name,
            title: $title,
            severity: $crate::Severity::$sev,
            catalog: $cat,
            fix: $fix,
            doc: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}

mod pw000_unreadable_file;
mod pw001_invalid_policy;
mod pw002_missing_version;
mod pw003_legacy_version;
mod pw101_allow_with_not_action;
mod pw102_allow_with_not_resource;
mod pw103_allow_with_not_principal;
mod pw104_mfa_deny_without_if_exists;
mod pw105_redundant_statement;
mod pw106_shadowed_statement;
mod pw107_action_outside_resource_policy;
mod pw201_unknown_service;
mod pw202_unknown_action;
mod pw203_action_matches_nothing;
mod pw204_resource_type_mismatch;
mod pw205_condition_key_not_applicable;
mod pw206_operator_type_mismatch;
mod pw207_set_operator_mismatch;
mod pw208_wildcard_resource_for_scoped_actions;
mod pw301_privilege_escalation;
mod pw302_permissions_management;
mod pw303_credentials_exposure;
mod pw304_data_exfiltration;
mod pw305_infrastructure_modification;

pub use pw000_unreadable_file::UNREADABLE_FILE;
pub use pw001_invalid_policy::INVALID_POLICY;
pub use pw002_missing_version::MISSING_VERSION;
pub use pw003_legacy_version::LEGACY_VERSION;
pub use pw101_allow_with_not_action::ALLOW_WITH_NOT_ACTION;
pub use pw102_allow_with_not_resource::ALLOW_WITH_NOT_RESOURCE;
pub use pw103_allow_with_not_principal::ALLOW_WITH_NOT_PRINCIPAL;
pub use pw104_mfa_deny_without_if_exists::MFA_DENY_WITHOUT_IF_EXISTS;
pub use pw105_redundant_statement::REDUNDANT_STATEMENT;
pub use pw106_shadowed_statement::SHADOWED_STATEMENT;
pub use pw107_action_outside_resource_policy::ACTION_OUTSIDE_RESOURCE_POLICY;
pub use pw201_unknown_service::UNKNOWN_SERVICE;
pub use pw202_unknown_action::UNKNOWN_ACTION;
pub use pw203_action_matches_nothing::ACTION_MATCHES_NOTHING;
pub use pw204_resource_type_mismatch::RESOURCE_TYPE_MISMATCH;
pub use pw205_condition_key_not_applicable::CONDITION_KEY_NOT_APPLICABLE;
pub use pw206_operator_type_mismatch::OPERATOR_TYPE_MISMATCH;
pub use pw207_set_operator_mismatch::SET_OPERATOR_MISMATCH;
pub use pw208_wildcard_resource_for_scoped_actions::WILDCARD_RESOURCE_FOR_SCOPED_ACTIONS;
pub use pw301_privilege_escalation::PRIVILEGE_ESCALATION;
pub use pw302_permissions_management::PERMISSIONS_MANAGEMENT;
pub use pw303_credentials_exposure::CREDENTIALS_EXPOSURE;
pub use pw304_data_exfiltration::DATA_EXFILTRATION;
pub use pw305_infrastructure_modification::INFRASTRUCTURE_MODIFICATION;

/// Every rule, in id order. Ids are permanent: a retired rule keeps its id unused.
pub static RULES: &[&Rule] = &[
    &UNREADABLE_FILE,
    &INVALID_POLICY,
    &MISSING_VERSION,
    &LEGACY_VERSION,
    &ALLOW_WITH_NOT_ACTION,
    &ALLOW_WITH_NOT_RESOURCE,
    &ALLOW_WITH_NOT_PRINCIPAL,
    &MFA_DENY_WITHOUT_IF_EXISTS,
    &REDUNDANT_STATEMENT,
    &SHADOWED_STATEMENT,
    &ACTION_OUTSIDE_RESOURCE_POLICY,
    &UNKNOWN_SERVICE,
    &UNKNOWN_ACTION,
    &ACTION_MATCHES_NOTHING,
    &RESOURCE_TYPE_MISMATCH,
    &CONDITION_KEY_NOT_APPLICABLE,
    &OPERATOR_TYPE_MISMATCH,
    &SET_OPERATOR_MISMATCH,
    &WILDCARD_RESOURCE_FOR_SCOPED_ACTIONS,
    &PRIVILEGE_ESCALATION,
    &PERMISSIONS_MANAGEMENT,
    &CREDENTIALS_EXPOSURE,
    &DATA_EXFILTRATION,
    &INFRASTRUCTURE_MODIFICATION,
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// What a rule looks at in one policy document and reports.
pub(crate) type Check = fn(&Ctx<'_>, &mut Vec<Hit>);

/// One lint rule.
#[derive(Debug)]
pub struct Rule {
    /// Permanent id (`PW101`).
    pub id: &'static str,
    /// Permanent kebab-case name (`allow-with-not-action`).
    pub name: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// Whether it needs the AWS action catalog (it is skipped without one).
    pub catalog: bool,
    /// How to fix a finding, in one sentence.
    pub fix: &'static str,
    /// Its documentation in Markdown (What, Why, Example, Fix), from its doc comment.
    pub doc: &'static str,
    pub(crate) check: Check,
}

impl Rule {
    /// The documentation with the one leading space of each doc-comment line removed.
    pub fn doc_markdown(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The text of one section (`What`, `Why`, `Example`, `Fix`) of the documentation.
    pub fn section(&self, heading: &str) -> String {
        let doc = self.doc_markdown();
        let mut out = Vec::new();
        let mut inside = false;
        for line in doc.lines() {
            if let Some(h) = line.strip_prefix("## ") {
                inside = h.trim() == heading;
                continue;
            }
            if inside {
                out.push(line);
            }
        }
        out.join("\n").trim().to_string()
    }
}

/// A finding before the rule's id, severity and fix are attached.
#[derive(Clone, Debug)]
pub(crate) struct Hit {
    pub pos: Pos,
    pub message: String,
}

impl Hit {
    pub(crate) fn new(pos: Pos, message: impl Into<String>) -> Hit {
        Hit {
            pos,
            message: message.into(),
        }
    }
}

/// One policy document and what the rules may consult.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub src: &'a PolicySource,
    pub opts: &'a Options,
    pub catalog: Option<Known<'a>>,
    /// Catalog expansions already made: several rules expand the same patterns.
    expansions: std::cell::RefCell<rustc_hash::FxHashMap<String, std::rc::Rc<[String]>>>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        policy: &'a Policy,
        src: &'a PolicySource,
        opts: &'a Options,
        catalog: Option<&'a phiward_catalog::Catalog>,
    ) -> Ctx<'a> {
        Ctx {
            policy,
            src,
            opts,
            catalog: catalog.map(Known),
            expansions: std::cell::RefCell::default(),
        }
    }

    /// The catalog's expansion of an action pattern, computed once per policy. Empty
    /// without a catalog.
    pub(crate) fn expand(&self, pattern: &str) -> std::rc::Rc<[String]> {
        let Some(cat) = self.catalog else {
            return std::rc::Rc::from(Vec::new());
        };
        if let Some(hit) = self.expansions.borrow().get(pattern) {
            return hit.clone();
        }
        let found: std::rc::Rc<[String]> = cat.expand(pattern).into();
        self.expansions
            .borrow_mut()
            .insert(pattern.to_string(), found.clone());
        found
    }

    /// Each statement with its positions and its `Action`/`NotAction`, compiled by the
    /// engine.
    pub(crate) fn statements(
        &self,
    ) -> impl Iterator<Item = (&Statement, StmtSource, &ActionElement)> {
        self.policy
            .statements
            .iter()
            .map(|s| (s, self.src.statement(s.index), &s.action))
    }

    /// The `Action`/`NotAction` of statement `i`.
    pub(crate) fn action(&self, i: usize) -> Option<&ActionElement> {
        self.policy.statements.get(i).map(|s| &s.action)
    }
}

/// The actions a statement's `Action` names, from the catalog: `None` for `NotAction`,
/// for `*`, and when a pattern names nothing the catalog knows (other rules report that;
/// what such a statement means cannot be known).
pub(crate) fn known_actions(
    cx: &Ctx<'_>,
    s: &Statement,
    set: &ActionElement,
) -> Option<Vec<String>> {
    if set.negated
        || set
            .matchers()
            .iter()
            .any(|p| matches!(p, ActionMatcher::All))
    {
        return None;
    }
    let mut out = Vec::new();
    for p in &s.action.list.items {
        let found = cx.expand(p);
        if found.is_empty() {
            return None;
        }
        out.extend(found.iter().cloned());
    }
    crate::actions::sort_dedup(&mut out);
    Some(out)
}

/// The condition keys of a statement's actions (not the global ones), by name.
pub(crate) fn action_keys(cat: Known<'_>, actions: &[String]) -> Vec<ConditionKeyInfo> {
    let mut keys: Vec<ConditionKeyInfo> =
        actions.iter().flat_map(|a| cat.condition_keys(a)).collect();
    keys.sort_by(|a, b| a.name.cmp(&b.name));
    keys.dedup_by(|a, b| a.name == b.name);
    keys
}

/// The type of a condition key in a statement: a global key's, else the type one of the
/// statement's actions gives it.
pub(crate) fn key_type(cat: Known<'_>, keys: &[ConditionKeyInfo], key: &str) -> Option<KeyType> {
    cat.global_key(key).or_else(|| {
        keys.iter()
            .find(|k| key_name_matches(&k.name, key))
            .map(|k| k.key_type)
    })
}

/// `statement 2 (`ReadPhi`)`: how messages name a statement (0-based, as phiward's other
/// output does).
pub(crate) fn stmt_name(s: &Statement) -> String {
    match &s.sid {
        Some(sid) if !sid.is_empty() => format!("statement {} (`{}`)", s.index, clip(sid)),
        _ => format!("statement {}", s.index),
    }
}

/// Up to `max` items in backticks, then `(+N more)`.
pub(crate) fn list<S: AsRef<str>>(items: &[S], max: usize) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(max)
        .map(|s| format!("`{}`", clip(s.as_ref())))
        .collect();
    let mut out = shown.join(", ");
    if items.len() > max {
        out.push_str(&format!(" (+{} more)", items.len() - max));
    }
    out
}
