//! Context keys a question fixes: `phiward who-can --context aws:SourceIp=192.0.2.7
//! --absent aws:MultiFactorAuthPresent` asks who can from that address without MFA.
//!
//! Access analysis leaves every key it does not know unknown, so that conditions on it
//! become residual conditions ("allowed if `aws:MultiFactorAuthPresent` is `true`"). A key
//! fixed here is decided instead: a value makes conditions on it true or false, and an
//! absent key is decided as AWS decides a missing key (IAM User Guide, "IAM JSON policy
//! elements: Condition operators": "If the key that you specify in a policy condition is
//! not present in the request context, the values do not match").

use phiward_policy::{Context, CtxValue};

/// Context keys with a value, and keys known to be missing from the request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownContext {
    /// Keys and their values (a multivalued key holds several).
    pub values: Vec<(String, CtxValue)>,
    /// Keys the request does not carry.
    pub absent: Vec<String>,
}

/// A key given both a value and as absent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("context key `{0}` is given a value and as absent")]
pub struct Contradiction(pub String);

impl KnownContext {
    /// Fixes `values` and `absent`; a key in both is an error.
    pub fn new(
        values: Vec<(String, CtxValue)>,
        absent: Vec<String>,
    ) -> Result<KnownContext, Contradiction> {
        if let Some(k) = absent
            .iter()
            .find(|a| values.iter().any(|(k, _)| k.eq_ignore_ascii_case(a)))
        {
            return Err(Contradiction(k.clone()));
        }
        Ok(KnownContext { values, absent })
    }

    /// Whether nothing is fixed.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.absent.is_empty()
    }

    /// Sets the fixed keys in a request's context (after the keys phiward knows of the
    /// principal, so that the question's own values win).
    pub(crate) fn apply(&self, ctx: &mut Context) {
        for (k, v) in &self.values {
            ctx.insert(k, v.clone());
        }
        for k in &self.absent {
            ctx.set_absent(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_keys_are_known_in_an_open_world() {
        let k = KnownContext::new(
            vec![("aws:SourceIp".into(), CtxValue::One("192.0.2.7".into()))],
            vec!["aws:MultiFactorAuthPresent".into()],
        )
        .unwrap();
        let mut ctx = Context::new();
        ctx.unknown_by_default();
        k.apply(&mut ctx);
        assert!(!ctx.is_unknown("aws:sourceip"));
        assert!(!ctx.is_unknown("aws:multifactorauthpresent"));
        assert!(ctx.get("aws:multifactorauthpresent").is_none());
        assert!(ctx.is_unknown("aws:securetransport"));
        assert!(KnownContext::new(
            vec![("aws:SourceIp".into(), CtxValue::One("x".into()))],
            vec!["AWS:SOURCEIP".into()],
        )
        .is_err());
    }
}
