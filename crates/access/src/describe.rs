//! One wording of residual conditions, shared by `who-can`, `can`, `paths`, the access
//! report and the audit's findings: "allowed if `aws:MultiFactorAuthPresent` is `true`,
//! unless `aws:SourceIp` is outside `198.51.100.0/24`".
//!
//! The operators read as AWS defines them (IAM User Guide, "IAM JSON policy elements:
//! Condition operators"): `...IfExists` also holds when the key is absent, `Null` with
//! `true` tests that the key is absent, and the `ForAllValues:`/`ForAnyValue:` set
//! operators ("Condition set operators") test every value or some value of the key.

use crate::query::{Condition, Via};

impl Condition {
    /// "allowed if `aws:MultiFactorAuthPresent` is `true`" for a condition an Allow
    /// needs; "unless `aws:SourceIp` is outside `198.51.100.0/24`" for one under which a
    /// Deny applies.
    pub fn describe(&self) -> String {
        let lead = if self.when == "allowed_if" {
            "allowed if"
        } else {
            "unless"
        };
        format!("{lead} {}", self.test())
    }

    /// [`Condition::describe`] with the statement it comes from.
    pub fn describe_at(&self) -> String {
        format!(
            "{} ({} statement {})",
            self.describe(),
            self.policy,
            self.statement
        )
    }

