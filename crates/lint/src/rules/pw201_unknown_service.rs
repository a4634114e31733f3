use phiward_policy::parse::clip;

use super::{Ctx, Hit};
use phiward_policy::document::ActionMatcher;

rule! {
    /// ## What
    /// Reports an action whose service prefix is not an AWS service: `s4:GetObject`,
    /// `cloudwatchlogs:PutLogEvents` (the prefix is `logs`), `dynamo:GetItem`.
    ///
    /// ## Why
    /// IAM accepts any prefix, but a statement naming a service that does not exist grants
    /// or denies nothing. In an `Allow`, access someone needs is missing; in a `Deny`, the
    /// protection is missing. Service prefixes often differ from service names (CloudWatch
    /// Logs is `logs`, Amazon EventBridge is `events`). AWS: Service Authorization
    /// Reference, "Actions, resources, and condition keys for AWS services".
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Deny", "Action": "dynamo:Scan", "Resource": "*"}]}
    /// ```
    ///
    /// ## Fix
    /// Use the service prefix from the Service Authorization Reference (`dynamodb:Scan`).
    pub static UNKNOWN_SERVICE = {
        id: "PW201",
        name: "unknown-service",
        title: "An action names a service that does not exist",
        severity: Error,
        catalog: true,
        fix: "use the service prefix from the AWS Service Authorization Reference",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(cat) = cx.catalog else { return };
    for (s, src, set) in cx.statements() {
        for (i, p) in set.matchers().iter().enumerate() {
            let ActionMatcher::Service { service, .. } = p else {
                continue;
            };
            if !cat.service_exists(service) {
                let text = s.action.list.items.get(i).map(String::as_str).unwrap_or("");
                out.push(Hit::new(
                    src.action(i),
                    format!(
                        "`{}` names the unknown service prefix `{}`",
                        clip(text),
                        clip(service)
                    ),
                ));
            }
        }
    }
}
