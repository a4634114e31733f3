use phiward_policy::condition::Base;
use phiward_policy::parse::clip;

use super::{action_keys, key_type, known_actions, Ctx, Hit};
use crate::catalog::KeyBase;

rule! {
    /// ## What
    /// Reports a condition operator that does not fit its key's type: a `Date` operator on
    /// a `String` key, `Bool` on a key that is not boolean, a `Numeric` operator on a key
    /// that is not a number, `IpAddress` on a key that is not an IP address, an `Arn`
    /// operator on a key that is not an ARN.
    ///
    /// ## Why
    /// IAM compares the request's value as the operator's type. A value that is not of that
    /// type never matches, so a positive operator is always false and a negated one always
    /// true: the condition does not test what it seems to. String operators and `Null` fit
    /// every key; `Date` and `Numeric` operators are accepted on both date and numeric keys
    /// (`aws:EpochTime`). AWS: IAM User Guide, "IAM JSON policy elements: Condition
    /// operators"; Service Authorization Reference, "Condition keys" (the Type column).
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
    ///                 "Condition": {"Bool": {"aws:SourceIp": "false"}}}]}
    /// ```
    ///
    /// ## Fix
    /// Use the operator family of the key's type (`IpAddress`/`NotIpAddress` for
    /// `aws:SourceIp`, `DateLessThan` for `aws:CurrentTime`, `Bool` for
    /// `aws:SecureTransport`).
    pub static OPERATOR_TYPE_MISMATCH = {
        id: "PW206",
        name: "operator-type-mismatch",
        title: "A condition operator does not fit its key's type",
        severity: Warning,
        catalog: true,
        fix: "use an operator of the key's type (String, Numeric, Date, Bool, IpAddress or Arn operators)",
        check: check,
    };
}

/// What an operator compares, and the key types it fits; `None` for operators that fit
/// every key.
fn family(base: Base) -> Option<(&'static str, &'static [KeyBase])> {
    const NUMERIC_OR_DATE: &[KeyBase] = &[KeyBase::Numeric, KeyBase::Date];
    match base {
        Base::NumericEquals
        | Base::NumericLessThan
        | Base::NumericLessThanEquals
        | Base::NumericGreaterThan
        | Base::NumericGreaterThanEquals => Some(("numbers", NUMERIC_OR_DATE)),
        Base::DateEquals
        | Base::DateLessThan
        | Base::DateLessThanEquals
        | Base::DateGreaterThan
        | Base::DateGreaterThanEquals => Some(("dates", NUMERIC_OR_DATE)),
        Base::Bool => Some(("booleans", &[KeyBase::Bool])),
        Base::IpAddress => Some(("IP addresses", &[KeyBase::IpAddress])),
        // Many String keys hold ARNs (`kms:EncryptionContext:aws:s3:arn`, tag values),
        // and AWS's own examples compare them with ARN operators.
        Base::ArnLike => Some(("ARNs", &[KeyBase::Arn, KeyBase::String])),
        Base::StringEquals
        | Base::StringEqualsIgnoreCase
        | Base::StringLike
        | Base::BinaryEquals
        | Base::Null => None,
    }
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(cat) = cx.catalog else { return };
    for (s, src, set) in cx.statements() {
        if s.conditions.is_empty() {
            continue;
        }
        let keys = known_actions(cx, s, set)
            .map(|a| action_keys(cat, &a))
            .unwrap_or_default();
        for (i, c) in s.conditions.iter().enumerate() {
            let Some((what, fits)) = family(c.operator.base) else {
                continue;
            };
            let Some(t) = key_type(cat, &keys, &c.key) else {
                continue;
            };
            if !fits.contains(&t.base) {
                out.push(Hit::new(
                    src.condition(i),
                    format!(
                        "`{}` compares {what}, but `{}` has type `{}`",
                        clip(&c.operator_text),
                        clip(&c.key),
                        t.name()
                    ),
                ));
            }
        }
    }
}
