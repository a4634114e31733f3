//! The `Condition` element: operators, keys and typed values.
//!
//! AWS: IAM User Guide, "IAM JSON policy elements: Condition" and "IAM JSON policy
//! elements: Condition operators". Values are compiled once, for the operator's type.

use crate::arn::ArnPattern;
use crate::condition::{Base, IpValue, Operator};
use crate::document::{Compiled, CondValue, Condition, MaybeVar, Scalar};
use crate::glob::Glob;
use crate::json::{Json, Spanned};
use crate::parse::{check_len, clip, err, PolicyError};
use crate::values::{parse_bool, parse_date, parse_number};
use crate::variables::Template;

pub(crate) fn conditions(v: &Spanned, vars: bool) -> Result<Vec<Condition>, PolicyError> {
    let Some(ops) = v.as_object() else {
        return Err(err(
            format!(
                "`Condition` must be an object, found {}",
                v.value.type_name()
            ),
            v.pos,
        ));
    };
    let mut out = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if ops.iter().take(i).any(|p| p.key == op.key) {
            return Err(err(
                format!("duplicate condition operator `{}`", clip(&op.key)),
                op.key_pos,
            ));
        }
        let Some(operator) = Operator::parse(&op.key) else {
            return Err(err(
                format!("unknown condition operator `{}`", clip(&op.key)),
                op.key_pos,
            ));
        };
        let Some(keys) = op.value.as_object() else {
            return Err(err(
                format!(
                    "condition operator `{}` must map to an object of keys",
                    op.key
                ),
                op.value.pos,
            ));
        };
        for (j, k) in keys.iter().enumerate() {
            if k.key.is_empty() {
                return Err(err("a condition key must not be empty", k.key_pos));
            }
            if keys
                .iter()
                .take(j)
                .any(|p| p.key.eq_ignore_ascii_case(&k.key))
            {
                return Err(err(
                    format!(
                        "duplicate condition key `{}` under `{}`",
                        clip(&k.key),
                        clip(&op.key)
                    ),
                    k.key_pos,
                ));
            }
            let (raw, single) = condition_values(&k.value, &k.key)?;
            let values = raw
                .into_iter()
                .map(|(text, scalar)| CondValue {
                    compiled: compile_value(operator, &text, vars && operator.takes_variables()),
                    text,
                    scalar,
                })
                .collect();
            out.push(Condition {
                operator,
                operator_text: op.key.clone(),
                key: k.key.clone(),
                key_lc: k.key.to_lowercase(),
                values,
                single,
                pos: op.key_pos,
            });
        }
    }
    Ok(out)
}

fn condition_values(v: &Spanned, key: &str) -> Result<(Vec<(String, Scalar)>, bool), PolicyError> {
    let scalar = |x: &Spanned| -> Result<(String, Scalar), PolicyError> {
        match &x.value {
            Json::String(s) => {
                check_len(s, key, x.pos)?;
                Ok((s.clone(), Scalar::String))
            }
            Json::Number(n) => Ok((n.clone(), Scalar::Number)),
            Json::Bool(b) => Ok((b.to_string(), Scalar::Bool)),
            other => Err(err(
                format!(
                    "condition values for `{key}` must be strings, numbers or booleans, found {}",
                    other.type_name()
                ),
                x.pos,
            )),
        }
    };
    match &v.value {
        Json::Array(a) => Ok((a.iter().map(scalar).collect::<Result<_, _>>()?, false)),
        _ => Ok((vec![scalar(v)?], true)),
    }
}

fn maybe_var<T>(text: &str, vars: bool, make: impl FnOnce(&str) -> T) -> MaybeVar<T> {
    match vars.then(|| Template::parse(text)).flatten() {
        Some(t) => MaybeVar::Dynamic(t),
        None => MaybeVar::Static(make(text)),
    }
}

fn compile_value(op: Operator, text: &str, vars: bool) -> Compiled {
    match op.base {
        Base::StringEquals => Compiled::Str(maybe_var(text, vars, str::to_string)),
        Base::StringEqualsIgnoreCase => Compiled::StrIc(maybe_var(text, vars, str::to_lowercase)),
        Base::StringLike => Compiled::Like(maybe_var(text, vars, Glob::plain)),
        Base::ArnLike => Compiled::Arn(ArnPattern::new(text, vars)),
        Base::NumericEquals
        | Base::NumericLessThan
        | Base::NumericLessThanEquals
        | Base::NumericGreaterThan
        | Base::NumericGreaterThanEquals => Compiled::Num(parse_number(text)),
        Base::DateEquals
        | Base::DateLessThan
        | Base::DateLessThanEquals
        | Base::DateGreaterThan
        | Base::DateGreaterThanEquals => Compiled::Date(parse_date(text)),
        Base::Bool => Compiled::Bool(parse_bool(text)),
        Base::BinaryEquals => Compiled::Binary(text.to_string()),
        Base::IpAddress => Compiled::Ip(IpValue::parse(text)),
        Base::Null => Compiled::Null(parse_bool(text)),
    }
}
