use phiward_policy::parse::clip;

use super::{Ctx, Hit};
use phiward_policy::document::ActionMatcher;

use crate::actions::has_wildcard;

rule! {
    /// ## What
    /// Reports an action without wildcards that its service does not have:
    /// `s3:GetObjects`, `iam:CreateUsers`, `kms:DecryptData`.
    ///
    /// ## Why
    /// IAM saves the policy, but the misspelt action matches no request: an `Allow` grants
    /// nothing and a `Deny` protects nothing. AWS: Service Authorization Reference. When a
    /// close spelling exists, the message suggests it.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Deny", "Action": "s3:DeleteObjects",
    ///                 "Resource": "arn:aws:s3:::phi/*"}]}
    /// ```
    /// There is no `s3:DeleteObjects` (the API `DeleteObjects` is authorized as
    /// `s3:DeleteObject`), so nothing is denied.
    ///
    /// ## Fix
    /// Use the action's name from the Service Authorization Reference.
    pub static UNKNOWN_ACTION = {
        id: "PW202",
        name: "unknown-action",
        title: "An action does not exist in its service",
        severity: Error,
        catalog: true,
        fix: "use the action's name from the AWS Service Authorization Reference",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(cat) = cx.catalog else { return };
    for (s, src, set) in cx.statements() {
        for (i, p) in set.matchers().iter().enumerate() {
            let ActionMatcher::Service { service, name, .. } = p else {
                continue;
            };
            let text = s.action.list.items.get(i).map(String::as_str).unwrap_or("");
            if has_wildcard(p) || !cat.service_exists(service) || cat.action_exists(text) {
                continue;
            }
            let hint = closest(&cat.expand(&format!("{service}:*")), service, name)
                .map(|a| format!(" (did you mean `{a}`?)"))
                .unwrap_or_default();
            out.push(Hit::new(
                src.action(i),
                format!(
                    "`{}` is not an action of `{}`{hint}",
                    clip(text),
                    clip(service)
                ),
            ));
        }
    }
}

/// The action of the service whose name is closest to `name` (at most 3 edits away).
fn closest<'a>(actions: &'a [String], service: &str, name: &str) -> Option<&'a str> {
    actions
        .iter()
        .filter_map(|a| {
            let n = a.get(service.len() + 1..)?.to_lowercase();
            let d = distance(&n, name);
            (d <= 3 && d * 3 <= name.len()).then_some((d, a.as_str()))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("getobjects", "getobject"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        let acts = vec!["s3:GetObject".to_string(), "s3:PutObject".to_string()];
        assert_eq!(closest(&acts, "s3", "getobjects"), Some("s3:GetObject"));
        assert_eq!(closest(&acts, "s3", "listbuckets"), None);
    }
}
