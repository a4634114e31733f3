//! CloudTrail for phiward: reading logs offline, mining each principal's usage, finding
//! unused access, writing least-privilege policies from what was used, and validating the
//! logs' integrity through CloudTrail's signed digest chain.
//!
//! The crate is pure: it reads files (or any [`verify::ObjectSource`]), never the network,
//! and never prints. Files are read in parallel on the current rayon pool.
//!
//! ```no_run
//! let paths = phiward_trail::read::discover(std::path::Path::new("logs"))?;
//! let catalog = phiward_catalog::Catalog::get().expect("the catalog loads");
//! let now = phiward_trail::time::parse("2024-06-01T00:00:00Z").unwrap_or(0);
//! let opts = phiward_trail::usage::Options::window(now, Some(90 * 86_400));
//! let usage = phiward_trail::usage::usage(&paths, opts, catalog);
//! for p in &usage.principals {
//!     println!("{}: {} actions", p.principal, p.actions.len());
//! }
//! # Ok::<(), phiward_trail::read::Error>(())
//! ```

pub mod detect;
pub mod digest;
pub mod event;
mod objects;
pub mod policy;
pub mod read;
pub mod resources;
pub mod review;
pub mod scan;
pub mod time;
pub mod unused;
pub mod usage;
pub mod verify;
