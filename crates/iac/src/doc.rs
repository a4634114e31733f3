//! A policy document read from a template: its text as the account will hold it, and for
//! every line of that text the template position it comes from, so that the linter's and
//! the engine's line numbers lead back to the template's own line and column.

use phiward_policy::json::{self, Json, Spanned};

use crate::cfn::value::{RNode, RValue};
use crate::node::Pos;

/// What a document is to the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// An identity-based policy (inline or managed).
    Identity,
    /// A permissions boundary.
    Boundary,
    /// A role's trust policy.
    Trust,
    /// An S3 bucket policy.
    Bucket,
    /// A KMS key policy.
    Key,
    /// A service control policy.
    Scp,
    /// Another resource-based policy (SQS, SNS, ...).
    Resource,
}

/// Where a document is written.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Origin {
    /// The template or plan file, as given.
    pub file: String,
    /// The resource: a logical id (`DeployRole`) or a Terraform address.
    pub resource: String,
    /// The property path inside the resource (`Properties.Policies[0].PolicyDocument`).
    pub path: String,
    /// Where the document starts.
    pub pos: Pos,
}

/// Where one line of [`Doc::text`] comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    /// The template position.
    pub pos: Pos,
    /// Placeholders the value on this line holds.
    pub unknown: Vec<String>,
    /// The statement the line belongs to.
    pub statement: Option<usize>,
}

/// A policy document of a template.
#[derive(Clone, Debug)]
pub struct Doc {
    /// Where it is written.
    pub origin: Origin,
    /// The name the access model gives it ("role `X` inline policy `Y`", a managed
    /// policy's ARN, "bucket `b` policy", ...).
    pub place: String,
    /// What it is.
    pub kind: DocKind,
    /// The document as JSON, one token per line.
    pub text: String,
    /// Per line of `text` (index = line - 1).
    pub lines: Vec<Loc>,
    /// Per statement, every placeholder it holds.
    pub statement_unknown: Vec<Vec<String>>,
}

impl Doc {
    /// Renders a resolved document; a string value is read as JSON text first (policies
    /// may be written as strings, `Fn::Sub` or `Fn::Join` of JSON).
    pub fn new(origin: Origin, place: String, kind: DocKind, v: &RNode) -> Result<Doc, String> {
        let parsed;
        let v = match &v.value {
            RValue::Str(s) => {
                parsed = from_text(s, v.pos, &v.unknown)?;
                &parsed
            }
            RValue::Map(_) => v,
            _ => {
                return Err(format!(
                    "a policy document must be a mapping or JSON text, not {}",
                    kind_of(v)
                ))
            }
        };
        let mut w = Writer::default();
        w.value(v, 0, None);
        let statement_unknown = match v.get("Statement").map(|s| &s.value) {
            Some(RValue::Seq(items)) => items.iter().map(RNode::all_unknown).collect(),
            Some(_) => v
                .get("Statement")
                .map(|s| vec![s.all_unknown()])
                .unwrap_or_default(),
            None => Vec::new(),
        };
        Ok(Doc {
            origin,
            place,
            kind,
            text: w.text,
            lines: w.lines,
            statement_unknown,
        })
    }

    /// The template position and placeholders of a line of [`Doc::text`].
    pub fn at(&self, line: u32) -> (Pos, Vec<String>) {
        let i = usize::try_from(line.max(1) - 1).unwrap_or(0);
        match self.lines.get(i).or(self.lines.last()) {
            Some(l) => {
                let mut u = l.unknown.clone();
                if u.is_empty() {
                    if let Some(s) = l.statement.and_then(|s| self.statement_unknown.get(s)) {
                        u = s.clone();
                    }
                }
                (l.pos, u)
            }
            None => (self.origin.pos, Vec::new()),
        }
    }

    /// Every placeholder the document holds.
    pub fn unknown(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for u in self.lines.iter().flat_map(|l| &l.unknown) {
            if !out.contains(u) {
                out.push(u.clone());
            }
        }
        out
    }
}

fn kind_of(v: &RNode) -> &'static str {
    match v.value {
        RValue::Null => "null",
        RValue::Bool(_) => "a boolean",
        RValue::Number(_) => "a number",
        RValue::Str(_) => "a string",
        RValue::Seq(_) => "a list",
        RValue::Map(_) => "a mapping",
    }
}

/// JSON text (a policy written as a string) as a resolved value placed at `pos`.
pub fn from_text(s: &str, pos: Pos, unknown: &[String]) -> Result<RNode, String> {
    let decoded = phiward_policy::parse::url_decode(s);
    let v = json::parse(decoded.as_deref().unwrap_or(s))
        .map_err(|e| format!("the policy text is not JSON ({} at {})", e.message, e.pos))?;
    Ok(from_spanned(&v, pos, unknown))
}

fn from_spanned(v: &Spanned, pos: Pos, unknown: &[String]) -> RNode {
    let value = match &v.value {
        Json::Null => RValue::Null,
        Json::Bool(b) => RValue::Bool(*b),
        Json::Number(n) => RValue::Number(n.clone()),
        Json::String(s) => RValue::Str(s.clone()),
        Json::Array(items) => RValue::Seq(
            items
                .iter()
                .map(|i| from_spanned(i, pos, unknown))
                .collect(),
        ),
        Json::Object(m) => RValue::Map(
            m.iter()
                .map(|m| (m.key.clone(), pos, from_spanned(&m.value, pos, unknown)))
                .collect(),
        ),
    };
    let scalar = !matches!(value, RValue::Seq(_) | RValue::Map(_));
    RNode {
        pos,
        value,
        unknown: if scalar { unknown.to_vec() } else { Vec::new() },
    }
}

