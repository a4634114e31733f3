//! Deciding, for one principal, the permissions the escalation graph asks about: its
//! policy set cut once to the techniques' actions, answers on `*` and per class of
//! targets decided once, and a cheap pre-filter before each decision.

use std::sync::Arc;

use crate::escalation::{Shared, PASS_ROLE};
use crate::model::{AccessModel, Principal};
use crate::query::{decide, request_for, with_resource, Decided};
use crate::Step;

pub(crate) fn step(action: &str, resource: &str, d: Decided) -> Step {
    Step {
        action: action.to_string(),
        resource: resource.to_string(),
        access: d.reach,
        conditions: d.conditions,
        via: d.via,
    }
}

/// Every action the graph asks about.
pub(crate) fn technique_actions() -> Vec<&'static str> {
    let mut v = vec![
        "sts:AssumeRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:CreateAccessKey",
        "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile",
        "iam:PassRole",
        "ssm:SendCommand",
        "iam:PutUserPolicy",
        "iam:AttachUserPolicy",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
    ];
    v.extend(PASS_ROLE.iter().flat_map(|(_, _, a)| a.iter().copied()));
    v
}

/// A permission to decide: action, resource, and extra context keys known.
pub(crate) type Need<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Decides for one principal with a cached policy set.
pub(crate) struct Asker<'m> {
    pub(crate) m: &'m AccessModel,
    pub(crate) p: &'m Principal,
    pub(crate) set: phiward_policy::PolicySet,
    /// Answers to requests on `*` (the same for every target: `ssm:SendCommand`, the
    /// service actions of PassRole techniques), decided once.
    memo: std::collections::HashMap<(String, String), Option<Step>>,
    /// Answers shared by a class of targets, per action and class (see [`Asker::shared`]).
    shared_memo: std::collections::HashMap<(&'static str, u64, u128), Option<Shared>>,
    /// Per action, the resource elements of every statement naming it, when a target's
    /// match with them can be told exactly ([`Asker::signature`]).
    elements: std::collections::HashMap<
        &'static str,
        Option<Vec<Option<phiward_policy::document::ResourceElement>>>,
    >,
    /// Per action: whether every statement of the principal's policy set that names it
    /// applies to every resource (`Resource: "*"`), so that the decision depends on the
    /// target only through its resource policy.
    uniform: std::collections::HashMap<&'static str, bool>,
    /// PassRole techniques decided once (see [`Asker::pass_shared`]).
    pass_memo: std::collections::HashMap<usize, Option<Shared>>,
    /// Whether some Allow statement names `sts:AssumeRole`.
    pub(crate) assume_any: bool,
    /// Per action, the resource elements of the Allow statements naming it ([`Asker::may`]).
    may_cache:
        std::collections::HashMap<String, Vec<Option<phiward_policy::document::ResourceElement>>>,
}

impl<'m> Asker<'m> {
    pub(crate) fn new(
        m: &'m AccessModel,
        p: &'m Principal,
        set: phiward_policy::PolicySet,
    ) -> Asker<'m> {
        let assume_any = set.identity.iter().any(|pol| {
            pol.statements.iter().any(|s| {
                s.effect == phiward_policy::Effect::Allow && s.action.applies_to("sts:AssumeRole")
            })
        });
        Asker {
            m,
            p,
            set,
            memo: Default::default(),
            shared_memo: Default::default(),
            uniform: Default::default(),
            elements: Default::default(),
            pass_memo: Default::default(),
            assume_any,
            may_cache: Default::default(),
        }
    }
}

