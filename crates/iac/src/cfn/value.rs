//! Resolved values: a template value after intrinsic functions ran, each scalar with the
//! placeholders (values no one can know before deployment) it was built from.

use crate::node::Pos;

/// A resolved value.
#[derive(Clone, Debug, PartialEq)]
pub enum RValue {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number as written.
    Number(String),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<RNode>),
    /// A mapping.
    Map(Vec<(String, Pos, RNode)>),
}

/// A resolved value, where the template writes it, and what it could not know.
#[derive(Clone, Debug, PartialEq)]
pub struct RNode {
    /// Where the value (or the intrinsic function that made it) is written.
    pub pos: Pos,
    /// The value.
    pub value: RValue,
    /// Placeholders it holds: "parameter `Env`", "the name CloudFormation gives `Role`".
    pub unknown: Vec<String>,
}

/// How placeholders are written inside strings: `{{Role.RoleName}}`. The braces cannot
/// appear in IAM names, so a placeholder never matches a real resource by accident.
pub fn placeholder(what: &str) -> String {
    format!("{{{{{what}}}}}")
}

impl RNode {
    /// A value with nothing unknown.
    pub fn known(pos: Pos, value: RValue) -> RNode {
        RNode {
            pos,
            value,
            unknown: Vec::new(),
        }
    }

    /// A string.
    pub fn str(pos: Pos, s: impl Into<String>, unknown: Vec<String>) -> RNode {
        RNode {
            pos,
            value: RValue::Str(s.into()),
            unknown,
        }
    }

    /// A placeholder string for a value that cannot be known.
    pub fn unknown(pos: Pos, name: &str, why: String) -> RNode {
        RNode::str(pos, placeholder(name), vec![why])
    }

    /// The member `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&RNode> {
        match &self.value {
            RValue::Map(m) => m.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// A scalar as text.
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            RValue::Str(s) | RValue::Number(s) => Some(s),
            RValue::Bool(true) => Some("true"),
            RValue::Bool(false) => Some("false"),
            _ => None,
        }
    }

    /// The items of a list, or the value itself as a list of one.
    pub fn items(&self) -> Vec<&RNode> {
        match &self.value {
            RValue::Seq(v) => v.iter().collect(),
            RValue::Null => Vec::new(),
            _ => vec![self],
        }
    }

    /// Every placeholder in the value, nested ones included, without repeats.
    pub fn all_unknown(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_unknown(&mut out);
        out
    }

    fn collect_unknown(&self, out: &mut Vec<String>) {
        for u in &self.unknown {
            if !out.contains(u) {
                out.push(u.clone());
            }
        }
        match &self.value {
            RValue::Seq(v) => v.iter().for_each(|n| n.collect_unknown(out)),
            RValue::Map(m) => m.iter().for_each(|(_, _, n)| n.collect_unknown(out)),
            _ => {}
        }
    }

    /// Marks every scalar of the value as depending on `why` (a branch chosen under a
    /// condition no one can decide yet).
    pub fn taint(&mut self, why: &str) {
        match &mut self.value {
            RValue::Seq(v) => v.iter_mut().for_each(|n| n.taint(why)),
            RValue::Map(m) => m.iter_mut().for_each(|(_, _, n)| n.taint(why)),
            _ => {
                if !self.unknown.iter().any(|u| u == why) {
                    self.unknown.push(why.to_string());
                }
            }
        }
    }

    /// The value as plain JSON (placeholders as their `{{...}}` text).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            RValue::Null => J::Null,
            RValue::Bool(b) => J::Bool(*b),
            RValue::Number(n) => serde_json::from_str(n).unwrap_or_else(|_| J::String(n.clone())),
            RValue::Str(s) => J::String(s.clone()),
            RValue::Seq(v) => J::Array(v.iter().map(RNode::to_json).collect()),
            RValue::Map(m) => {
                J::Object(m.iter().map(|(k, _, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}
