//! Reading template text into [`Node`]s: JSON with the policy engine's positioned parser,
//! YAML with yaml-rust2's events, CloudFormation's short-form tags (`!Ref`, `!Sub`,
//! `!GetAtt`, ...) turned into the long form (`{"Ref": ...}`, `{"Fn::Sub": ...}`) at the
//! tag's position.

use std::collections::HashMap;

use phiward_policy::json::{self, Json, Spanned};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::node::{Columns, Entry, Node, Pos, Value};

/// Text that is not a readable template, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// Where the problem is.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

/// Reads JSON text.
pub fn json(text: &str) -> Result<Node, Unreadable> {
    let cols = Columns::new(text);
    let v = json::parse(text).map_err(|e| Unreadable {
        pos: cols.pos(e.pos.line, e.pos.column),
        message: e.message,
    })?;
    Ok(from_json(&v, &cols))
}

/// A JSON value (from the policy engine's parser) as a node.
pub(crate) fn from_json(v: &Spanned, cols: &Columns<'_>) -> Node {
    let pos = cols.pos(v.pos.line, v.pos.column);
    let value = match &v.value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(n.clone()),
        Json::String(s) => Value::Str(s.clone()),
        Json::Array(items) => Value::Seq(items.iter().map(|i| from_json(i, cols)).collect()),
        Json::Object(members) => Value::Map(
            members
                .iter()
                .map(|m| Entry {
                    key: m.key.clone(),
                    key_pos: cols.pos(m.key_pos.line, m.key_pos.column),
                    value: from_json(&m.value, cols),
                })
                .collect(),
        ),
    };
    Node::new(pos, value)
}

/// Reads YAML text (the first document).
pub fn yaml(text: &str) -> Result<Node, Unreadable> {
    let mut b = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut b, false).map_err(|e| Unreadable {
        pos: mark_pos(e.marker()),
        message: e.info().to_string(),
    })?;
    if let Some(e) = b.error {
        return Err(e);
    }
    b.root.ok_or(Unreadable {
        pos: Pos::new(1, 1),
        message: "the file holds no YAML document".into(),
    })
}

fn mark_pos(m: &Marker) -> Pos {
    // yaml-rust2 counts lines from 1 and columns (in characters) from 0.
    Pos::new(
        u32::try_from(m.line()).unwrap_or(u32::MAX).max(1),
        u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
    )
}

/// A collection being built.
enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        tag: Option<Tag>,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        tag: Option<Tag>,
        entries: Vec<Entry>,
        key: Option<(String, Pos)>,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    error: Option<Unreadable>,
    done: bool,
}

impl Builder {
    fn fail(&mut self, pos: Pos, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(Unreadable {
                pos,
                message: message.into(),
            });
        }
    }

    /// A finished value goes to its parent: an item, a key, or a key's value.
    fn push(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
                self.done = true;
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some((k, key_pos)) => entries.push(Entry {
                    key: k,
                    key_pos,
                    value: node,
                }),
                None => match node.scalar() {
                    Some(k) => *key = Some((k, node.pos)),
                    None if node.value == Value::Null => *key = Some((String::new(), node.pos)),
                    None => {
                        let pos = node.pos;
                        self.fail(pos, "a mapping key must be a scalar");
                    }
                },
            },
        }
    }
}

/// A YAML tag's CloudFormation meaning: `!Ref x` is `{"Ref": x}`, `!GetAtt a.b` is
/// `{"Fn::GetAtt": ["a", "b"]}`, `!Condition c` is `{"Condition": c}`, `!Sub s` is
/// `{"Fn::Sub": s}`; standard tags (`!!str`) leave the value as it is.
///
/// AWS: CloudFormation User Guide, "Intrinsic function reference": "the short form of
/// the function name" is `!Name`, for every `Fn::Name` and for `Ref`.
fn tagged(tag: Option<Tag>, node: Node) -> Result<Node, String> {
    let Some(tag) = tag else { return Ok(node) };
    if tag.handle != "!" {
        return Ok(node);
    }
    let pos = node.pos;
    let name = match tag.suffix.as_str() {
        "Ref" => "Ref".to_string(),
        "Condition" => "Condition".to_string(),
        "GetAtt" => {
            // The short form takes `Resource.Attribute` as one string.
            let node = match &node.value {
                Value::Str(s) => match s.split_once('.') {
                    Some((r, a)) => Node::new(
                        pos,
                        Value::Seq(vec![
                            Node::new(pos, Value::Str(r.to_string())),
                            Node::new(pos, Value::Str(a.to_string())),
                        ]),
                    ),
                    None => return Err(format!("`!GetAtt {s}`: expected `Resource.Attribute`")),
                },
                _ => node,
            };
            return Ok(wrap("Fn::GetAtt", pos, node));
        }
        "" => return Ok(node),
        s => format!("Fn::{s}"),
    };
    Ok(wrap(&name, pos, node))
}

