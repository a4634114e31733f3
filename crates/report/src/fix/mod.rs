//! `phiward fix`: the files of each proved fix, and a summary of every fix as text or
//! JSON.

mod files;
mod json;
mod text;

pub use files::files;
pub use json::json;
pub use text::text;
