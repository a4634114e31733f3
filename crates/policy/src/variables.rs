//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, `${*}`.
//!
//! AWS: IAM User Guide, "IAM policy elements: Variables and tags". Variables work only in
//! policies with `"Version": "2012-10-17"`; under `2008-10-17` (or no `Version`) the text is
//! literal. A variable's value is inserted literally: a `*` in a tag value is not a
//! wildcard. `${*}`, `${?}` and `${$}` insert those characters literally.

use crate::context::Context;
use crate::glob::{plain_tokens, Tok};

/// One piece of a string that contains variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Policy text (wildcards, where the operator has them, stay active).
    Text(String),
    /// A variable.
    Var {
        /// Key name in lowercase, for lookup.
        key: String,
        /// Key name as written.
        display: String,
        /// The default from `${key, 'default'}`.
        default: Option<String>,
    },
    /// `${*}`, `${?}` or `${$}`: the literal character.
    Char(char),
}

/// A string with at least one `${...}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// A variable that has no value in the request and no default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved(pub String);

impl Template {
    /// Parses `s`; `None` when it has no well-formed `${...}`.
    pub fn parse(s: &str) -> Option<Template> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = s;
        let mut any = false;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(close) = after.find('}') else {
                break;
            };
            let Some(piece) = parse_var(&after[..close]) else {
                text.push_str(&rest[..start + 2]);
                rest = after;
                continue;
            };
            text.push_str(&rest[..start]);
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(piece);
            any = true;
            rest = &after[close + 1..];
        }
        text.push_str(rest);
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        any.then_some(Template { pieces })
    }

    /// The pieces, in order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    fn value<'a>(
        key: &str,
        display: &str,
        default: Option<&'a str>,
        ctx: &'a Context,
    ) -> Result<&'a str, Unresolved> {
        ctx.variable(key)
            .or(default)
            .ok_or_else(|| Unresolved(display.to_string()))
    }

    /// The string with variables substituted.
    pub fn resolve(&self, ctx: &Context) -> Result<String, Unresolved> {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Char(c) => out.push(*c),
                Piece::Var {
                    key,
                    display,
                    default,
                } => out.push_str(Self::value(key, display, default.as_deref(), ctx)?),
            }
        }
        Ok(out)
    }

    /// Wildcard tokens with variables substituted as literal characters.
    pub fn tokens(&self, ctx: &Context) -> Result<Vec<Tok>, Unresolved> {
        let mut out = Vec::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.extend(plain_tokens(t)),
                Piece::Char(c) => out.push(Tok::Lit(*c)),
                Piece::Var {
                    key,
                    display,
                    default,
                } => out.extend(
                    Self::value(key, display, default.as_deref(), ctx)?
                        .chars()
                        .map(Tok::Lit),
                ),
            }
        }
        Ok(out)
    }
}

fn parse_var(inner: &str) -> Option<Piece> {
    match inner {
        "*" => return Some(Piece::Char('*')),
        "?" => return Some(Piece::Char('?')),
        "$" => return Some(Piece::Char('$')),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let d = d.strip_prefix('\'')?.strip_suffix('\'')?;
            (k.trim(), Some(d.to_string()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() || key.contains(['$', '{']) {
        return None;
    }
    Some(Piece::Var {
        key: key.to_lowercase(),
        display: key.to_string(),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::CtxValue;

    #[test]
    fn parses_and_resolves() {
        let t = Template::parse("arn:aws:s3:::b/${aws:username}/*").unwrap();
        let mut c = Context::new();
        c.insert("aws:username", CtxValue::One("bob".into()));
        assert_eq!(t.resolve(&c).unwrap(), "arn:aws:s3:::b/bob/*");
        assert!(t.resolve(&Context::new()).is_err());
    }

    #[test]
    fn defaults_and_specials() {
        let t = Template::parse("${aws:PrincipalTag/team, 'company-wide'}${*}${?}${$}").unwrap();
        assert_eq!(t.resolve(&Context::new()).unwrap(), "company-wide*?$");
        let toks = t.tokens(&Context::new()).unwrap();
        assert!(toks.iter().all(|t| matches!(t, Tok::Lit(_))));
    }

    #[test]
    fn malformed_is_literal() {
        assert!(Template::parse("${").is_none());
        assert!(Template::parse("a${}b").is_none());
        assert!(Template::parse("${x, default}").is_none());
        let t = Template::parse("${}${aws:username}").unwrap();
        assert_eq!(t.pieces()[0], Piece::Text("${}".into()));
    }

    #[test]
    fn multivalued_keys_do_not_resolve() {
        let t = Template::parse("${aws:TagKeys}").unwrap();
        let mut c = Context::new();
        c.insert("aws:TagKeys", CtxValue::Many(vec!["a".into()]));
        assert!(t.resolve(&c).is_err());
    }
}
