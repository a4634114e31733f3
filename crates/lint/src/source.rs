//! Where each element of a policy is written, so findings point at the value they are
//! about rather than at the statement.

use phiward_policy::json::{Json, Member, Pos, Spanned};

/// Positions of one statement's elements.
#[derive(Clone, Debug, Default)]
pub struct StmtSource {
    /// The statement's opening brace.
    pub pos: Pos,
    /// The `Action`/`NotAction` key.
    pub action_key: Option<Pos>,
    /// Each action value.
    pub actions: Vec<Pos>,
    /// The `Resource`/`NotResource` key.
    pub resource_key: Option<Pos>,
    /// Each resource value.
    pub resources: Vec<Pos>,
    /// The `Principal`/`NotPrincipal` key.
    pub principal_key: Option<Pos>,
    /// Each condition key, in the order of `Statement::conditions` (operator by operator,
    /// key by key).
    pub conditions: Vec<Pos>,
}

impl StmtSource {
    /// Where the `i`-th action is written (else the element, else the statement).
    pub fn action(&self, i: usize) -> Pos {
        self.actions
            .get(i)
            .copied()
            .or(self.action_key)
            .unwrap_or(self.pos)
    }

    /// Where the `Action`/`NotAction` key is written.
    pub fn action_element(&self) -> Pos {
        self.action_key.unwrap_or(self.pos)
    }

    /// Where the `i`-th resource is written.
    pub fn resource(&self, i: usize) -> Pos {
        self.resources
            .get(i)
            .copied()
            .or(self.resource_key)
            .unwrap_or(self.pos)
    }

    /// Where the `Resource`/`NotResource` key is written.
    pub fn resource_element(&self) -> Pos {
        self.resource_key.unwrap_or(self.pos)
    }

    /// Where the `Principal`/`NotPrincipal` key is written.
    pub fn principal_element(&self) -> Pos {
        self.principal_key.unwrap_or(self.pos)
    }

    /// Where the `i`-th condition's key is written.
    pub fn condition(&self, i: usize) -> Pos {
        self.conditions.get(i).copied().unwrap_or(self.pos)
    }
}

/// Positions of one policy document's elements.
#[derive(Clone, Debug, Default)]
pub struct PolicySource {
    /// The document's opening brace.
    pub pos: Pos,
    /// The `Version` value.
    pub version: Option<Pos>,
    /// The statements, in order.
    pub statements: Vec<StmtSource>,
}

impl PolicySource {
    /// Indexes a document that parsed as a policy.
    pub fn new(doc: &Spanned) -> PolicySource {
        let members = doc.as_object().unwrap_or(&[]);
        let statements = match find(members, "Statement").map(|m| &m.value.value) {
            Some(Json::Array(items)) => items.iter().map(statement).collect(),
            Some(Json::Object(_)) => find(members, "Statement")
                .map(|m| vec![statement(&m.value)])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        PolicySource {
            pos: doc.pos,
            version: find(members, "Version").map(|m| m.value.pos),
            statements,
        }
    }

    /// The positions of statement `i` (defaults when out of range).
    pub fn statement(&self, i: usize) -> StmtSource {
        self.statements.get(i).cloned().unwrap_or_default()
    }
}

fn find<'a>(members: &'a [Member], key: &str) -> Option<&'a Member> {
    members.iter().find(|m| m.key == key)
}

fn either<'a>(members: &'a [Member], a: &str, b: &str) -> Option<&'a Member> {
    find(members, a).or_else(|| find(members, b))
}

/// Positions of a string or of each string of an array.
fn values(v: &Spanned) -> Vec<Pos> {
    match &v.value {
        Json::Array(items) => items.iter().map(|x| x.pos).collect(),
        _ => vec![v.pos],
    }
}

fn statement(v: &Spanned) -> StmtSource {
    let members = v.as_object().unwrap_or(&[]);
    let action = either(members, "Action", "NotAction");
    let resource = either(members, "Resource", "NotResource");
    let conditions = find(members, "Condition")
        .and_then(|m| m.value.as_object())
        .map(|ops| {
            ops.iter()
                .flat_map(|op| op.value.as_object().unwrap_or(&[]).iter())
                .map(|k| k.key_pos)
                .collect()
        })
        .unwrap_or_default();
    StmtSource {
        pos: v.pos,
        action_key: action.map(|m| m.key_pos),
        actions: action.map(|m| values(&m.value)).unwrap_or_default(),
        resource_key: resource.map(|m| m.key_pos),
        resources: resource.map(|m| values(&m.value)).unwrap_or_default(),
        principal_key: either(members, "Principal", "NotPrincipal").map(|m| m.key_pos),
        conditions,
    }
}
