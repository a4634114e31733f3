use super::{Ctx, Hit};

rule! {
    /// ## What
    /// Reports an input that could not be read: a missing or unreadable file, a file that
    /// is not UTF-8 text, or one too large to be a policy.
    ///
    /// ## Why
    /// A policy that was never read was never checked. `phiward lint` still lints the other
    /// files, reports this one, and exits with status 2 so a pipeline cannot mistake an
    /// unread file for a clean one.
    ///
    /// ## Example
    /// A policy saved as UTF-16 by a Windows editor, or a path with a typo:
    ///
    /// ```console
    /// $ phiward lint polcy.json
    /// polcy.json:1:1: error[PW000] cannot read `polcy.json`: no such file or directory
    /// ```
    ///
    /// ## Fix
    /// Check the path and permissions, and save the policy as UTF-8 JSON.
    pub static UNREADABLE_FILE = {
        id: "PW000",
        name: "unreadable-file",
        title: "The input could not be read",
        severity: Error,
        catalog: false,
        fix: "check the path and permissions, and save the policy as UTF-8 JSON",
        check: no_check,
    };
}

/// Reported by the driver, before any policy exists.
fn no_check(_: &Ctx<'_>, _: &mut Vec<Hit>) {}