fn wrap(key: &str, pos: Pos, node: Node) -> Node {
    Node::new(
        pos,
        Value::Map(vec![Entry {
            key: key.to_string(),
            key_pos: pos,
            value: node,
        }]),
    )
}

/// YAML 1.2's core schema for plain scalars; quoted scalars stay strings.
fn scalar(text: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::Str(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        t if is_number(t) => Value::Number(text),
        _ => Value::Str(text),
    }
}

fn is_number(t: &str) -> bool {
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    !digits.is_empty()
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && digits.parse::<f64>().is_ok()
        // `0123` and dates stay strings, as account ids and versions must.
        && !(digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0."))
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.done || self.error.is_some() {
            return;
        }
        let pos = mark_pos(&mark);
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                match tagged(tag, Node::new(pos, scalar(text, style))) {
                    Ok(node) => self.push(node, anchor),
                    Err(m) => self.fail(pos, m),
                }
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(mut node) => {
                    node.pos = pos;
                    self.push(node, 0);
                }
                None => self.fail(pos, "an alias names an anchor not defined before it"),
            },
            Event::SequenceStart(anchor, tag) => self.stack.push(Frame::Seq {
                pos,
                anchor,
                tag,
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, tag) => self.stack.push(Frame::Map {
                pos,
                anchor,
                tag,
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, tag) = match self.stack.pop() {
                    Some(Frame::Seq {
                        pos,
                        anchor,
                        tag,
                        items,
                    }) => (Node::new(pos, Value::Seq(items)), anchor, tag),
                    Some(Frame::Map {
                        pos,
                        anchor,
                        tag,
                        entries,
                        ..
                    }) => (Node::new(pos, Value::Map(entries)), anchor, tag),
                    None => return,
                };
                let at = node.pos;
                match tagged(tag, node) {
                    Ok(node) => self.push(node, anchor),
                    Err(m) => self.fail(at, m),
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_long_forms_at_their_position() {
        let text = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Sub '${AWS::StackName}-x'\n      Arn: !GetAtt Other.Arn\n      L: !Join\n        - ''\n        - [a, !Ref P]\n";
        let n = yaml(text).unwrap();
        let props = n
            .get("Resources")
            .unwrap()
            .get("R")
            .unwrap()
            .get("Properties")
            .unwrap();
        let sub = props.get("RoleName").unwrap();
        // A tagged scalar is placed at its value, after the tag.
        assert_eq!(sub.pos, Pos::new(5, 22));
        assert_eq!(
            sub.get("Fn::Sub").unwrap().as_str(),
            Some("${AWS::StackName}-x")
        );
        let att = props.get("Arn").unwrap().get("Fn::GetAtt").unwrap();
        assert!(matches!(&att.value, Value::Seq(v) if v.len() == 2));
        let join = props.get("L").unwrap().get("Fn::Join").unwrap();
        let Value::Seq(parts) = &join.value else {
            panic!()
        };
        let Value::Seq(list) = &parts[1].value else {
            panic!()
        };
        assert_eq!(list[1].get("Ref").unwrap().as_str(), Some("P"));
        assert_eq!(props.entry("Arn").unwrap().key_pos, Pos::new(6, 7));
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let n = yaml("a: 1\nb: '1'\nc: true\nd: 2012-10-17\ne: 012345678901\nf:\n").unwrap();
        assert_eq!(n.get("a").unwrap().value, Value::Number("1".into()));
        assert_eq!(n.get("b").unwrap().value, Value::Str("1".into()));
        assert_eq!(n.get("c").unwrap().value, Value::Bool(true));
        assert_eq!(n.get("d").unwrap().value, Value::Str("2012-10-17".into()));
        assert_eq!(n.get("e").unwrap().value, Value::Str("012345678901".into()));
        assert_eq!(n.get("f").unwrap().value, Value::Null);
    }

    #[test]
    fn anchors_and_errors() {
        let n = yaml("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(n.get("b").unwrap().get("k").unwrap().as_str(), Some("v"));
        let e = yaml("a: [1, 2\n").unwrap_err();
        assert!(e.pos.line >= 1, "{e:?}");
        let e = yaml("a: !GetAtt nodot\n").unwrap_err();
        assert!(e.message.contains("Resource.Attribute"), "{e:?}");
    }

    #[test]
    fn json_columns_count_characters() {
        let n = json("{\"é\": \"x\", \"k\": [1]}").unwrap();
        assert_eq!(n.entry("k").unwrap().key_pos, Pos::new(1, 12));
    }
}
