//! `phiward lint`: findings per file as text for people (with a one-line summary) and one
//! JSON document for programs; SARIF is [`crate::sarif::lint`].

mod json;
mod text;

pub use json::json;
pub use text::{summary, text};
