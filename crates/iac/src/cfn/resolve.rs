//! CloudFormation's intrinsic functions, resolved as far as the template and the given
//! parameters allow. A value no one can know before deployment (a generated name, an
//! import, a parameter without a value) becomes a placeholder that says what it stands
//! for, so that findings built on it can say so.
//!
//! AWS: CloudFormation User Guide, "Intrinsic function reference" (`Ref`, `Fn::GetAtt`,
//! `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If`, `Fn::FindInMap`,
//! `Fn::ImportValue`, `Fn::GetAZs`, `Fn::Base64`, condition functions) and "Pseudo
//! parameters reference".

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use crate::cfn::names;
use crate::cfn::value::{placeholder, RNode, RValue};
use crate::node::{Node, Pos, Value};

/// A malformed intrinsic function, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveError {
    /// Where it is written.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

type R<T> = Result<T, ResolveError>;

fn err<T>(pos: Pos, message: impl Into<String>) -> R<T> {
    Err(ResolveError {
        pos,
        message: message.into(),
    })
}

/// What the account and the deployment are known to be.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    /// `--parameters NAME=VALUE`, pseudo parameters (`AWS::AccountId`) included.
    pub parameters: BTreeMap<String, String>,
    /// The account, when known from the snapshot.
    pub account: Option<String>,
}

/// One template's resolver.
pub struct Env<'t> {
    template: &'t Node,
    pub(crate) account: (String, Vec<String>),
    pub(crate) region: (String, Vec<String>),
    pub(crate) partition: String,
    stack: (String, Vec<String>),
    params: &'t BTreeMap<String, String>,
    conditions: RefCell<HashMap<String, Option<bool>>>,
    depth: RefCell<u32>,
}

impl std::fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("account", &self.account)
            .finish()
    }
}

