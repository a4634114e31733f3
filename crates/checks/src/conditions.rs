//! How a finding names the residual conditions of a conditional answer, in the one wording
//! `phiward who-can` prints ([`phiward_access::describe_conditions`]): a finding that
//! says "under conditions" without them explains nothing.

use phiward_access::{describe_conditions, Condition, Reach, Step};
use phiward_findings::Evidence;

/// `", allowed if `aws:MultiFactorAuthPresent` is `true`"` for a conditional answer, to
/// end a message; empty for an unconditional one.
pub fn when(reach: Reach, conditions: &[Condition]) -> String {
    match reach {
        Reach::Allowed => String::new(),
        Reach::Conditional => match describe_conditions(conditions) {
            p if p.is_empty() => ", under conditions".to_string(),
            p => format!(", {p}"),
        },
    }
}

/// `" (allowed if ...)"` for an item of a list; empty for an unconditional one.
pub fn in_parens(reach: Reach, conditions: &[Condition]) -> String {
    match reach {
        Reach::Allowed => String::new(),
        Reach::Conditional => match describe_conditions(conditions) {
            p if p.is_empty() => " (under conditions)".to_string(),
            p => format!(" ({p})"),
        },
    }
}

/// One piece of evidence per residual condition, with the statement it comes from;
/// `about` (a principal, a step) leads the detail when given.
pub fn evidence(conditions: &[Condition], about: &str) -> Vec<Evidence> {
    conditions
        .iter()
        .map(|c| Evidence {
            source: c.policy.to_string(),
            statement: Some(c.statement),
            line: None,
            detail: if about.is_empty() {
                c.describe()
            } else {
                format!("{about}: {}", c.describe())
            },
        })
        .collect()
}

/// The conditional steps of an escalation path or edge, each with its conditions, for a
/// message: `", if sts:AssumeRole on R is allowed if ..."`. Every step is needed, so the
/// steps' conditions all apply; empty when no step is conditional.
pub fn steps_when<'a>(steps: impl IntoIterator<Item = &'a Step>) -> String {
    let parts: Vec<String> = steps
        .into_iter()
        .filter(|s| s.access == Reach::Conditional)
        .map(|s| match describe_conditions(&s.conditions) {
            p if p.is_empty() => format!("{} on {} under conditions", s.action, s.resource),
            p => format!("{} on {} {p}", s.action, s.resource),
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(", with {}", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_answers_name_their_conditions() {
        let c = Condition {
            when: "allowed_if",
            operator: "Bool".into(),
            key: "aws:MultiFactorAuthPresent".into(),
            values: vec!["true".into()],
            policy: "trust policy of role `BreakGlassAdmin`".into(),
            statement: 0,
        };
        let conds = std::slice::from_ref(&c);
        assert_eq!(when(Reach::Allowed, conds), "");
        assert_eq!(
            when(Reach::Conditional, conds),
            ", allowed if `aws:MultiFactorAuthPresent` is `true`"
        );
        assert_eq!(
            in_parens(Reach::Conditional, conds),
            " (allowed if `aws:MultiFactorAuthPresent` is `true`)"
        );
        assert_eq!(when(Reach::Conditional, &[]), ", under conditions");
        let e = evidence(conds, "assume");
        assert_eq!(e[0].statement, Some(0));
        assert_eq!(
            e[0].detail,
            "assume: allowed if `aws:MultiFactorAuthPresent` is `true`"
        );
        let step = Step {
            action: "sts:AssumeRole".into(),
            resource: "arn:aws:iam::111122223333:role/BreakGlassAdmin".into(),
            access: Reach::Conditional,
            conditions: vec![c.clone()],
            via: Vec::new(),
        };
        assert_eq!(
            steps_when([&step]),
            ", with sts:AssumeRole on arn:aws:iam::111122223333:role/BreakGlassAdmin allowed \
             if `aws:MultiFactorAuthPresent` is `true`"
        );
    }
}
