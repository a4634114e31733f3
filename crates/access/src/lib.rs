//! Effective access in an account snapshot: who can perform an action on a resource, and
//! what a principal can do, decided by phiward's policy engine with every policy AWS
//! consults (identity policies and groups, permissions boundaries, SCPs, RCPs, and the
//! resource's own policy).
//!
//! Conditions that depend on the request (MFA, source IP, VPC endpoint, time, tags not in
//! the snapshot) are not guessed: the engine's partial evaluation turns them into
//! residual conditions, so a grant is `allowed` or `conditional` with the conditions
//! listed. Keys phiward knows (the principal's ARN, account, user name, type and tags;
//! the resource's account) are set, and so are the keys a question fixes
//! ([`KnownContext`], `--context`/`--absent`); every other key is unknown.
//!
//! The crate does no I/O and no printing.

mod actions;
mod asker;
mod bits;
mod callers;
mod can;
mod cuts;
mod describe;
mod each;
mod edges;
pub mod employee;
pub mod escalation;
pub mod external;
mod known;
pub mod model;
pub mod org;
pub mod org_paths;
mod org_reach;
pub mod org_report;
pub mod paths;
pub mod people;
pub mod query;
mod runners;
mod targets;

pub use can::{can, can_grouped, Decisions};
pub use describe::{describe_conditions, evidence_lines};
pub use each::{who_can_each, Each, Grantee};
pub use employee::{AccessReport, ResourceKind, Target};
pub use escalation::{admin_grant, graph, graph_scoped, Edge, Graph, Node, Scope, Step, Technique};
pub use known::{Contradiction, KnownContext};
pub use model::{AccessModel, Principal, PrincipalType, Resource, Skipped};
pub use paths::{shortest_paths, Path};
pub use people::{Assignment, Holder, MappedBy, PeopleOptions};
pub use query::{
    decide_as, decide_one, who_can, who_can_external, Can, Capability, Condition, Decided, Grant,
    Reach, Via, WhoCan,
};
pub use runners::{runners, Runs, RUNNERS};
