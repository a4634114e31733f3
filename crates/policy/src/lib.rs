//! AWS IAM policies and an exact authorization evaluator.
//!
//! `phiward-policy` parses IAM policy documents (keeping source positions), matches
//! actions, resources and principals with AWS's wildcard rules, evaluates every condition
//! operator, and decides requests the way AWS's policy evaluation logic does: explicit
//! denies first, then RCPs, SCPs, resource-based policies, identity-based policies,
//! permissions boundaries and session policies. Each decision explains itself with the
//! statements that matched and the policy types that blocked.
//!
//! The crate is pure: no I/O, no printing.
//!
//! ```
//! use phiward_policy::{evaluate, parse_policy, Context, Decision, PolicyKind, PolicySet,
//!     Request, RequestPrincipal};
//!
//! let policy = parse_policy(
//!     r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::phi-bucket/${aws:username}/*"}]}"#,
//!     PolicyKind::Identity,
//! ).unwrap();
//! let mut set = PolicySet::default();
//! set.identity.push(std::sync::Arc::new(policy));
//!
//! let mut ctx = Context::new();
//! ctx.insert("aws:username", phiward_policy::CtxValue::One("alice".into()));
//! let principal = RequestPrincipal::parse("arn:aws:iam::111122223333:user/alice", &ctx).unwrap();
//! let req = Request::new(principal, "s3:GetObject", "arn:aws:s3:::phi-bucket/alice/x.pdf", None, ctx);
//! assert_eq!(evaluate(&set, &req).decision, Decision::Allowed);
//! ```

pub mod arn;
pub mod cases;
pub mod condition;
pub mod context;
pub mod document;
pub mod eval;
pub mod glob;
pub mod json;
pub mod parse;
mod parse_condition;
pub mod partial;
pub mod principal;
mod print;
pub mod rcp;
mod request;
mod resource;
mod rules;
pub mod statement_ref;
pub mod values;
pub mod variables;

pub use context::{parse_assignments, AssignmentError, Context, CtxValue};
pub use document::{Effect, Policy, PolicyKind, Statement};
pub use eval::{evaluate, Decision, PolicySet, Request, Response};
pub use parse::{parse_policy, policy_from_json, PolicyError};
pub use partial::{evaluate_partial, Access, PartialResponse, ResidualCondition};
pub use principal::{PrincipalKind, PrincipalMatch, RequestPrincipal};
pub use rules::SERVICES_WITH_RULES;
pub use statement_ref::{Blocker, StatementRef};
