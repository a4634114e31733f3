//! A small JSON reader that remembers where every value starts.
//!
//! `serde_json` forgets positions, and phiward's explanations must point at the line and
//! column of the statement that decided. Policies are small, but case files and exports can
//! be large, so the reader is a single forward pass with no backtracking; nesting is bounded
//! so hostile input cannot exhaust the stack.

use std::fmt;

/// Deepest nesting accepted. IAM policies nest five levels; exports a few more.
pub const MAX_DEPTH: usize = 128;

/// A position in the source text: 1-based line and column (columns count bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column (in bytes from the start of the line).
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A JSON value with the position of its first character.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    /// Where the value starts.
    pub pos: Pos,
    /// The value itself.
    pub value: Json,
}

/// One `"key": value` member of an object, in source order (duplicates kept).
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Spanned,
}

/// A JSON value. Numbers keep their source text so no precision is lost.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Spanned>),
    /// An object with members in source order.
    Object(Vec<Member>),
}

impl Json {
    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

impl Spanned {
    /// The members of an object, or `None`.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Json::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The string, or `None`.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The first member named `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Spanned> {
        self.as_object()?
            .iter()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }
}

/// A syntax error with its position.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at {pos}")]
pub struct JsonError {
    /// What is wrong, lowercase.
    pub message: String,
    /// Where in the text the error is (line and column).
    pub pos: Pos,
}

/// Parses one JSON document. Trailing non-whitespace is an error.
pub fn parse(text: &str) -> Result<Spanned, JsonError> {
    let mut p = Parser::at_start(text);
    let v = p.value(0)?;
    p.skip_ws();
    if p.i < p.src.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(v)
}

/// Where one element of a top-level array starts, for [`parse_element`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElementStart {
    offset: usize,
    line: u32,
    line_start: usize,
}

/// Finds the elements of a top-level JSON array without building them, so a large file of
/// independent items (a case file) can be parsed element by element, in parallel, with
/// positions that still refer to the whole file. Errors in the array's own punctuation are
/// reported here; errors inside an element by [`parse_element`].
pub fn split_array(text: &str) -> Result<Vec<ElementStart>, JsonError> {
    let mut p = Parser::at_start(text);
    if p.peek() != Some(b'[') {
        return Err(p.err("expected a JSON array"));
    }
    p.i += 1;
    let mut out = Vec::new();
    p.skip_ws();
    if p.peek() == Some(b']') {
        p.i += 1;
    } else {
        loop {
            p.skip_ws();
            out.push(ElementStart {
                offset: p.i,
                line: p.line,
                line_start: p.line_start,
            });
            p.skip_value()?;
            p.skip_ws();
            match p.peek() {
                Some(b',') => p.i += 1,
                Some(b']') => {
                    p.i += 1;
                    break;
                }
                None => return Err(p.err("unterminated array")),
                Some(_) => return Err(p.err("expected `,` or `]` in array")),
            }
        }
    }
    p.skip_ws();
    if p.i < p.src.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(out)
}

