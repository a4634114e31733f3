//! What a template or plan will change in the account: IAM users, groups, roles and
//! managed policies, the attachments between them, bucket and key policies and SCPs, each
//! as the snapshot model will hold it and with the template place that writes it.

use phiward_snapshot::model::data::{Bucket, KmsKey};
use phiward_snapshot::model::iam::{Group, InlinePolicy, ManagedPolicy, Role, User};
use phiward_snapshot::model::org::OrgPolicy;

use crate::doc::{Doc, Origin};
use crate::node::Pos;

/// A user, group or role, by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    /// An IAM role.
    Role(String),
    /// An IAM user.
    User(String),
    /// An IAM group.
    Group(String),
}

impl Who {
    /// `role `x``, as the access model names owners.
    pub fn label(&self) -> String {
        match self {
            Who::Role(n) => format!("role `{n}`"),
            Who::User(n) => format!("user `{n}`"),
            Who::Group(n) => format!("group `{n}`"),
        }
    }
}

/// One change to the account.
#[derive(Clone, Debug)]
pub enum Change {
    /// A role is created (or replaced).
    Role(Box<Role>),
    /// A user is created (or replaced).
    User(Box<User>),
    /// A group is created (or replaced).
    Group(Box<Group>),
    /// A customer managed policy is created (or replaced).
    Policy(Box<ManagedPolicy>),
    /// An inline policy is put on a principal.
    Inline(Who, InlinePolicy),
    /// A managed policy is attached to a principal.
    Attach(Who, String),
    /// A user joins a group.
    Member {
        /// The user.
        user: String,
        /// The group.
        group: String,
    },
    /// An access key is created for a user.
    AccessKey(String),
    /// An instance profile holds a role.
    Profile {
        /// The role.
        role: String,
        /// The profile's name.
        name: String,
    },
    /// A bucket is created (or replaced).
    Bucket(Box<Bucket>),
    /// A bucket's policy is set.
    BucketPolicy {
        /// The bucket.
        bucket: String,
        /// The document.
        doc: phiward_snapshot::PolicyText,
    },
    /// A KMS key is created with its policy.
    Key(Box<KmsKey>),
    /// An SCP is created.
    Scp(Box<OrgPolicy>),
}

/// Something that could not be read: an error naming the file, resource and path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The template resource and statement the finding comes from.
    pub origin: Origin,
    /// What is wrong.
    pub message: String,
}

/// A finding of an IaC rule decided while reading (what the template writes, such as an
/// access key for a user), before the account is modelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The rule id.
    pub id: &'static str,
    /// The template resource and statement the note comes from.
    pub origin: Origin,
    /// What is true.
    pub message: String,
}

/// Everything one template or plan file changes.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The file, as given.
    pub file: String,
    /// The changes, in the file's order.
    pub changes: Vec<(Origin, Change)>,
    /// Every policy document (one per place it lands: an `AWS::IAM::Policy` attached to
    /// two roles is two places); [`Doc`]s with `lint` set are linted.
    pub docs: Vec<(Doc, bool)>,
    /// What could not be read.
    pub problems: Vec<Problem>,
    /// IaC rule findings decided while reading.
    pub hits: Vec<Hit>,
    /// The file parsed but is neither a template nor a plan (a folder's other JSON and
    /// YAML files are skipped on this ground).
    pub not_template: bool,
    /// Rule ids each resource's metadata suppresses (`Metadata: phiward: ignore: [...]`).
    pub ignores: Vec<(String, Vec<crate::suppress::Ignore>)>,
}

impl Plan {
    /// A plan of `file`.
    pub fn new(file: &str) -> Plan {
        Plan {
            file: file.to_string(),
            ..Plan::default()
        }
    }

    /// The origin of a resource's property.
    pub fn origin(&self, resource: &str, path: &str, pos: Pos) -> Origin {
        Origin {
            file: self.file.clone(),
            resource: resource.to_string(),
            path: path.to_string(),
            pos,
        }
    }

    /// Records a problem.
    pub fn problem(&mut self, resource: &str, path: &str, pos: Pos, message: impl Into<String>) {
        let origin = self.origin(resource, path, pos);
        self.problems.push(Problem {
            origin,
            message: message.into(),
        });
    }

    /// Records an IaC rule finding.
    pub fn hit(&mut self, id: &'static str, resource: &str, path: &str, pos: Pos, message: String) {
        let origin = self.origin(resource, path, pos);
        self.hits.push(Hit {
            id,
            origin,
            message,
        });
    }
}
