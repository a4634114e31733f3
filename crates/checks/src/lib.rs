//! The HIPAA check catalog. Each check lives in its own file under `checks/` with its
//! metadata (permanent id, title, severity, practice, HIPAA Security Rule citations, CIS
//! control, remediation) and a doc comment saying what it checks, why, and how to fix it.
//! Statements about access are decided by the policy engine through `phiward_access`,
//! never by pattern-matching policy text. A check whose data was not collected says
//! `not_evaluated`, never `pass`.

#[macro_use]
mod meta;
mod audit;
mod buckets;
mod checks;
pub mod conditions;
pub mod config;
mod evidence;
mod lints;
pub mod org;
mod org_reach;
pub mod probe;
mod run;

pub use audit::{Audit, Lints, Recertified};
pub use buckets::{per_log_bucket, per_phi_bucket, phi_buckets};
pub use checks::CHECKS;
pub use config::{Config, ConfigError};
pub use evidence::{
    fact, grants_evidence, listed, listed_with, statements, EVIDENCE_GRANTS, LISTED,
};
pub use lints::{lint_documents, LINT_RULES};
pub use meta::{pages, Check, Meta};
pub use run::{run_all, run_all_timed};
