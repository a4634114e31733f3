//! The one skeleton of phiward's self-contained HTML pages (the audit report, the access
//! report), with the one escaping function, the one way to embed data, and the one string
//! interner they use.
//!
//! A page is `assets/page.html` filled in one pass: a header, a summary rendered here (so
//! it shows with scripts off), the page's own body, its data as one JSON blob, and the
//! script that renders the blob as a filterable, paged table. Nothing is loaded from the
//! network (the Content-Security-Policy forbids it).
//!
//! Escaping: text placed in markup goes through [`escape`]; the JSON blob sits in a
//! `<script type="application/json">` where only `</script` or `<!--` could end or confuse
//! it, so every `<`, `>` and `&` in it is written as a `\u00XX` escape (as are U+2028 and
//! U+2029, for old JSON-in-JS parsers, see [`script_safe_json`]); the scripts build their
//! tables with `textContent`, never `innerHTML`, so names and ARNs cannot inject markup.

use std::collections::HashMap;

use serde_json::Value;

const SKELETON: &str = include_str!("../assets/page.html");

/// The style sheet every page starts from.
pub const STYLE: &str = include_str!("../assets/report.css");

/// What one page holds; every field but `title` and `heading` is markup or code, placed
/// as given.
#[derive(Clone, Copy, Debug)]
pub struct Page<'a> {
    /// The document title (text; escaped here).
    pub title: &'a str,
    /// The `<h1>` (text; escaped here).
    pub heading: &'a str,
    /// The line under the heading (markup: its parts already escaped).
    pub meta: &'a str,
    /// The style sheet.
    pub style: &'a str,
    /// The summary section (markup).
    pub summary: &'a str,
    /// The page's own sections (markup).
    pub body: &'a str,
    /// The data the script reads.
    pub data: &'a Value,
    /// The script.
    pub script: &'a str,
}

impl Page<'_> {
    /// The page as one HTML document.
    pub fn render(&self) -> Result<String, serde_json::Error> {
        let blob = script_safe_json(&serde_json::to_string(self.data)?);
        Ok(fill(
            SKELETON,
            &[
                ("title", &escape(self.title)),
                ("heading", &escape(self.heading)),
                ("meta", self.meta),
                ("style", self.style),
                ("summary", self.summary),
                ("body", self.body),
                ("data", &blob),
                ("script", self.script),
            ],
        ))
    }
}

/// Text escaped for HTML content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// JSON made safe inside a `<script>` element: no `<`, `>` or `&` (so no `</script>` or
/// `<!--`), no U+2028/U+2029. Outside strings JSON has none of these characters, and
/// inside strings the `\uXXXX` escapes mean the same text, so the data is unchanged.
pub fn script_safe_json(json: &str) -> String {
    let mut o = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => o.push_str("\\u003c"),
            '>' => o.push_str("\\u003e"),
            '&' => o.push_str("\\u0026"),
            '\u{2028}' => o.push_str("\\u2028"),
            '\u{2029}' => o.push_str("\\u2029"),
            c => o.push(c),
        }
    }
    o
}

/// Replaces each `{{name}}` of `template` once, in one pass, so that a value that happens
/// to contain `{{...}}` is never expanded again.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let extra: usize = values.iter().map(|(_, v)| v.len()).sum();
    let mut o = String::with_capacity(template.len() + extra);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        o.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            o.push_str(&rest[start..]);
            return o;
        };
        let name = &after[..end];
        match values.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => o.push_str(v),
            None => o.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    o.push_str(rest);
    o
}

/// Interns strings for a page's data: each distinct string is stored once and rows refer
/// to it by index (policy names, people and ARNs repeat across rows; this keeps a
/// 100,000-row page small).
#[derive(Debug, Default)]
pub struct Strings<'a> {
    list: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Strings<'a> {
    /// The index of `s`, stored on first sight.
    pub fn id(&mut self, s: &'a str) -> usize {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        self.list.push(s);
        self.index.insert(s, self.list.len() - 1);
        self.list.len() - 1
    }

    /// Every string, by index.
    pub fn list(&self) -> &[&'a str] {
        &self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_placed_once_and_never_expanded_again() {
        let out = fill("a {{x}} b {{y}} {{z}}", &[("x", "{{y}}"), ("y", "2")]);
        assert_eq!(out, "a {{y}} b 2 {{z}}");
        assert_eq!(fill("open {{x", &[("x", "1")]), "open {{x");
    }

    #[test]
    fn markup_and_script_breakers_are_neutralised() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            script_safe_json("\"</script><!--\u{2028}\""),
            "\"\\u003c/script\\u003e\\u003c!--\\u2028\""
        );
    }

    #[test]
    fn strings_are_interned_in_order_of_first_sight() {
        let mut s = Strings::default();
        assert_eq!((s.id("a"), s.id("b"), s.id("a")), (0, 1, 0));
        assert_eq!(s.list(), ["a", "b"]);
    }
}
