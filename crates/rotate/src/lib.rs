//! Access-key rotation on the two-key overlap schedule (HIPAA practice 4; docs/rotation.md).
//!
//! - [`schedule`]: the `[rotation]` settings checked into a [`Schedule`].
//! - [`planner`]: pure; from a user's keys and the moment, what is due, what comes next,
//!   and what is out of schedule.
//! - [`mod@plan`]: `phiward rotate plan`, every user of a snapshot placed in the schedule,
//!   rendered as text or CSV ([`render`]), JSON, or iCalendar ([`ics`]); the consumers of
//!   each key come from CloudTrail logs ([`consumers`]).
//!
//! - [`exec`]: `phiward rotate run`, the only code in phiward that changes AWS: create,
//!   store, deactivate and delete keys, with a journal and invariants checked after
//!   every step; [`calls`] lists every call it can make.
//!
//! The crate never prints.

pub mod calls;
pub mod consumers;
pub mod exec;
pub mod ics;
pub mod plan;
pub mod planner;
pub mod render;
pub mod schedule;
pub mod timeline;

pub use plan::{plan, Plan};
pub use schedule::{Schedule, ScheduleError};