#[derive(Default)]
struct Writer {
    text: String,
    lines: Vec<Loc>,
}

impl Writer {
    fn line(&mut self, s: &str, pos: Pos, unknown: &[String], statement: Option<usize>) {
        self.text.push_str(s);
        self.text.push('\n');
        self.lines.push(Loc {
            pos,
            unknown: unknown.to_vec(),
            statement,
        });
    }

    /// A `Resource` element: a value that is only a placeholder (an import, a parameter
    /// without a value) becomes a typed placeholder ARN, `arn:aws:unknown:::{{...}}`, which
    /// parses as an ARN and matches no real resource.
    fn resources(&mut self, v: &RNode, statement: Option<usize>) {
        let typed = |n: &RNode| -> RNode {
            match &n.value {
                RValue::Str(s) if s.starts_with("{{") => RNode {
                    value: RValue::Str(format!("arn:aws:unknown:::{s}")),
                    ..n.clone()
                },
                _ => n.clone(),
            }
        };
        let v = match &v.value {
            RValue::Seq(items) => RNode {
                value: RValue::Seq(items.iter().map(typed).collect()),
                ..v.clone()
            },
            _ => typed(v),
        };
        self.value(&v, 3, statement);
    }

    fn value(&mut self, v: &RNode, depth: usize, statement: Option<usize>) {
        match &v.value {
            RValue::Map(m) => {
                self.line("{", v.pos, &[], statement);
                for (i, (k, kpos, val)) in m.iter().enumerate() {
                    if i > 0 {
                        self.line(",", *kpos, &[], statement);
                    }
                    let mut key = String::new();
                    json::write_string(&mut key, k);
                    key.push(':');
                    let top_statement = depth == 0 && k == "Statement";
                    self.line(&key, *kpos, &[], statement);
                    if statement.is_some() && (k == "Resource" || k == "NotResource") {
                        self.resources(val, statement);
                        continue;
                    }
                    match (&val.value, top_statement) {
                        (RValue::Seq(items), true) => {
                            self.line("[", val.pos, &[], None);
                            for (j, s) in items.iter().enumerate() {
                                if j > 0 {
                                    self.line(",", s.pos, &[], None);
                                }
                                self.value(s, depth + 2, Some(j));
                            }
                            self.line("]", val.pos, &[], None);
                        }
                        (_, true) => self.value(val, depth + 1, Some(0)),
                        _ => self.value(val, depth + 1, statement),
                    }
                }
                self.line("}", v.pos, &[], statement);
            }
            RValue::Seq(items) => {
                self.line("[", v.pos, &[], statement);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.line(",", item.pos, &[], statement);
                    }
                    self.value(item, depth + 1, statement);
                }
                self.line("]", v.pos, &[], statement);
            }
            RValue::Null => self.line("null", v.pos, &v.unknown, statement),
            RValue::Bool(b) => self.line(
                if *b { "true" } else { "false" },
                v.pos,
                &v.unknown,
                statement,
            ),
            RValue::Number(n) => {
                // Numbers in policies are read as strings by IAM; keep them JSON-valid.
                let mut s = String::new();
                json::write_string(&mut s, n);
                self.line(&s, v.pos, &v.unknown, statement)
            }
            RValue::Str(t) => {
                let mut s = String::new();
                json::write_string(&mut s, t);
                self.line(&s, v.pos, &v.unknown, statement)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lead_back_to_the_template() {
        let p = |l| Pos::new(l, 3);
        let stmt = RNode::known(
            p(10),
            RValue::Map(vec![
                ("Effect".into(), p(11), RNode::str(p(11), "Allow", vec![])),
                (
                    "Action".into(),
                    p(12),
                    RNode::str(p(12), "*", vec!["x".into()]),
                ),
                ("Resource".into(), p(13), RNode::str(p(13), "*", vec![])),
            ]),
        );
        let doc = RNode::known(
            p(8),
            RValue::Map(vec![(
                "Statement".into(),
                p(9),
                RNode::known(p(9), RValue::Seq(vec![stmt])),
            )]),
        );
        let origin = Origin {
            file: "t.yaml".into(),
            resource: "R".into(),
            path: "Properties".into(),
            pos: p(8),
        };
        let d = Doc::new(origin, "x".into(), DocKind::Identity, &doc).unwrap();
        let parsed =
            phiward_policy::parse_policy(&d.text, phiward_policy::PolicyKind::Identity).unwrap();
        let s = &parsed.statements[0];
        assert_eq!(d.at(s.pos.line).0, p(10));
        let action_line = d.text.lines().position(|l| l == "\"*\"").unwrap() as u32 + 1;
        assert_eq!(d.at(action_line), (p(12), vec!["x".to_string()]));
        // Resource has no placeholder of its own: the statement's are reported.
        let lines: Vec<&str> = d.text.lines().collect();
        let res_line = lines.iter().rposition(|l| *l == "\"*\"").unwrap() as u32 + 1;
        assert_eq!(d.at(res_line), (p(13), vec!["x".to_string()]));
    }
}
