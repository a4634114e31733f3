use phiward_policy::parse::clip;

use super::{Ctx, Hit};
use phiward_policy::document::ActionMatcher;

use crate::actions::has_wildcard;

rule! {
    /// ## What
    /// Reports an action pattern with wildcards that matches no action of its service
    /// (`s3:Gett*`, `iam:*Users*`), and an action name containing whitespace, which IAM
    /// never matches.
    ///
    /// ## Why
    /// The pattern grants or denies nothing. It usually hides a typo, or a wildcard placed
    /// where AWS's names differ from the API's (`ec2:Describe*Instance` misses
    /// `DescribeInstances`). AWS: IAM User Guide, "IAM JSON policy elements: Action".
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": "s3:Gett*",
    ///                 "Resource": "arn:aws:s3:::phi/*"}]}
    /// ```
    ///
    /// ## Fix
    /// Correct the pattern so it names the actions meant; the Service Authorization
    /// Reference lists each service's actions.
    pub static ACTION_MATCHES_NOTHING = {
        id: "PW203",
        name: "action-matches-nothing",
        title: "An action pattern matches no action",
        severity: Error,
        catalog: true,
        fix: "correct the pattern so it names existing actions",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(cat) = cx.catalog else { return };
    for (s, src, set) in cx.statements() {
        for (i, p) in set.matchers().iter().enumerate() {
            let text = s.action.list.items.get(i).map(String::as_str).unwrap_or("");
            let message = match p {
                ActionMatcher::Nothing => {
                    format!(
                        "`{}` never matches: action names have no whitespace",
                        clip(text)
                    )
                }
                ActionMatcher::Service { service, .. }
                    if has_wildcard(p)
                        && cat.service_exists(service)
                        && cat.expand(text).is_empty() =>
                {
                    format!("`{}` matches no action of `{}`", clip(text), clip(service))
                }
                _ => continue,
            };
            out.push(Hit::new(src.action(i), message));
        }
    }
}
