use phiward_policy::parse::clip;

use super::{action_keys, known_actions, list, Ctx, Hit};
use crate::catalog::key_name_matches;

rule! {
    /// ## What
    /// Reports a condition key that is neither a global key nor a key of any of the
    /// statement's actions: `s3:x-amz-server-side-encryption` on `s3:GetObject`,
    /// `kms:ViaService` on an S3 action, a misspelt `aws:SourceIpAddress`.
    ///
    /// ## Why
    /// A request never carries a key that does not apply to its action. A condition on an
    /// absent key is false (true for negated operators and `...IfExists`), so the statement
    /// either never applies or always does, whatever its author meant. AWS: Service
    /// Authorization Reference, "Condition keys" tables; IAM User Guide, "AWS global
    /// condition context keys". Keys of identity providers (`accounts.google.com:aud`,
    /// `token.actions.githubusercontent.com:sub`, `saml:aud`) are not checked.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
    ///                 "Resource": "arn:aws:s3:::phi/*",
    ///                 "Condition": {"StringEquals": {"s3:x-amz-acl": "private"}}}]}
    /// ```
    ///
    /// ## Fix
    /// Use a key the actions support (see the service's "Condition keys" table), a global
    /// key, or move the condition to the statement whose actions carry the key.
    pub static CONDITION_KEY_NOT_APPLICABLE = {
        id: "PW205",
        name: "condition-key-not-applicable",
        title: "A condition key applies to none of the statement's actions",
        severity: Warning,
        catalog: true,
        fix: "use a condition key the actions support, a global key, or move the condition to the right statement",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(cat) = cx.catalog else { return };
    for (s, src, set) in cx.statements() {
        if s.conditions.is_empty() {
            continue;
        }
        let Some(actions) = known_actions(cx, s, set) else {
            continue;
        };
        let keys = action_keys(cat, &actions);
        for (i, c) in s.conditions.iter().enumerate() {
            let prefix = c.key_lc.split(':').next().unwrap_or("");
            // Keys of identity providers and other non-service namespaces are not known.
            if prefix != "aws" && !cat.service_exists(prefix) {
                continue;
            }
            if cat.global_key(&c.key).is_some()
                || keys.iter().any(|k| key_name_matches(&k.name, &c.key))
            {
                continue;
            }
            out.push(Hit::new(
                src.condition(i),
                format!(
                    "condition key `{}` applies to none of {}",
                    clip(&c.key),
                    list(&actions, 3)
                ),
            ));
        }
    }
}
