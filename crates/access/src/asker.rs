//! Deciding, for one principal, the permissions the escalation graph asks about: its
//! policy set cut once to the techniques' actions, answers on `*` and per class of
//! targets decided once, and a cheap pre-filter before each decision.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::bits::{signature, Sig};
use crate::escalation::{share, Scope, Shared, Technique, PASS_ROLE};
use crate::model::{AccessModel, Principal};
use crate::query::{allows, decide, request_for, with_resource, Decided};
use crate::targets::{Bits, Targets};
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
    memo: FxHashMap<(String, String), Option<Step>>,
    /// Answers shared by a class of targets, per action and class (see [`Asker::shared`]).
    shared_memo: FxHashMap<(&'static str, u64, Sig), Option<Shared>>,
    /// Per action: whether every statement of the principal's policy set that names it
    /// applies to every resource (`Resource: "*"`), so that the decision depends on the
    /// target only through its resource policy.
    uniform: FxHashMap<&'static str, bool>,
    /// PassRole techniques decided once per signature (see [`Asker::pass_shared`]).
    pass_memo: FxHashMap<(usize, Sig), Option<Shared>>,
    /// The account's principals as targets, when the caller asks about many of them by
    /// index ([`Asker::with_targets`]).
    targets: Option<&'m Targets>,
    /// Per action, the targets each statement of [`Asker::signature`] may name.
    sig_bits: FxHashMap<&'static str, Option<Vec<Arc<Bits>>>>,
    /// Per action, the targets some Allow statement naming it may name ([`Asker::may_at`]).
    may_bits: FxHashMap<&'static str, Arc<Bits>>,
    /// Whether some Allow statement names `sts:AssumeRole`.
    pub(crate) assume_any: bool,
    /// Per action, the resource elements of the Allow statements naming it ([`Asker::may`]).
    may_cache: FxHashMap<String, Vec<Option<phiward_policy::document::ResourceElement>>>,
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
            pass_memo: Default::default(),
            targets: None,
            sig_bits: Default::default(),
            may_bits: Default::default(),
            assume_any,
            may_cache: Default::default(),
        }
    }

    /// Asks about targets by their index in `targets`, which holds the model's
    /// principals in order.
    pub(crate) fn with_targets(mut self, targets: &'m Targets) -> Asker<'m> {
        self.targets = Some(targets);
        self
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
        // Without the target's index its signature is not known: decided alone unless
        // uniform (`shared_at` tells targets apart).
        let signature = self.is_uniform(action).then(Sig::default);
        self.shared_with(action, target, class, signature)
    }

    /// [`Asker::shared`] for principal `j` of the model, told apart by index.
    pub(crate) fn shared_at(
        &mut self,
        action: &'static str,
        j: usize,
        class: Option<u64>,
    ) -> Option<Shared> {
        let m = self.m;
        let target = m.principals.get(j).map_or("", |p| p.arn.as_str());
        let signature = if self.is_uniform(action) {
            Some(Sig::default())
        } else {
            self.signature_at(action, j)
        };
        self.shared_with(action, target, class, signature)
    }

    fn shared_with(
        &mut self,
        action: &'static str,
        target: &str,
        class: Option<u64>,
        signature: Option<Sig>,
    ) -> Option<Shared> {
        let (Some(class), Some(signature)) = (class, signature) else {
            return self.ask(action, target, &[]).map(|s| share(vec![s], None));
        };
        let key = (action, class, signature);
        if let Some(hit) = self.shared_memo.get(&key) {
            return hit.clone();
        }
        let name: Arc<str> = self
            .m
            .resource_for(target)
            .and_then(|r| r.policy.as_ref())
            .map_or_else(|| Arc::from(""), |n| n.name.clone());
        let answer = self
            .ask(action, target, &[])
            .map(|s| share(vec![s], Some(name)));
        self.shared_memo.insert(key, answer.clone());
        answer
    }

    /// The statements of [`Asker::signature`], when the signature is exact.
    fn signed(
        &self,
        action: &str,
    ) -> Option<Vec<Option<&phiward_policy::document::ResourceElement>>> {
        crate::each::signed(&self.set, &[action])
    }

    /// Which of the principal's statements naming `action` (identity, boundary, SCPs and
    /// RCPs, Allow and Deny) can name principal `j` of the model, as bits, by bit
    /// operations on the targets each statement may name: two targets of one class with
    /// the same bits get the same decision. `None` when that cannot be told exactly (see
    /// [`crate::each::signed`]) or without [`Asker::with_targets`].
    fn signature_at(&mut self, action: &'static str, j: usize) -> Option<Sig> {
        let t = self.targets?;
        if !self.sig_bits.contains_key(action) {
            let bits = self
                .signed(action)
                .map(|all| all.into_iter().map(|e| t.listed_by(e)).collect());
            self.sig_bits.insert(action, bits);
        }
        let bits = self.sig_bits.get(action)?.as_ref()?;
        Some(signature(bits, j))
    }

    /// [`Asker::may`] for principal `j` of the model, by index.
    pub(crate) fn may_at(&mut self, action: &'static str, j: usize) -> bool {
        match self.may_bits(action) {
            Some(bits) => bits.has(j),
            None => {
                let m = self.m;
                let arn = m.principals.get(j).map_or("", |p| p.arn.as_str());
                self.may(action, arn)
            }
        }
    }

    /// The targets [`Asker::may_at`] admits, to test many without a lookup each; `None`
    /// without [`Asker::with_targets`].
    pub(crate) fn may_bits(&mut self, action: &'static str) -> Option<Arc<Bits>> {
        let t = self.targets?;
        let set = &self.set;
        let bits = self.may_bits.entry(action).or_insert_with(|| {
            let mut b = Bits::empty(t.len());
            for s in set.identity.iter().flat_map(|p| p.statements.iter()) {
                if s.effect == phiward_policy::Effect::Allow && s.action.applies_to(action) {
                    b.union(&t.named_by(s.resource.as_ref()));
                }
            }
            Arc::new(b)
        });
        Some(bits.clone())
    }

    /// Whether every statement of the principal's policy set that names `action` applies
    /// to every resource (`Resource: "*"`): then the decision depends on the target only
    /// through its own resource policy.
    pub(crate) fn is_uniform(&mut self, action: &'static str) -> bool {
        let set = &self.set;
        *self.uniform.entry(action).or_insert_with(|| {
            let all_star = |pol: &Arc<phiward_policy::Policy>| {
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
        self.pass_signed(k, Sig::default(), needs)
    }

    /// A PassRole technique's steps for principal `j` of the model when the principal's
    /// `iam:PassRole` statements tell roles apart: decided once per signature (a role's
    /// trust policy does not govern `iam:PassRole`, so the class does not matter).
    pub(crate) fn pass_at(&mut self, k: usize, j: usize, needs: &[Need<'_>]) -> Option<Shared> {
        match self.signature_at("iam:PassRole", j) {
            Some(sig) => self.pass_signed(k, sig, needs),
            None => self.all(needs).map(|steps| share(steps, None)),
        }
    }

    fn pass_signed(&mut self, k: usize, sig: Sig, needs: &[Need<'_>]) -> Option<Shared> {
        let key = (k, sig);
        if let Some(hit) = self.pass_memo.get(&key) {
            return hit.clone();
        }
        let answer = self
            .all(needs)
            .map(|steps| share(steps, Some(Arc::from(""))));
        self.pass_memo.insert(key, answer.clone());
        answer
    }

    /// `action` on `*`, decided once and shared by every edge that uses it.
    pub(crate) fn star(&mut self, action: &'static str) -> Option<Shared> {
        if let Some(hit) = self
            .shared_memo
            .get(&(action, u64::MAX - 1, Sig::default()))
        {
            return hit.clone();
        }
        let answer = self.ask(action, "*", &[]).map(|s| share(vec![s], None));
        self.shared_memo
            .insert((action, u64::MAX - 1, Sig::default()), answer.clone());
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
    assume: bool,
    pub(crate) users: bool,
    pub(crate) update_trust: bool,
    pub(crate) pass: Vec<bool>,
    pub(crate) ssm: bool,
}

impl Caps {
    pub(crate) fn of(p: &Principal) -> Caps {
        let may = |action: &str| allows(p.identity.iter().map(|n| &*n.policy), action);
        let pass_role = may("iam:PassRole");
        let pass: Vec<bool> = PASS_ROLE
            .iter()
            .map(|(_, _, actions)| pass_role && actions.iter().all(|a| may(a)))
            .collect();
        let update_trust = may("iam:UpdateAssumeRolePolicy");
        let ssm = may("ssm:SendCommand");
        let assume = may("sts:AssumeRole");
        Caps {
            assume,
            users: may("iam:CreateAccessKey")
                || may("iam:CreateLoginProfile")
                || may("iam:UpdateLoginProfile"),
            update_trust,
            pass,
            ssm,
        }
    }

    /// The capabilities the scope's techniques use.
    pub(crate) fn scoped(mut self, scope: &Scope<'_>) -> Caps {
        if scope.techniques.is_none() {
            return self;
        }
        self.assume &= scope.wants(Technique::AssumeRole);
        self.users &= scope.wants(Technique::CreateAccessKey)
            || scope.wants(Technique::CreateLoginProfile)
            || scope.wants(Technique::UpdateLoginProfile);
        self.update_trust &= scope.wants(Technique::UpdateTrustPolicy);
        for ((t, _, _), can) in PASS_ROLE.iter().zip(self.pass.iter_mut()) {
            *can &= scope.wants(*t);
        }
        self.ssm &= scope.wants(Technique::SsmSendCommand);
        self
    }

    /// Whether some technique toward roles is open to the principal.
    pub(crate) fn roles(&self) -> bool {
        self.assume || self.update_trust || self.ssm || self.pass.iter().any(|x| *x)
    }

    pub(crate) fn any(&self) -> bool {
        self.users || self.roles()
    }
}