impl Asker<'_> {
    /// Whether some Allow statement of the principal's own policies could grant `action`
    /// on `resource` (a cheap filter: the engine still decides). Without one, only a
    /// resource-based policy could grant it, and only `sts:AssumeRole` on a role has one
    /// here.
    pub(crate) fn may(&mut self, action: &str, resource: &str) -> bool {
        // The Allow statements naming the action, found once per action: `None` for a
        // statement without a `Resource` element or with `"*"` (names everything).
        let set = &self.set;
        let grants = self.may_cache.entry(action.to_string()).or_insert_with(|| {
            set.identity
                .iter()
                .flat_map(|p| p.statements.iter())
                .filter(|s| {
                    s.effect == phiward_policy::Effect::Allow && s.action.applies_to(action)
                })
                .map(|s| {
                    s.resource
                        .as_ref()
                        .filter(|r| r.negated || r.list.items.iter().any(|x| x != "*"))
                        .filter(|r| !r.list.items.iter().any(|x| x == "*"))
                        .cloned()
                })
                .collect()
        });
        grants
            .iter()
            .any(|r| r.as_ref().is_none_or(|r| r.may_apply_to(resource)))
    }

    pub(crate) fn ask(
        &mut self,
        action: &str,
        resource: &str,
        extra: &[(&str, &str)],
    ) -> Option<Step> {
        if resource == "*" && extra.is_empty() {
            let key = (action.to_string(), String::new());
            if let Some(hit) = self.memo.get(&key) {
                return hit.clone();
            }
            let answer = self.decide_now(action, resource, extra);
            self.memo.insert(key, answer.clone());
            return answer;
        }
        self.decide_now(action, resource, extra)
    }

    /// `action` on `target`, whose resource policy is in class `class` (roles: their
    /// trust policy's; users, which have none: one class). Decided once per class when
    /// every statement of the principal naming the action applies to every resource:
    /// the edges then share the steps, and [`Graph::steps`] names each one's target.
    /// AWS: IAM User Guide, "Policy evaluation logic": the decision is a function of the
    /// request context and the policies; the same policies and a resource no statement
    /// tells apart give the same decision.
    pub(crate) fn shared(
        &mut self,
        action: &'static str,
        target: &str,
        class: Option<u64>,
    ) -> Option<Shared> {
        let signature = if self.is_uniform(action) {
            Some(0)
        } else {
            self.signature(action, target)
        };
        let (Some(class), Some(signature)) = (class, signature) else {
            return self
                .ask(action, target, &[])
                .map(|s| (Arc::new(vec![s]), None));
        };
        if let Some(hit) = self.shared_memo.get(&(action, class, signature)) {
            return hit.clone();
        }
        let name: Arc<str> = self
            .m
            .resource_for(target)
            .and_then(|r| r.policy.as_ref())
            .map_or_else(|| Arc::from(""), |n| n.name.clone());
        let answer = self
            .ask(action, target, &[])
            .map(|s| (Arc::new(vec![s]), Some(name)));
        self.shared_memo
            .insert((action, class, signature), answer.clone());
        answer
    }

    /// Which of the principal's statements naming `action` (identity, boundary and SCPs,
    /// Allow and Deny) can name `target`, as bits: two targets of one class with the same
    /// bits get the same decision. `None` when that cannot be told exactly (`NotResource`,
    /// policy variables, more than 128 statements).
    fn signature(&mut self, action: &'static str, target: &str) -> Option<u128> {
        let set = &self.set;
        let elements = self.elements.entry(action).or_insert_with(|| {
            let all: Vec<Option<phiward_policy::document::ResourceElement>> = set
                .identity
                .iter()
                .chain(&set.boundary)
                .chain(set.scps.iter().flatten())
                .flat_map(|p| p.statements.iter())
                .filter(|s| s.action.applies_to(action))
                .map(|s| s.resource.clone())
                .collect();
            let exact = all.len() <= 128
                && all
                    .iter()
                    .flatten()
                    .all(|r| !r.negated && !r.list.items.iter().any(|x| x.contains("${")));
            exact.then_some(all)
        });
        let elements = elements.as_ref()?;
        let mut bits = 0u128;
        for (k, e) in elements.iter().enumerate() {
            if e.as_ref().is_none_or(|r| r.may_apply_to(target)) {
                bits |= 1 << k;
            }
        }
        Some(bits)
    }

    /// Whether every statement of the principal's policy set that names `action` applies
    /// to every resource (`Resource: "*"`): then the decision depends on the target only
    /// through its own resource policy.
    pub(crate) fn is_uniform(&mut self, action: &'static str) -> bool {
        let set = &self.set;
        *self.uniform.entry(action).or_insert_with(|| {
            let all_star = |pol: &phiward_policy::Policy| {
                pol.statements
                    .iter()
                    .filter(|s| s.action.applies_to(action))
                    .all(|s| {
                        s.resource
                            .as_ref()
                            .is_none_or(|r| !r.negated && r.list.items.iter().all(|x| x == "*"))
                    })
            };
            set.identity.iter().all(all_star)
                && set.boundary.iter().all(all_star)
                && set.scps.iter().flatten().all(all_star)
        })
    }

    /// A PassRole technique's steps (index `k` of `PASS_ROLE`) for a principal whose
    /// `iam:PassRole` statements apply to every role: decided once, with `rep`, and shared.
    pub(crate) fn pass_shared(&mut self, k: usize, needs: &[Need<'_>]) -> Option<Shared> {
        if let Some(hit) = self.pass_memo.get(&k) {
            return hit.clone();
        }
        let answer = self
            .all(needs)
            .map(|steps| (Arc::new(steps), Some(Arc::from(""))));
        self.pass_memo.insert(k, answer.clone());
        answer
    }

    /// `action` on `*`, decided once and shared by every edge that uses it.
    pub(crate) fn star(&mut self, action: &'static str) -> Option<Shared> {
        if let Some(hit) = self.shared_memo.get(&(action, u64::MAX - 1, 0)) {
            return hit.clone();
        }
        let answer = self
            .ask(action, "*", &[])
            .map(|s| (Arc::new(vec![s]), None));
        self.shared_memo
            .insert((action, u64::MAX - 1, 0), answer.clone());
        answer
    }

    fn decide_now(&mut self, action: &str, resource: &str, extra: &[(&str, &str)]) -> Option<Step> {
        let sts = action
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("sts:"));
        if !sts && !self.may(action, resource) {
            return None;
        }
        with_resource(&mut self.set, self.m.resource_for_action(resource, action));
        let req = request_for(self.m, self.p, action, resource, extra)?;
        decide(&self.set, &req).map(|d| step(action, resource, d))
    }

    pub(crate) fn all(&mut self, needs: &[Need<'_>]) -> Option<Vec<Step>> {
        needs.iter().map(|(a, r, x)| self.ask(a, r, x)).collect()
    }
}

