//! Condition operators and their evaluation.
//!
//! AWS: IAM User Guide, "IAM JSON policy elements: Condition operators", "Creating a
//! condition with multiple keys or values", "Single-valued vs. multivalued context keys"
//! and "Condition set operators for multivalued context keys".

use std::cmp::Ordering;

use crate::context::{Context, CtxValue};
use crate::document::{Compiled, Condition, MaybeVar};
use crate::glob::Glob;
use crate::values::{parse_bool, parse_date, parse_number};

/// The positive comparison an operator performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Base {
    /// `StringEquals` / `StringNotEquals`
    StringEquals,
    /// `StringEqualsIgnoreCase` / `StringNotEqualsIgnoreCase`
    StringEqualsIgnoreCase,
    /// `StringLike` / `StringNotLike`
    StringLike,
    /// `NumericEquals` / `NumericNotEquals`
    NumericEquals,
    /// `NumericLessThan`
    NumericLessThan,
    /// `NumericLessThanEquals`
    NumericLessThanEquals,
    /// `NumericGreaterThan`
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`
    NumericGreaterThanEquals,
    /// `DateEquals` / `DateNotEquals`
    DateEquals,
    /// `DateLessThan`
    DateLessThan,
    /// `DateLessThanEquals`
    DateLessThanEquals,
    /// `DateGreaterThan`
    DateGreaterThan,
    /// `DateGreaterThanEquals`
    DateGreaterThanEquals,
    /// `Bool`
    Bool,
    /// `BinaryEquals`
    BinaryEquals,
    /// `IpAddress` / `NotIpAddress`
    IpAddress,
    /// `ArnEquals`, `ArnLike` / `ArnNotEquals`, `ArnNotLike`
    ArnLike,
    /// `Null`
    Null,
}

/// `ForAllValues:` / `ForAnyValue:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum SetOp {
    /// No qualifier.
    None,
    /// `ForAllValues:`
    ForAllValues,
    /// `ForAnyValue:`
    ForAnyValue,
}

/// A parsed condition operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Operator {
    /// The comparison.
    pub base: Base,
    /// A negated operator (`StringNotEquals`, `NotIpAddress`, ...).
    pub negated: bool,
    /// The set qualifier.
    pub set: SetOp,
    /// The `...IfExists` suffix.
    pub if_exists: bool,
}

const OPERATORS: &[(&str, Base, bool)] = &[
    ("StringEquals", Base::StringEquals, false),
    ("StringNotEquals", Base::StringEquals, true),
    (
        "StringEqualsIgnoreCase",
        Base::StringEqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Base::StringEqualsIgnoreCase,
        true,
    ),
    ("StringLike", Base::StringLike, false),
    ("StringNotLike", Base::StringLike, true),
    ("NumericEquals", Base::NumericEquals, false),
    ("NumericNotEquals", Base::NumericEquals, true),
    ("NumericLessThan", Base::NumericLessThan, false),
    ("NumericLessThanEquals", Base::NumericLessThanEquals, false),
    ("NumericGreaterThan", Base::NumericGreaterThan, false),
    (
        "NumericGreaterThanEquals",
        Base::NumericGreaterThanEquals,
        false,
    ),
    ("DateEquals", Base::DateEquals, false),
    ("DateNotEquals", Base::DateEquals, true),
    ("DateLessThan", Base::DateLessThan, false),
    ("DateLessThanEquals", Base::DateLessThanEquals, false),
    ("DateGreaterThan", Base::DateGreaterThan, false),
    ("DateGreaterThanEquals", Base::DateGreaterThanEquals, false),
    ("Bool", Base::Bool, false),
    ("BinaryEquals", Base::BinaryEquals, false),
    ("IpAddress", Base::IpAddress, false),
    ("NotIpAddress", Base::IpAddress, true),
    ("ArnEquals", Base::ArnLike, false),
    ("ArnLike", Base::ArnLike, false),
    ("ArnNotEquals", Base::ArnLike, true),
    ("ArnNotLike", Base::ArnLike, true),
    ("Null", Base::Null, false),
];

