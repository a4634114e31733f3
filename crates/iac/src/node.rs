//! A template as a tree of values that remember where they are written: JSON and YAML
//! templates read into the same tree, so every finding points at the template's own line
//! and column.

use std::fmt;

/// A 1-based line and column (in characters) in a template file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Pos {
    /// A position.
    pub fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One member of a mapping, in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key is written.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// A value of the template.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty YAML value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number as written.
    Number(String),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, members in source order.
    Map(Vec<Entry>),
}

/// A value and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the value is written.
    pub pos: Pos,
    /// The value.
    pub value: Value,
}

impl Node {
    /// A node.
    pub fn new(pos: Pos, value: Value) -> Node {
        Node { pos, value }
    }

    /// The member `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry `key` of a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(m) => m.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The mapping's entries (none for other values).
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    /// A string value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text (strings, numbers and booleans, as CloudFormation reads them).
    pub fn scalar(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) | Value::Number(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A mapping with exactly one member: how intrinsic functions are written.
    pub fn single(&self) -> Option<&Entry> {
        match &self.value {
            Value::Map(m) if m.len() == 1 => m.first(),
            _ => None,
        }
    }

    /// The value's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Turns byte columns into character columns, for readers that count bytes.
pub(crate) struct Columns<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Columns<'a> {
    pub(crate) fn new(text: &'a str) -> Columns<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Columns { text, starts }
    }

    /// A 1-based line and 1-based byte column, as a [`Pos`] counting characters.
    pub(crate) fn pos(&self, line: u32, byte_column: u32) -> Pos {
        let start = usize::try_from(line.max(1) - 1)
            .ok()
            .and_then(|i| self.starts.get(i))
            .copied()
            .unwrap_or(0);
        let bytes = usize::try_from(byte_column.max(1) - 1).unwrap_or(0);
        let chars = self
            .text
            .get(start..)
            .map(|rest| rest.char_indices().take_while(|(i, _)| *i < bytes).count())
            .unwrap_or(bytes);
        Pos::new(line.max(1), u32::try_from(chars + 1).unwrap_or(u32::MAX))
    }
}
