//! `phiward iac check` and `iac parse`: findings as text for people and one JSON document
//! for programs (SARIF is [`crate::sarif::iac`]); the policy documents a template holds
//! as JSON.

mod json;
mod text;

pub use json::{documents, json};
pub use text::{summary, text};
