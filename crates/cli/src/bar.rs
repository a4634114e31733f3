//! Progress for long work: drawn on standard error when it is a terminal, nothing when it
//! is piped, and cleared when done or dropped (so that an error prints on a clean line).

use std::io::IsTerminal;
use std::time::Duration;

/// A progress line: a spinner, a count (`{pos}`, and `{len}` when the total is known)
/// and a message, as the template says.
#[derive(Debug)]
pub struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    /// A bar of `len` steps (a spinner when `None`) drawn with `template`.
    pub fn new(len: Option<u64>, template: &str) -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = match len {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::new_spinner(),
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar(Some(bar))
    }

    /// Shows `msg` after the count.
    pub fn say(&self, msg: impl Into<String>) {
        if let Some(b) = &self.0 {
            b.set_message(msg.into());
        }
    }

    /// One more step done.
    pub fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    /// Prints a line above the bar.
    pub fn println(&self, line: impl AsRef<str>) {
        if let Some(b) = &self.0 {
            b.println(line);
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}
