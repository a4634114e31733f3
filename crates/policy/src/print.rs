//! Printing a [`Policy`] back to JSON, in IAM's element order, keeping each element's
//! written form (a single string stays a string, numbers stay numbers).

use crate::document::{Effect, Policy, PrincipalSpec, Scalar, Statement, StringList};
use crate::json::write_string;

impl Policy {
    /// The document as pretty-printed JSON. Parsing the output yields the same policy.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\n");
        let mut fields: Vec<String> = Vec::new();
        if let Some(v) = &self.version {
            fields.push(format!("  \"Version\": {}", quoted(v)));
        }
        if let Some(id) = &self.id {
            fields.push(format!("  \"Id\": {}", quoted(id)));
        }
        let stmts: Vec<String> = self
            .statements
            .iter()
            .map(|s| statement(s, "    "))
            .collect();
        if self.statement_array {
            fields.push(format!("  \"Statement\": [\n{}\n  ]", stmts.join(",\n")));
        } else if let Some(s) = self.statements.first() {
            fields.push(format!(
                "  \"Statement\": {}",
                statement(s, "  ").trim_start()
            ));
        }
        out.push_str(&fields.join(",\n"));
        out.push_str("\n}\n");
        out
    }
}

impl Statement {
    /// The statement as JSON on one level of indentation, as [`Policy::to_json`] prints it.
    pub fn to_json(&self) -> String {
        statement(self, "")
    }
}

fn quoted(s: &str) -> String {
    let mut o = String::new();
    write_string(&mut o, s);
    o
}

fn list(l: &StringList) -> String {
    if l.single {
        l.items.first().map(|s| quoted(s)).unwrap_or_default()
    } else {
        format!(
            "[{}]",
            l.items
                .iter()
                .map(|s| quoted(s))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

fn statement(s: &Statement, ind: &str) -> String {
    let mut f: Vec<String> = Vec::new();
    if let Some(sid) = &s.sid {
        f.push(format!("\"Sid\": {}", quoted(sid)));
    }
    let effect = match s.effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    };
    f.push(format!("\"Effect\": \"{effect}\""));
    if let Some(p) = &s.principal {
        let key = if p.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let value = match &p.spec {
            PrincipalSpec::Wildcard => "\"*\"".to_string(),
            PrincipalSpec::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|e| format!("{}: {}", quoted(&e.kind), list(&e.list)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        f.push(format!("\"{key}\": {value}"));
    }
    let akey = if s.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    f.push(format!("\"{akey}\": {}", list(&s.action.list)));
    if let Some(r) = &s.resource {
        let rkey = if r.negated { "NotResource" } else { "Resource" };
        f.push(format!("\"{rkey}\": {}", list(&r.list)));
    }
    if !s.conditions.is_empty() {
        let mut ops: Vec<(&str, Vec<String>)> = Vec::new();
        for c in &s.conditions {
            let vals: Vec<String> = c
                .values
                .iter()
                .map(|v| match v.scalar {
                    Scalar::String => quoted(&v.text),
                    Scalar::Number | Scalar::Bool => v.text.clone(),
                })
                .collect();
            let value = if c.single {
                vals.into_iter().next().unwrap_or_default()
            } else {
                format!("[{}]", vals.join(", "))
            };
            let entry = format!("{}: {value}", quoted(&c.key));
            match ops.iter_mut().find(|(o, _)| *o == c.operator_text) {
                Some((_, keys)) => keys.push(entry),
                None => ops.push((&c.operator_text, vec![entry])),
            }
        }
        let body = ops
            .iter()
            .map(|(o, keys)| format!("{}: {{{}}}", quoted(o), keys.join(", ")))
            .collect::<Vec<_>>()
            .join(", ");
        f.push(format!("\"Condition\": {{{body}}}"));
    }
    format!(
        "{ind}{{\n{ind}  {}\n{ind}}}",
        f.join(&format!(",\n{ind}  "))
    )
}

#[cfg(test)]
mod tests {
    use crate::{parse_policy, PolicyKind};

    #[test]
    fn round_trip_keeps_forms() {
        let src = r#"{"Version":"2012-10-17","Statement":{"Sid":"A","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root"]},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":false},"StringLike":{"s3:prefix":["a/*","b\"q"]}}}}"#;
        let p = parse_policy(src, PolicyKind::Resource).unwrap();
        let printed = p.to_json();
        let again = parse_policy(&printed, PolicyKind::Resource).unwrap();
        assert_eq!(again.to_json(), printed);
        assert!(printed.contains("\"s3:max-keys\": 10"));
        assert!(printed.contains("\"Action\": \"s3:*\""));
        assert!(!again.statement_array);
    }
}