impl<'t> Env<'t> {
    /// A resolver for `template` deployed as `d` says.
    pub fn new(template: &'t Node, d: &'t Deployment) -> Env<'t> {
        let p = &d.parameters;
        let known = |k: &str| p.get(k).map(|v| (v.clone(), Vec::new()));
        let account = known("AWS::AccountId")
            .or_else(|| d.account.clone().map(|a| (a, Vec::new())))
            .unwrap_or_else(|| {
                // A placeholder account must still be 12 digits for ARNs to parse.
                (
                    "000000000000".into(),
                    vec!["the account id (`AWS::AccountId`)".into()],
                )
            });
        let region = known("AWS::Region").unwrap_or_else(|| {
            (
                "us-east-1".into(),
                vec!["the region (`AWS::Region`, taken as us-east-1)".into()],
            )
        });
        let partition = p
            .get("AWS::Partition")
            .cloned()
            .unwrap_or_else(|| "aws".into());
        let stack = known("AWS::StackName").unwrap_or_else(|| {
            (
                placeholder("AWS::StackName"),
                vec!["the stack name (`AWS::StackName`)".into()],
            )
        });
        Env {
            template,
            account,
            region,
            partition,
            stack,
            params: p,
            conditions: RefCell::new(HashMap::new()),
            depth: RefCell::new(0),
        }
    }

    /// The template's `Resources` member `logical`.
    pub fn resource(&self, logical: &str) -> Option<&'t Node> {
        self.template.get("Resources")?.get(logical)
    }

    /// Resolves a value: `None` when it is `AWS::NoValue` (the property is left out).
    pub fn resolve(&self, n: &Node) -> R<Option<RNode>> {
        {
            let mut d = self.depth.borrow_mut();
            *d += 1;
            if *d > 64 {
                *d -= 1;
                return err(
                    n.pos,
                    "intrinsic functions nest too deeply (a reference cycle?)",
                );
            }
        }
        let out = self.resolve_inner(n);
        *self.depth.borrow_mut() -= 1;
        out
    }

    fn resolve_inner(&self, n: &Node) -> R<Option<RNode>> {
        if let Some(e) = n.single() {
            if e.key == "Ref" || e.key.starts_with("Fn::") {
                return self.function(n.pos, &e.key, &e.value);
            }
        }
        let value = match &n.value {
            Value::Null => RValue::Null,
            Value::Bool(b) => RValue::Bool(*b),
            Value::Number(s) => RValue::Number(s.clone()),
            Value::Str(s) => RValue::Str(s.clone()),
            Value::Seq(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.extend(self.resolve(i)?);
                }
                RValue::Seq(out)
            }
            Value::Map(entries) => {
                let mut out = Vec::new();
                for e in entries {
                    if let Some(v) = self.resolve(&e.value)? {
                        out.push((e.key.clone(), e.key_pos, v));
                    }
                }
                RValue::Map(out)
            }
        };
        Ok(Some(RNode::known(n.pos, value)))
    }

    /// Resolves a value that must be present.
    pub fn value(&self, n: &Node) -> R<RNode> {
        Ok(self
            .resolve(n)?
            .unwrap_or_else(|| RNode::known(n.pos, RValue::Null)))
    }

    fn string(&self, n: &Node, what: &str) -> R<(String, Vec<String>)> {
        let v = self.value(n)?;
        match v.text() {
            Some(s) => Ok((s.to_string(), v.all_unknown())),
            None => err(
                n.pos,
                format!("{what}: expected a string, found {}", kind(&v)),
            ),
        }
    }

    fn function(&self, pos: Pos, name: &str, arg: &Node) -> R<Option<RNode>> {
        match name {
            "Ref" => self.reference(pos, arg),
            "Fn::GetAtt" => self.get_att(pos, arg).map(Some),
            "Fn::Sub" => self.sub(pos, arg).map(Some),
            "Fn::Join" => self.join(pos, arg).map(Some),
            "Fn::Select" => self.select(pos, arg),
            "Fn::Split" => {
                let [d, s] = args::<2>(pos, arg, name)?;
                let (d, _) = self.string(d, name)?;
                let (s, u) = self.string(s, name)?;
                if d.is_empty() {
                    return err(pos, "`Fn::Split`: the delimiter is empty");
                }
                let parts = s
                    .split(d.as_str())
                    .map(|p| RNode::str(pos, p, u.clone()))
                    .collect();
                Ok(Some(RNode::known(pos, RValue::Seq(parts))))
            }
            "Fn::If" => {
                let [c, a, b] = args::<3>(pos, arg, name)?;
                let Some(cname) = c.scalar() else {
                    return err(c.pos, "`Fn::If`: the first item must name a condition");
                };
                match self.condition(&cname, c.pos)? {
                    Some(true) => self.resolve(a),
                    Some(false) => self.resolve(b),
                    None => {
                        let why =
                            format!("condition `{cname}` (undecided: its true branch is read)");
                        let mut v = self.resolve(a)?;
                        if let Some(v) = &mut v {
                            v.taint(&why);
                        }
                        Ok(v)
                    }
                }
            }
            "Fn::FindInMap" => self.find_in_map(pos, arg).map(Some),
            "Fn::ImportValue" => {
                let (s, _) = self.string(arg, name)?;
                Ok(Some(RNode::unknown(
                    pos,
                    &format!("import:{s}"),
                    format!("the value stack output `{s}` exports (`Fn::ImportValue`)"),
                )))
            }
            "Fn::Base64" => {
                let (s, u) = self.string(arg, name)?;
                Ok(Some(RNode::str(pos, s, u)))
            }
            "Fn::GetAZs" => {
                let r = &self.region;
                let azs = ["a", "b", "c"]
                    .iter()
                    .map(|z| RNode::str(pos, format!("{}{z}", r.0), r.1.clone()))
                    .collect();
                Ok(Some(RNode::known(pos, RValue::Seq(azs))))
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let v = self.truth(pos, name, arg)?;
                Ok(Some(match v {
                    Some(b) => RNode::known(pos, RValue::Bool(b)),
                    None => RNode::unknown(pos, name, format!("`{name}` (undecided)")),
                }))
            }
            "Fn::ToJsonString" => {
                let v = self.value(arg)?;
                let u = v.all_unknown();
                Ok(Some(RNode::str(pos, v.to_json().to_string(), u)))
            }
            other => Ok(Some(RNode::unknown(
                pos,
                other,
                format!("`{other}` (phiward does not evaluate it)"),
            ))),
        }
    }

    fn reference(&self, pos: Pos, arg: &Node) -> R<Option<RNode>> {
        let Some(name) = arg.scalar() else {
            return err(arg.pos, "`Ref`: expected a name");
        };
        let pseudo =
            |(v, u): &(String, Vec<String>)| Ok(Some(RNode::str(pos, v.clone(), u.clone())));
        match name.as_str() {
            "AWS::NoValue" => return Ok(None),
            "AWS::AccountId" => return pseudo(&self.account),
            "AWS::Region" => return pseudo(&self.region),
            "AWS::StackName" => return pseudo(&self.stack),
            "AWS::Partition" => return Ok(Some(RNode::str(pos, self.partition.clone(), vec![]))),
            "AWS::URLSuffix" => return Ok(Some(RNode::str(pos, "amazonaws.com", vec![]))),
            "AWS::StackId" => {
                return Ok(Some(RNode::unknown(
                    pos,
                    "AWS::StackId",
                    "the stack id (`AWS::StackId`)".into(),
                )))
            }
            "AWS::NotificationARNs" => return Ok(Some(RNode::known(pos, RValue::Seq(vec![])))),
            _ => {}
        }
        if let Some(p) = self.template.get("Parameters").and_then(|p| p.get(&name)) {
            return Ok(Some(self.parameter(pos, &name, p)?));
        }
        if self.resource(&name).is_some() {
            return names::reference(self, pos, &name).map(Some);
        }
        err(
            arg.pos,
            format!("`Ref {name}`: no parameter or resource of the template has this name"),
        )
    }

    fn parameter(&self, pos: Pos, name: &str, decl: &Node) -> R<RNode> {
        let ty = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
        let list = ty.starts_with("List<") || ty == "CommaDelimitedList";
        if ty.starts_with("AWS::SSM::Parameter::Value") {
            return Ok(RNode::unknown(
                pos,
                name,
                format!("parameter `{name}` (read from SSM at deployment)"),
            ));
        }
        let given = match self.params.get(name) {
            Some(v) => Some(v.clone()),
            None => decl.get("Default").and_then(|d| match &d.value {
                Value::Seq(items) => Some(
                    items
                        .iter()
                        .filter_map(Node::scalar)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                _ => d.scalar(),
            }),
        };
        let Some(v) = given else {
            let why = format!("parameter `{name}` (no value given and no default)");
            let one = RNode::unknown(pos, name, why);
            return Ok(if list {
                RNode::known(pos, RValue::Seq(vec![one]))
            } else {
                one
            });
        };
        Ok(if list {
            let items = v
                .split(',')
                .map(|s| RNode::str(pos, s.trim(), vec![]))
                .collect();
            RNode::known(pos, RValue::Seq(items))
        } else {
            RNode::str(pos, v, vec![])
        })
    }

    fn get_att(&self, pos: Pos, arg: &Node) -> R<RNode> {
        let (logical, attr) = match &arg.value {
            Value::Seq(items) => match items.as_slice() {
                [r, a] => {
                    let Some(r) = r.scalar() else {
                        return err(pos, "`Fn::GetAtt`: expected a resource name");
                    };
                    (r, self.string(a, "Fn::GetAtt")?.0)
                }
                _ => return err(pos, "`Fn::GetAtt`: expected [resource, attribute]"),
            },
            Value::Str(s) => match s.split_once('.') {
                Some((r, a)) => (r.to_string(), a.to_string()),
                None => return err(pos, "`Fn::GetAtt`: expected `Resource.Attribute`"),
            },
            _ => return err(pos, "`Fn::GetAtt`: expected [resource, attribute]"),
        };
        if self.resource(&logical).is_none() {
            return err(
                arg.pos,
                format!("`Fn::GetAtt {logical}.{attr}`: no resource of the template has this name"),
            );
        }
        names::attribute(self, pos, &logical, &attr)
    }

    fn sub(&self, pos: Pos, arg: &Node) -> R<RNode> {
        let (template, vars) = match &arg.value {
            Value::Seq(items) => match items.as_slice() {
                [t, v] => (t, Some(v)),
                _ => return err(pos, "`Fn::Sub`: expected a string or [string, variables]"),
            },
            _ => (arg, None),
        };
        let Some(text) = template.as_str() else {
            return err(template.pos, "`Fn::Sub`: expected a string");
        };
        let mut out = String::new();
        let mut unknown = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find("${") {
            out.push_str(rest.get(..at).unwrap_or(""));
            let after = rest.get(at + 2..).unwrap_or("");
            let Some(end) = after.find('}') else {
                return err(
                    template.pos,
                    format!("`Fn::Sub`: unclosed `${{` in `{text}`"),
                );
            };
            let name = after.get(..end).unwrap_or("").trim();
            rest = after.get(end + 1..).unwrap_or("");
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
                continue;
            }
            let v = match vars.and_then(|v| v.get(name)) {
                Some(n) => self.value(n)?,
                None => match name.split_once('.') {
                    Some((r, a)) if !name.starts_with("AWS::") => {
                        if self.resource(r).is_none() {
                            return err(
                                template.pos,
                                format!(
                                    "`Fn::Sub`: `${{{name}}}` names no resource of the template"
                                ),
                            );
                        }
                        names::attribute(self, template.pos, r, a)?
                    }
                    _ => {
                        let n = Node::new(template.pos, Value::Str(name.to_string()));
                        self.reference(template.pos, &n)?
                            .unwrap_or_else(|| RNode::str(template.pos, "", vec![]))
                    }
                },
            };
            match v.text() {
                Some(s) => out.push_str(s),
                None => {
                    return err(
                        template.pos,
                        format!("`Fn::Sub`: `${{{name}}}` is {}, not a string", kind(&v)),
                    )
                }
            }
            for u in v.all_unknown() {
                if !unknown.contains(&u) {
                    unknown.push(u);
                }
            }
        }
        out.push_str(rest);
        Ok(RNode::str(pos, out, unknown))
    }

    fn join(&self, pos: Pos, arg: &Node) -> R<RNode> {
        let [d, list] = args::<2>(pos, arg, "Fn::Join")?;
        let (d, _) = self.string(d, "Fn::Join")?;
        let list = self.value(list)?;
        let mut parts = Vec::new();
        let mut unknown = Vec::new();
        for item in list.items() {
            match item.text() {
                Some(s) => parts.push(s.to_string()),
                None => return err(item.pos, format!("`Fn::Join`: an item is {}", kind(item))),
            }
            for u in item.all_unknown() {
                if !unknown.contains(&u) {
                    unknown.push(u);
                }
            }
        }
        Ok(RNode::str(pos, parts.join(&d), unknown))
    }

    fn select(&self, pos: Pos, arg: &Node) -> R<Option<RNode>> {
        let [i, list] = args::<2>(pos, arg, "Fn::Select")?;
        let (i, _) = self.string(i, "Fn::Select")?;
        let Ok(i) = i.trim().parse::<usize>() else {
            return err(pos, format!("`Fn::Select`: `{i}` is not an index"));
        };
        let list = self.value(list)?;
        match list.items().get(i) {
            Some(v) => Ok(Some((*v).clone())),
            None => err(
                pos,
                format!("`Fn::Select`: index {i} is past the end of the list"),
            ),
        }
    }

    fn find_in_map(&self, pos: Pos, arg: &Node) -> R<RNode> {
        let Value::Seq(items) = &arg.value else {
            return err(pos, "`Fn::FindInMap`: expected [map, key, key]");
        };
        let (Some(m), Some(k1), Some(k2)) = (items.first(), items.get(1), items.get(2)) else {
            return err(pos, "`Fn::FindInMap`: expected [map, key, key]");
        };
        let default = items.get(3).and_then(|d| d.get("DefaultValue"));
        let (m, _) = self.string(m, "Fn::FindInMap")?;
        let (k1, u1) = self.string(k1, "Fn::FindInMap")?;
        let (k2, u2) = self.string(k2, "Fn::FindInMap")?;
        if !u1.is_empty() || !u2.is_empty() {
            let mut u = u1;
            u.extend(u2);
            return Ok(RNode::unknown(
                pos,
                &format!("{m}.{k1}.{k2}"),
                format!("mapping `{m}` at keys depending on {}", u.join(", ")),
            ));
        }
        let found = self
            .template
            .get("Mappings")
            .and_then(|x| x.get(&m))
            .and_then(|x| x.get(&k1))
            .and_then(|x| x.get(&k2));
        match (found, default) {
            (Some(v), _) | (None, Some(v)) => self.value(v),
            (None, None) => err(
                pos,
                format!("`Fn::FindInMap`: mapping `{m}` has no `{k1}`.`{k2}`"),
            ),
        }
    }

    /// The value of the template's condition `name`: `None` when it depends on values no
    /// one knows yet.
    pub fn condition(&self, name: &str, pos: Pos) -> R<Option<bool>> {
        if let Some(v) = self.conditions.borrow().get(name) {
            return Ok(*v);
        }
        let Some(def) = self.template.get("Conditions").and_then(|c| c.get(name)) else {
            return err(
                pos,
                format!("condition `{name}` is not defined in `Conditions`"),
            );
        };
        let v = match def.single() {
            Some(e) if e.key == "Condition" => {
                let Some(n) = e.value.scalar() else {
                    return err(def.pos, "`Condition`: expected a name");
                };
                self.condition(&n, e.value.pos)?
            }
            Some(e) => self.truth(def.pos, &e.key, &e.value)?,
            None => {
                return err(
                    def.pos,
                    format!("condition `{name}`: expected a condition function"),
                )
            }
        };
        self.conditions.borrow_mut().insert(name.to_string(), v);
        Ok(v)
    }

    fn truth_of(&self, n: &Node) -> R<Option<bool>> {
        match n.single() {
            Some(e) if e.key == "Condition" => match e.value.scalar() {
                Some(c) => self.condition(&c, e.value.pos),
                None => err(n.pos, "`Condition`: expected a name"),
            },
            Some(e)
                if matches!(
                    e.key.as_str(),
                    "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not"
                ) =>
            {
                self.truth(n.pos, &e.key, &e.value)
            }
            _ => {
                let v = self.value(n)?;
                Ok(match (&v.value, v.unknown.is_empty()) {
                    (RValue::Bool(b), true) => Some(*b),
                    (RValue::Str(s), true) if s == "true" || s == "false" => Some(s == "true"),
                    _ => None,
                })
            }
        }
    }

    fn truth(&self, pos: Pos, name: &str, arg: &Node) -> R<Option<bool>> {
        let items = match &arg.value {
            Value::Seq(items) => items.as_slice(),
            _ => return err(pos, format!("`{name}`: expected a list")),
        };
        match name {
            "Fn::Equals" => {
                let [a, b] = items else {
                    return err(pos, "`Fn::Equals`: expected two values");
                };
                let (a, b) = (self.value(a)?, self.value(b)?);
                if !a.all_unknown().is_empty() || !b.all_unknown().is_empty() {
                    return Ok(None);
                }
                Ok(Some(
                    a.to_json().to_string().trim_matches('"')
                        == b.to_json().to_string().trim_matches('"'),
                ))
            }
            "Fn::Not" => {
                let [a] = items else {
                    return err(pos, "`Fn::Not`: expected one condition");
                };
                Ok(self.truth_of(a)?.map(|b| !b))
            }
            _ => {
                let and = name == "Fn::And";
                let mut undecided = false;
                for i in items {
                    match self.truth_of(i)? {
                        Some(b) if b != and => return Ok(Some(b)),
                        Some(_) => {}
                        None => undecided = true,
                    }
                }
                Ok(if undecided { None } else { Some(and) })
            }
        }
    }
}

