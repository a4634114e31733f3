//! The services that run code or deployments with a role they assume, defined once for
//! the escalation graph's PassRole techniques and for the audit (AUTO-003 asks which roles
//! run code, AUTO-004 which roles automation runs as, the IaC fixes which roles are passed).

/// What a service does with a role it assumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runs {
    /// Arbitrary code (functions, instances, containers, builds, jobs, notebooks).
    Code,
    /// Deployments of templates and pipelines.
    Deployments,
}

/// The service principals that run code or deployments with a role, code runners first
/// (in the order findings name them).
pub const RUNNERS: &[(&str, Runs)] = &[
    ("lambda.amazonaws.com", Runs::Code),
    ("ec2.amazonaws.com", Runs::Code),
    ("ecs-tasks.amazonaws.com", Runs::Code),
    ("codebuild.amazonaws.com", Runs::Code),
    ("glue.amazonaws.com", Runs::Code),
    ("sagemaker.amazonaws.com", Runs::Code),
    ("datapipeline.amazonaws.com", Runs::Code),
    ("cloudformation.amazonaws.com", Runs::Deployments),
    ("codepipeline.amazonaws.com", Runs::Deployments),
];

/// The service principals of [`RUNNERS`] that run `kind`.
pub fn runners(kind: Runs) -> impl Iterator<Item = &'static str> {
    RUNNERS
        .iter()
        .filter(move |(_, k)| *k == kind)
        .map(|(s, _)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every service a PassRole technique of the escalation graph passes a role to is
    /// one of the runners the audit knows.
    #[test]
    fn pass_role_techniques_pass_to_runners() {
        for (_, service, _) in crate::escalation::PASS_ROLE {
            assert!(
                RUNNERS.iter().any(|(s, _)| s == service),
                "{service} is not in RUNNERS"
            );
        }
        assert_eq!(runners(Runs::Code).count(), 7);
        // The audit keeps one bit per runner.
        assert!(RUNNERS.len() <= 16);
    }
}
