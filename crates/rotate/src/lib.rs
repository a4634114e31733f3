//! Access-key rotation on the two-key overlap schedule (HIPAA practice 4; docs/rotation.md).
//!
//! - [`schedule`]: the `[rotation]` settings checked into a [`Schedule`].
//! - [`planner`]: pure; from a user's keys and the moment, what is due, what comes next,
//!   and what is out of schedule.
//! - [`plan`]: `phiward rotate plan`, every user of a snapshot placed in the schedule,
//!   rendered as text or CSV ([`render`]), JSON, or iCalendar ([`ics`]); the consumers of
//!   each key come from CloudTrail logs ([`consumers`]).
//!
//! The crate never prints.

pub mod consumers;
pub mod ics;
pub mod plan;
pub mod planner;
pub mod render;
pub mod schedule;
pub mod timeline;

pub use plan::{plan, Plan};
pub use schedule::{Schedule, ScheduleError};
