//! Which services resource control policies apply to.
//!
//! AWS: AWS Organizations User Guide, "Resource control policies (RCPs)", section "List of
//! AWS services that support RCPs": "RCPs apply to the following AWS services" and to no
//! other; an RCP that denies `ec2:*` has no effect on EC2 requests. The list is kept here,
//! in the evaluator, because the evaluator must stay free of I/O and of the catalog (which
//! depends on it); the catalog carries the same list from AWS's data
//! (`Service::rcp_supported`), and a test of the catalog crate checks that the two agree.

/// Service prefixes (lowercase, sorted) whose requests RCPs apply to.
pub const RCP_SERVICES: &[&str] = &[
    "aoss",
    "appconfig",
    "appstream",
    "autoscaling",
    "autoscaling-plans",
    "budgets",
    "clouddirectory",
    "cloudfront",
    "cloudsearch",
    "cloudtrail-data",
    "codeartifact",
    "codebuild",
    "codecommit",
    "codepipeline",
    "cognito-identity",
    "cognito-idp",
    "comprehend",
    "comprehendmedical",
    "compute-optimizer",
    "cost-optimization-hub",
    "dax",
    "dsql",
    "dynamodb",
    "ecr",
    "ecr-public",
    "events",
    "firehose",
    "fis",
    "fms",
    "gamelift",
    "health",
    "inspector-scan",
    "kendra",
    "kinesisvideo",
    "kms",
    "logs",
    "memorydb",
    "networkmonitor",
    "notifications",
    "opensearch",
    "pca-connector-ad",
    "personalize",
    "polly",
    "pricing",
    "resource-groups",
    "rolesanywhere",
    "s3",
    "secretsmanager",
    "servicediscovery",
    "signin",
    "sqs",
    "sts",
    "support",
    "swf",
    "textract",
    "timestream-influxdb",
    "transcribe",
    "transfer",
    "translate",
    "wafv2",
    "workspaces",
    "xray",
];

/// Whether RCPs apply to requests for the service `prefix` (lowercase).
pub fn applies_to(prefix: &str) -> bool {
    RCP_SERVICES.binary_search(&prefix).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_lowercase_so_that_the_search_finds_every_entry() {
        assert!(RCP_SERVICES.windows(2).all(|w| w[0] < w[1]));
        assert!(RCP_SERVICES.iter().all(|s| *s == s.to_lowercase()));
        assert!(applies_to("s3") && applies_to("sts") && applies_to("kms"));
        assert!(!applies_to("ec2") && !applies_to("iam") && !applies_to("lambda"));
    }
}
