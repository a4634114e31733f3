use super::{Ctx, Hit};

rule! {
    /// ## What
    /// Reports a document that is not valid JSON, or that IAM's policy grammar rejects: an
    /// unknown or misspelt element, an `Effect` other than `Allow` or `Deny`, an action
    /// without a service prefix, a resource that is neither `*` nor an ARN, an unknown
    /// condition operator, an element the policy type does not allow (`Principal` in an
    /// identity-based policy), and so on. The message is the parser's, with the line and
    /// column of the offending value.
    ///
    /// ## Why
    /// IAM refuses to save such a policy (`MalformedPolicyDocument`), and phiward cannot
    /// check what it cannot parse: every other rule is skipped for the document. AWS: IAM
    /// User Guide, "Grammar of the IAM JSON policy language".
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]
    /// }
    /// ```
    /// `Effect` values are case-sensitive: `allow` is rejected.
    ///
    /// ## Fix
    /// Correct the JSON or the element the message names; element names and `Effect`
    /// values are case-sensitive.
    pub static INVALID_POLICY = {
        id: "PW001",
        name: "invalid-policy",
        title: "The document is not valid JSON or not a valid policy",
        severity: Error,
        catalog: false,
        fix: "correct the JSON or the element named; element names and `Effect` values are case-sensitive",
        check: no_check,
    };
}

/// Reported by the driver when parsing fails; a parsed policy has nothing left to report.
fn no_check(_: &Ctx<'_>, _: &mut Vec<Hit>) {}