fn args<'n, const N: usize>(pos: Pos, arg: &'n Node, name: &str) -> R<[&'n Node; N]> {
    let Value::Seq(items) = &arg.value else {
        return err(pos, format!("`{name}`: expected a list of {N}"));
    };
    let refs: Vec<&Node> = items.iter().collect();
    refs.try_into().or_else(|_| {
        err(
            pos,
            format!("`{name}`: expected a list of {N}, found {}", items.len()),
        )
    })
}

fn kind(v: &RNode) -> &'static str {
    match v.value {
        RValue::Null => "null",
        RValue::Bool(_) => "a boolean",
        RValue::Number(_) => "a number",
        RValue::Str(_) => "a string",
        RValue::Seq(_) => "a list",
        RValue::Map(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::yaml;

    fn resolved(text: &str, key: &str, params: &[(&str, &str)]) -> RNode {
        let t = yaml(text).unwrap();
        let d = Deployment {
            parameters: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            account: Some("111122223333".into()),
        };
        let env = Env::new(&t, &d);
        let n = t.get("Outputs").unwrap().get(key).unwrap();
        env.value(n).unwrap()
    }

    const T: &str = r#"
Parameters:
  Env: {Type: String, Default: prod}
  Names: {Type: CommaDelimitedList, Default: "a,b"}
  Free: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref Free, x]
Mappings:
  M: {prod: {Level: high}}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: {RoleName: !Sub '${Env}-deployer', Path: /ci/}
  Anon:
    Type: AWS::IAM::Role
Outputs:
  Join: !Join ['', ['arn:', !Ref 'AWS::Partition', ':s3:::', '*']]
  Sub: !Sub 'arn:aws:iam::${AWS::AccountId}:role/${Role}'
  SubVars: !Sub ['${A}-${!Lit}', {A: !Select [1, !Ref Names]}]
  Split: !Select [2, !Split [':', 'a:b:c']]
  If: !If [IsDev, dev, !FindInMap [M, !Ref Env, Level]]
  Undecided: !If [Unknown, yes-branch, no]
  Att: !GetAtt Role.Arn
  AnonArn: !GetAtt Anon.Arn
  Import: !ImportValue shared-key
"#;

    #[test]
    fn intrinsics() {
        let t = |k: &str| resolved(T, k, &[]);
        assert_eq!(t("Join").text(), Some("arn:aws:s3:::*"));
        assert_eq!(
            t("Sub").text(),
            Some("arn:aws:iam::111122223333:role/prod-deployer")
        );
        assert_eq!(t("SubVars").text(), Some("b-${Lit}"));
        assert_eq!(t("Split").text(), Some("c"));
        assert_eq!(t("If").text(), Some("high"));
        assert_eq!(resolved(T, "If", &[("Env", "dev")]).text(), Some("dev"));
        let u = t("Undecided");
        assert_eq!(u.text(), Some("yes-branch"));
        assert!(u.unknown[0].contains("condition `Unknown`"), "{u:?}");
        assert_eq!(
            t("Att").text(),
            Some("arn:aws:iam::111122223333:role/ci/prod-deployer")
        );
        let anon = t("AnonArn");
        assert_eq!(anon.text(), Some("arn:aws:iam::111122223333:role/{{Anon}}"));
        assert!(!anon.unknown.is_empty());
        assert_eq!(t("Import").text(), Some("{{import:shared-key}}"));
    }

    #[test]
    fn errors_name_the_place() {
        let t = yaml("Outputs:\n  X: !Ref Nope\n").unwrap();
        let d = Deployment::default();
        let env = Env::new(&t, &d);
        let e = env
            .value(t.get("Outputs").unwrap().get("X").unwrap())
            .unwrap_err();
        assert!(e.message.contains("`Ref Nope`"), "{e:?}");
        assert_eq!(e.pos.line, 2);
    }
}