/// Parses the array element that starts at `at` (from [`split_array`] on the same text).
pub fn parse_element(text: &str, at: ElementStart) -> Result<Spanned, JsonError> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        i: at.offset,
        line: at.line,
        line_start: at.line_start,
    };
    p.value(1)
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    i: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Parser<'a> {
    /// A parser at the first token, past a UTF-8 byte order mark (common in files saved by
    /// Windows editors) and whitespace.
    fn at_start(text: &'a str) -> Parser<'a> {
        let bom = if text.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let mut p = Parser {
            src: text.as_bytes(),
            text,
            i: bom,
            line: 1,
            line_start: bom,
        };
        p.skip_ws();
        p
    }

    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: u32::try_from(self.i - self.line_start + 1).unwrap_or(u32::MAX),
        }
    }

    fn err(&self, message: &str) -> JsonError {
        JsonError {
            message: message.to_string(),
            pos: self.pos(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    self.line += 1;
                    self.line_start = self.i;
                }
                _ => break,
            }
        }
    }

    /// Skips one value, tracking only nesting, strings and newlines.
    fn skip_value(&mut self) -> Result<(), JsonError> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => return Err(self.err("unexpected end of input")),
                Some(b'"') => {
                    self.i += 1;
                    loop {
                        let rest = self.src.get(self.i..).unwrap_or(&[]);
                        match memchr::memchr3(b'"', b'\\', b'\n', rest) {
                            None => {
                                self.i = self.src.len();
                                return Err(self.err("unterminated string"));
                            }
                            Some(k) => {
                                self.i += k;
                                match self.peek() {
                                    Some(b'\\') => self.i += 2,
                                    Some(b'"') => {
                                        self.i += 1;
                                        break;
                                    }
                                    _ => return Err(self.err("control character in string")),
                                }
                            }
                        }
                    }
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(self.err("JSON nested too deeply"));
                    }
                    self.i += 1;
                }
                Some(b'}' | b']') => {
                    if depth == 0 {
                        return Err(self.err("expected a JSON value"));
                    }
                    depth -= 1;
                    self.i += 1;
                }
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.skip_ws(),
                Some(b',' | b':') if depth > 0 => self.i += 1,
                Some(b',' | b':') => return Err(self.err("expected a JSON value")),
                Some(_) => {
                    // a scalar: run to the next delimiter
                    while self.peek().is_some_and(|c| {
                        !matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n' | b':')
                    }) {
                        self.i += 1;
                    }
                }
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Spanned, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        let pos = self.pos();
        let value = match self.peek() {
            None => return Err(self.err("unexpected end of input")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Json::String(self.string()?),
            Some(b't') => self.literal("true", Json::Bool(true))?,
            Some(b'f') => self.literal("false", Json::Bool(false))?,
            Some(b'n') => self.literal("null", Json::Null)?,
            Some(c) if c == b'-' || c.is_ascii_digit() => self.number()?,
            Some(_) => return Err(self.err("expected a JSON value")),
        };
        Ok(Spanned { pos, value })
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json, JsonError> {
        if self.src[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(c) if c.is_ascii_digit() => self.digits(),
            _ => return Err(self.err("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.err("invalid number"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.err("invalid number"));
            }
            self.digits();
        }
        Ok(Json::Number(self.text[start..self.i].to_string()))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            let rest = self.src.get(start..).unwrap_or(&[]);
            let stop = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
            // Control characters are rare: check the chunk as a whole, then find one.
            let chunk = rest.get(..stop).unwrap_or(&[]);
            let stop = match chunk.iter().position(|&c| c < 0x20) {
                Some(ctl) => ctl,
                None => stop,
            };
            self.i = start + stop;
            out.push_str(&self.text[start..self.i]);
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let c = self.peek().ok_or_else(|| self.err("unterminated string"))?;
        self.i += 1;
        match c {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hi = self.hex4()?;
                let ch = if (0xD800..0xDC00).contains(&hi) {
                    if self.src.get(self.i) == Some(&b'\\')
                        && self.src.get(self.i + 1) == Some(&b'u')
                    {
                        self.i += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(self.err("invalid unicode surrogate pair"));
                        }
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                    } else {
                        None
                    }
                } else {
                    char::from_u32(hi)
                };
                out.push(ch.ok_or_else(|| self.err("invalid unicode escape"))?);
            }
            _ => return Err(self.err("invalid escape in string")),
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let s = self
            .src
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("invalid unicode escape"))?;
        let mut v = 0u32;
        for &c in s {
            let d = (c as char)
                .to_digit(16)
                .ok_or_else(|| self.err("invalid unicode escape"))?;
            v = v * 16 + d;
        }
        self.i += 4;
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.i += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                None => return Err(self.err("unterminated array")),
                Some(_) => return Err(self.err("expected `,` or `]` in array")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.i += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_ws();
            let key_pos = self.pos();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a string key in object"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected `:` after object key"));
            }
            self.i += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_pos,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Json::Object(members));
                }
                None => return Err(self.err("unterminated object")),
                Some(_) => return Err(self.err("expected `,` or `}` in object")),
            }
        }
    }
}

/// Writes `s` as a JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_lines() {
        let v = parse("{\n  \"a\": [1, \"x\"],\n  \"b\": true\n}").unwrap();
        assert_eq!(v.pos, Pos { line: 1, column: 1 });
        let a = v.get("a").unwrap();
        assert_eq!(a.pos, Pos { line: 2, column: 8 });
        let b = v.get("b").unwrap();
        assert_eq!(b.pos, Pos { line: 3, column: 8 });
    }

    #[test]
    fn escapes_and_surrogates() {
        let v = parse(r#""a\"b\\c\u00e9\ud83d\ude00\n""#).unwrap();
        assert_eq!(v.as_str(), Some("a\"b\\c\u{e9}\u{1F600}\n"));
        assert!(parse(r#""\ud83d""#).is_err());
        assert!(parse(r#""\x""#).is_err());
    }

    #[test]
    fn rejects_bad_documents_with_positions() {
        let e = parse("{\"a\": 1,,}").unwrap_err();
        assert_eq!(e.pos.column, 9);
        assert!(parse("[1, 2").is_err());
        assert!(parse("01").is_err());
        assert!(parse("1.").is_err());
        assert!(parse("{} x").is_err());
        assert!(parse("").is_err());
        assert!(parse("\"a\nb\"").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let s = "[".repeat(100_000);
        let e = parse(&s).unwrap_err();
        assert!(e.message.contains("nested"));
    }

    #[test]
    fn elements_parse_with_file_positions() {
        let text = "[\n  {\"a\": \"x]\\\"\"},\n  [1, 2],\n  3\n]";
        let starts = split_array(text).unwrap();
        assert_eq!(starts.len(), 3);
        let first = parse_element(text, starts[0]).unwrap();
        assert_eq!(first.pos, Pos { line: 2, column: 3 });
        assert_eq!(first.get("a").unwrap().as_str(), Some("x]\""));
        let third = parse_element(text, starts[2]).unwrap();
        assert_eq!(third.pos, Pos { line: 4, column: 3 });
        assert!(split_array("[1 2]").is_err());
        assert!(split_array("{}").is_err());
        assert!(split_array("[\"abc").is_err());
        assert_eq!(split_array("[]").unwrap().len(), 0);
        // an element that is malformed inside is found, then fails to parse
        let bad = "[{\"a\": tru}]";
        let s = split_array(bad).unwrap();
        assert!(parse_element(bad, s[0]).is_err());
    }

    #[test]
    fn numbers_keep_their_text() {
        let v = parse("[-0.5e+10, 12345678901234567890]").unwrap();
        let Json::Array(items) = v.value else {
            panic!()
        };
        assert_eq!(items[0].value, Json::Number("-0.5e+10".into()));
        assert_eq!(items[1].value, Json::Number("12345678901234567890".into()));
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let v = parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 2);
    }
}