    /// The test alone: "`aws:MultiFactorAuthPresent` is `true`".
    pub fn test(&self) -> String {
        let mut op = self.operator.as_str();
        let mut subject = format!("`{}`", self.key);
        for (prefix, set) in [("ForAllValues:", "every"), ("ForAnyValue:", "some")] {
            if let Some(rest) = strip_prefix_ci(op, prefix) {
                op = rest;
                subject = format!("{set} value of `{}`", self.key);
            }
        }
        let if_exists = op.len() > 8 && op.to_ascii_lowercase().ends_with("ifexists");
        if if_exists {
            op = op.get(..op.len() - 8).unwrap_or(op);
        }
        let vals: Vec<String> = self.values.iter().map(|v| format!("`{v}`")).collect();
        let one = vals.len() == 1;
        let list = vals.join(", ");
        let phrase = |single: &str, many: &str| {
            if one {
                format!("{single} {list}")
            } else {
                format!("{many} {list}")
            }
        };
        let lower = op.to_ascii_lowercase();
        let test = match lower.as_str() {
            "stringequals"
            | "stringequalsignorecase"
            | "arnequals"
            | "numericequals"
            | "dateequals"
            | "binaryequals"
            | "bool" => phrase("is", "is one of"),
            "stringnotequals"
            | "stringnotequalsignorecase"
            | "arnnotequals"
            | "numericnotequals"
            | "datenotequals" => phrase("is not", "is none of"),
            "stringlike" | "arnlike" => phrase("matches", "matches one of"),
            "stringnotlike" | "arnnotlike" => phrase("does not match", "matches none of"),
            "ipaddress" => phrase("is in", "is in one of"),
            "notipaddress" => phrase("is outside", "is outside all of"),
            "numericlessthan" => phrase("is less than", "is less than one of"),
            "numericlessthanequals" => phrase("is at most", "is at most one of"),
            "numericgreaterthan" => phrase("is more than", "is more than one of"),
            "numericgreaterthanequals" => phrase("is at least", "is at least one of"),
            "datelessthan" => phrase("is before", "is before one of"),
            "datelessthanequals" => phrase("is at or before", "is at or before one of"),
            "dategreaterthan" => phrase("is after", "is after one of"),
            "dategreaterthanequals" => phrase("is at or after", "is at or after one of"),
            "null" if one && self.values.iter().all(|v| v.eq_ignore_ascii_case("true")) => {
                "is absent".to_string()
            }
            "null" if one && self.values.iter().all(|v| v.eq_ignore_ascii_case("false")) => {
                "is present".to_string()
            }
            _ => format!("{} {list}", self.operator),
        };
        if if_exists {
            format!("{subject} {test} (or is absent)")
        } else {
            format!("{subject} {test}")
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// Every condition of a conditional answer in one phrase: "allowed if A and B or C,
/// unless D". The conditions of one statement must all hold (they are joined with
/// "and"); any one statement's set suffices ("or"). Empty when there are none.
pub fn describe_conditions(conditions: &[Condition]) -> String {
    let groups = |when: &str| -> Vec<String> {
        let mut out: Vec<(&str, usize, Vec<String>)> = Vec::new();
        for c in conditions.iter().filter(|c| c.when == when) {
            match out
                .iter_mut()
                .find(|(p, s, _)| *p == &*c.policy && *s == c.statement)
            {
                Some((_, _, tests)) => tests.push(c.test()),
                None => out.push((&c.policy, c.statement, vec![c.test()])),
            }
        }
        out.into_iter().map(|(_, _, t)| t.join(" and ")).collect()
    };
    let allowed = groups("allowed_if");
    let denied = groups("denied_if");
    match (allowed.is_empty(), denied.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!("allowed if {}", allowed.join(" or ")),
        (true, false) => format!("allowed unless {}", denied.join(" or ")),
        (false, false) => format!(
            "allowed if {}, unless {}",
            allowed.join(" or "),
            denied.join(" or ")
        ),
    }
}

/// The lines that explain an answer, as `who-can`, `can` and `paths` print them under it:
/// each condition with its statement, then each granting statement.
pub fn evidence_lines(conditions: &[Condition], via: &[Via]) -> Vec<String> {
    let mut out: Vec<String> = conditions.iter().map(Condition::describe_at).collect();
    for v in via {
        let sid = v
            .sid
            .as_deref()
            .map(|s| format!(" `{s}`"))
            .unwrap_or_default();
        out.push(format!(
            "via {} statement {}{sid} (line {})",
            v.policy, v.statement, v.line
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(when: &'static str, op: &str, key: &str, values: &[&str], statement: usize) -> Condition {
        Condition {
            when,
            operator: op.into(),
            key: key.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            policy: "p".into(),
            statement,
        }
    }

    #[test]
    fn operators_read_as_sentences() {
        let t = |op: &str, key: &str, values: &[&str]| c("allowed_if", op, key, values, 0).test();
        assert_eq!(
            t("Bool", "aws:MultiFactorAuthPresent", &["true"]),
            "`aws:MultiFactorAuthPresent` is `true`"
        );
        assert_eq!(
            t(
                "NotIpAddress",
                "aws:SourceIp",
                &["198.51.100.0/24", "203.0.113.0/24"]
            ),
            "`aws:SourceIp` is outside all of `198.51.100.0/24`, `203.0.113.0/24`"
        );
        assert_eq!(
            t("StringEqualsIfExists", "aws:SourceVpce", &["vpce-1"]),
            "`aws:SourceVpce` is `vpce-1` (or is absent)"
        );
        assert_eq!(
            t("ForAnyValue:StringLike", "aws:CalledVia", &["athena.*"]),
            "some value of `aws:CalledVia` matches `athena.*`"
        );
        assert_eq!(
            t("Null", "aws:TokenIssueTime", &["true"]),
            "`aws:TokenIssueTime` is absent"
        );
        assert_eq!(
            t("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
            "`aws:MultiFactorAuthAge` is less than `3600`"
        );
        assert_eq!(t("Weird", "k", &["v"]), "`k` Weird `v`");
    }

    #[test]
    fn one_phrase_for_a_conditional_answer() {
        let conds = [
            c(
                "allowed_if",
                "Bool",
                "aws:MultiFactorAuthPresent",
                &["true"],
                0,
            ),
            c(
                "allowed_if",
                "IpAddress",
                "aws:SourceIp",
                &["192.0.2.0/24"],
                0,
            ),
            c(
                "allowed_if",
                "StringEquals",
                "aws:SourceVpce",
                &["vpce-1"],
                1,
            ),
            c("denied_if", "Bool", "aws:SecureTransport", &["false"], 2),
        ];
        assert_eq!(
            describe_conditions(&conds),
            "allowed if `aws:MultiFactorAuthPresent` is `true` and `aws:SourceIp` is in \
             `192.0.2.0/24` or `aws:SourceVpce` is `vpce-1`, unless `aws:SecureTransport` is \
             `false`"
        );
        assert_eq!(
            describe_conditions(&conds[3..]),
            "allowed unless `aws:SecureTransport` is `false`"
        );
        assert_eq!(describe_conditions(&[]), "");
        assert_eq!(
            conds[3].describe_at(),
            "unless `aws:SecureTransport` is `false` (p statement 2)"
        );
    }
}