/// Which techniques a principal's identity policies could support at all: an Allow
/// statement names each action they need. Without one, no identity-based permission for
/// the action exists (IAM and the services that run code have no resource policies that
/// could grant it instead), so the technique is skipped without asking the engine.
pub(crate) struct Caps {
    pub(crate) users: bool,
    pub(crate) roles: bool,
    pub(crate) update_trust: bool,
    pub(crate) pass: Vec<bool>,
    pub(crate) ssm: bool,
}

impl Caps {
    pub(crate) fn of(p: &Principal) -> Caps {
        let may = |action: &str| {
            p.identity.iter().any(|n| {
                n.policy.statements.iter().any(|s| {
                    s.effect == phiward_policy::Effect::Allow && s.action.applies_to(action)
                })
            })
        };
        let pass_role = may("iam:PassRole");
        let pass: Vec<bool> = PASS_ROLE
            .iter()
            .map(|(_, _, actions)| pass_role && actions.iter().all(|a| may(a)))
            .collect();
        let update_trust = may("iam:UpdateAssumeRolePolicy");
        let ssm = may("ssm:SendCommand");
        Caps {
            users: may("iam:CreateAccessKey")
                || may("iam:CreateLoginProfile")
                || may("iam:UpdateLoginProfile"),
            roles: may("sts:AssumeRole") || update_trust || ssm || pass.iter().any(|x| *x),
            update_trust,
            pass,
            ssm,
        }
    }

    pub(crate) fn any(&self) -> bool {
        self.users || self.roles
    }
}