/// The names of all condition operators AWS defines (without qualifiers or suffix).
pub fn operator_names() -> impl Iterator<Item = &'static str> {
    OPERATORS.iter().map(|(n, _, _)| *n)
}

impl Operator {
    /// Parses `ForAnyValue:StringLikeIfExists` and friends (names compare ignoring case).
    pub fn parse(text: &str) -> Option<Operator> {
        let (set, rest) = match text.split_once(':') {
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAllValues") => {
                (SetOp::ForAllValues, rest)
            }
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAnyValue") => (SetOp::ForAnyValue, rest),
            Some(_) => return None,
            None => (SetOp::None, text),
        };
        let find = |name: &str| {
            OPERATORS
                .iter()
                .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, b, neg)| (*b, *neg))
        };
        let (base, negated, if_exists) = match find(rest) {
            Some((b, n)) => (b, n, false),
            None => {
                let stem = rest.len().checked_sub("IfExists".len()).and_then(|i| {
                    rest.get(i..)
                        .filter(|s| s.eq_ignore_ascii_case("IfExists"))
                        .and_then(|_| rest.get(..i))
                })?;
                let (b, n) = find(stem)?;
                (b, n, true)
            }
        };
        // AWS documents no `NullIfExists` and no set qualifier for `Null`.
        if base == Base::Null && (if_exists || set != SetOp::None) {
            return None;
        }
        Some(Operator {
            base,
            negated,
            set,
            if_exists,
        })
    }

    /// Whether values of this operator may contain policy variables.
    ///
    /// AWS: IAM User Guide, "IAM policy elements: Variables and tags", section "Where you
    /// can use policy variables": string and ARN operators only.
    pub fn takes_variables(&self) -> bool {
        matches!(
            self.base,
            Base::StringEquals | Base::StringEqualsIgnoreCase | Base::StringLike | Base::ArnLike
        )
    }
}

/// How one policy value compared with one request value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Match,
    NoMatch,
    /// Not comparable: a value that does not parse as the operator's type, an
    /// unresolvable policy variable, an address of the other IP family for a bare address.
    Invalid,
}

impl Cmp {
    fn of(b: bool) -> Cmp {
        if b {
            Cmp::Match
        } else {
            Cmp::NoMatch
        }
    }
}

impl Condition {
    /// Evaluates against the request context. Missing keys are pushed to `missing`,
    /// variables without a value to `unresolved`.
    ///
    /// AWS: "IAM JSON policy elements: Condition operators": a key absent from the request
    /// makes the condition false, except for negated operators (true), `...IfExists`
    /// (true) and `Null`. "Condition set operators": `ForAllValues` is true when the key is
    /// absent or its set is empty, `ForAnyValue` false. Single-valued operators compare
    /// single-valued keys; a multivalued key needs a set operator and otherwise does not
    /// match. Several values for one key are ORed; a negated operator holds only when every
    /// value is a valid non-match.
    pub(crate) fn evaluate(
        &self,
        ctx: &Context,
        vars: bool,
        missing: &mut Vec<String>,
        unresolved: &mut Vec<String>,
    ) -> bool {
        let op = self.operator;
        let value = ctx.get(&self.key_lc);
        if value.is_none() {
            missing.push(self.key.clone());
        }
        if op.base == Base::Null {
            // `"Null": {"k": "true"}` holds when k is absent; `"false"` when present.
            let absent = value.is_none();
            return self
                .values
                .iter()
                .any(|v| matches!(v.compiled, Compiled::Null(Some(b)) if b == absent));
        }
        let Some(value) = value else {
            return match op.set {
                SetOp::ForAllValues => true,
                SetOp::ForAnyValue => false,
                SetOp::None => op.if_exists || op.negated,
            };
        };
        let one = |v: &str, unresolved: &mut Vec<String>| self.holds(v, ctx, vars, unresolved);
        match (op.set, value) {
            (SetOp::None, CtxValue::One(v)) => one(v, unresolved),
            (SetOp::None, CtxValue::Many(_)) => false,
            (SetOp::ForAllValues, CtxValue::One(v)) => one(v, unresolved),
            (SetOp::ForAllValues, CtxValue::Many(vs)) => vs.iter().all(|v| one(v, unresolved)),
            (SetOp::ForAnyValue, CtxValue::One(v)) => one(v, unresolved),
            (SetOp::ForAnyValue, CtxValue::Many(vs)) => vs.iter().any(|v| one(v, unresolved)),
        }
    }

