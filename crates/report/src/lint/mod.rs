//! `phiward lint`: findings per file as text for people (with a one-line summary), one
//! JSON document for programs, and SARIF 2.1.0 for code-scanning services such as
//! GitHub's.

mod json;
mod sarif;
mod text;

pub use json::json;
pub use sarif::{sarif, RULES_URL};
pub use text::{summary, text};