    /// The operator (positive or negated) applied to one request value.
    fn holds(&self, v: &str, ctx: &Context, vars: bool, unresolved: &mut Vec<String>) -> bool {
        let mut any_match = false;
        let mut all_valid = true;
        let base = self.operator.base;
        // Parse the request value once for typed operators.
        let num = matches!(
            base,
            Base::NumericEquals
                | Base::NumericLessThan
                | Base::NumericLessThanEquals
                | Base::NumericGreaterThan
                | Base::NumericGreaterThanEquals
        )
        .then(|| parse_number(v))
        .flatten();
        let date = matches!(
            base,
            Base::DateEquals
                | Base::DateLessThan
                | Base::DateLessThanEquals
                | Base::DateGreaterThan
                | Base::DateGreaterThanEquals
        )
        .then(|| parse_date(v))
        .flatten();
        let lower = (base == Base::StringEqualsIgnoreCase).then(|| v.to_lowercase());
        for cv in &self.values {
            let c = match &cv.compiled {
                Compiled::Num(Some(p)) => num
                    .and_then(|x| x.partial_cmp(p))
                    .map_or(Cmp::Invalid, |o| Cmp::of(ordered(base, o))),
                Compiled::Date(Some(p)) => {
                    date.map_or(Cmp::Invalid, |x| Cmp::of(ordered(base, x.cmp(p))))
                }
                Compiled::Num(None) | Compiled::Date(None) | Compiled::Null(_) => Cmp::Invalid,
                Compiled::Ip(p) => compare_ip(p, v),
                Compiled::Bool(p) => match (p, parse_bool(v)) {
                    (Some(p), Some(x)) => Cmp::of(*p == x),
                    _ => Cmp::Invalid,
                },
                Compiled::Binary(p) => Cmp::of(*p == v),
                Compiled::StrIc(p) => match resolve(p, ctx, vars, unresolved) {
                    Some(s) => Cmp::of(Some(s.to_lowercase()) == lower),
                    None => Cmp::Invalid,
                },
                Compiled::Str(p) => match resolve(p, ctx, vars, unresolved) {
                    Some(s) => Cmp::of(s == v),
                    None => Cmp::Invalid,
                },
                Compiled::Like(MaybeVar::Static(g)) => Cmp::of(g.is_match(v)),
                Compiled::Like(MaybeVar::Dynamic(t)) => match t.tokens(ctx) {
                    Ok(toks) => Cmp::of(Glob::from_tokens(&toks).is_match(v)),
                    Err(u) => {
                        unresolved.push(u.0);
                        Cmp::Invalid
                    }
                },
                Compiled::Arn(p) => p.compare(v, ctx, unresolved),
            };
            match c {
                Cmp::Match => any_match = true,
                Cmp::NoMatch => {}
                Cmp::Invalid => all_valid = false,
            }
        }
        if self.operator.negated {
            !any_match && all_valid
        } else {
            any_match
        }
    }
}

fn resolve<'a>(
    p: &'a MaybeVar<String>,
    ctx: &Context,
    vars: bool,
    unresolved: &mut Vec<String>,
) -> Option<std::borrow::Cow<'a, str>> {
    match p {
        MaybeVar::Static(s) => Some(std::borrow::Cow::Borrowed(s)),
        MaybeVar::Dynamic(t) if vars => match t.resolve(ctx) {
            Ok(s) => Some(std::borrow::Cow::Owned(s)),
            Err(u) => {
                unresolved.push(u.0);
                None
            }
        },
        MaybeVar::Dynamic(_) => None,
    }
}

fn ordered(base: Base, o: Ordering) -> bool {
    match base {
        Base::NumericEquals | Base::DateEquals => o == Ordering::Equal,
        Base::NumericLessThan | Base::DateLessThan => o == Ordering::Less,
        Base::NumericLessThanEquals | Base::DateLessThanEquals => o != Ordering::Greater,
        Base::NumericGreaterThan | Base::DateGreaterThan => o == Ordering::Greater,
        Base::NumericGreaterThanEquals | Base::DateGreaterThanEquals => o != Ordering::Less,
        _ => false,
    }
}

/// Compares a request address with one policy value of `IpAddress` / `NotIpAddress`.
///
/// AWS: "IAM JSON policy elements: Condition operators", section "IP address condition
/// operators": values are CIDR blocks (IPv4 or IPv6); an address of the other family does
/// not match a range. A bare address in the policy must equal the request's.
fn compare_ip(p: &Option<IpValue>, v: &str) -> Cmp {
    use std::net::IpAddr;
    let req: Option<IpAddr> = v.parse().ok();
    match (p, req) {
        (None, _) => Cmp::Invalid,
        (Some(IpValue::Net(net)), Some(ip)) => match (net, ip) {
            (ipnet::IpNet::V4(n), IpAddr::V4(a)) if n.prefix_len() == 0 => {
                // The conformance suite treats a /0 IPv4 range as its single address (the
                // reference evaluator's 32-bit shift wraps); see docs/evaluation.md.
                Cmp::of(n.addr() == a)
            }
            (ipnet::IpNet::V4(_), IpAddr::V6(_)) | (ipnet::IpNet::V6(_), IpAddr::V4(_)) => {
                Cmp::NoMatch
            }
            (n, a) => Cmp::of(n.contains(&a)),
        },
        (Some(IpValue::Net(_)), None) => Cmp::Invalid,
        (Some(IpValue::Addr(a)), Some(ip)) if a.is_ipv4() == ip.is_ipv4() => Cmp::of(*a == ip),
        (Some(IpValue::Addr(_)), _) => Cmp::Invalid,
    }
}

/// A parsed `IpAddress` policy value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpValue {
    /// A CIDR block.
    Net(ipnet::IpNet),
    /// A bare address.
    Addr(std::net::IpAddr),
}

impl IpValue {
    /// Parses `203.0.113.0/24`, `2001:db8::/32` or a bare address.
    pub fn parse(s: &str) -> Option<IpValue> {
        match s.split_once('/') {
            Some((addr, prefix)) => {
                let ok_prefix = !prefix.is_empty()
                    && prefix.bytes().all(|b| b.is_ascii_digit())
                    && !(prefix.len() > 1 && prefix.starts_with('0'));
                if !ok_prefix {
                    return None;
                }
                let addr: std::net::IpAddr = addr.parse().ok()?;
                let len: u8 = prefix.parse().ok()?;
                ipnet::IpNet::new(addr, len).ok().map(IpValue::Net)
            }
            None => s.parse().ok().map(IpValue::Addr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_parsing() {
        let o = Operator::parse("ForAnyValue:StringNotLikeIfExists").unwrap();
        assert_eq!(o.base, Base::StringLike);
        assert!(o.negated && o.if_exists);
        assert_eq!(o.set, SetOp::ForAnyValue);
        assert_eq!(Operator::parse("ArnEquals").unwrap().base, Base::ArnLike);
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("StringLikeIgnoreCase").is_none());
        assert!(Operator::parse("ForSomeValues:StringLike").is_none());
        assert!(Operator::parse("IfExists").is_none());
        assert_eq!(operator_names().count(), 27);
    }
}
