//! Policies cut to the actions asked about, each cut once per model and set of actions
//! and shared by every principal that holds the policy.
//!
//! Every batch of questions (who can edit a role, who can read a bucket, the escalation
//! graph) first cuts each principal's policies to the actions it asks about
//! ([`Policy::only_for`]): reading every statement's actions is most of the work of
//! setting up a principal, and a managed or group policy is held by many principals.

use std::sync::{Arc, RwLock};

use phiward_policy::Policy;
use rustc_hash::FxHashMap;

use crate::actions::ActionIndex;

/// Cuts of one set of actions, by the address of the policy cut; the entry keeps the
/// policy alive, so that its address cannot be reused by another while the entry exists.
type Cut = RwLock<FxHashMap<usize, (Arc<Policy>, Arc<Policy>)>>;

/// At most this many sets of actions keep their cuts (an audit asks about a dozen).
const KEPT: usize = 64;

/// Past this many actions, policies are cut through an [`ActionIndex`] of the actions
/// rather than by matching each statement against each action.
const INDEXED: usize = 16;

/// The cuts of one set of actions, with the index of the actions when they are many.
type Entry = (Vec<String>, Arc<Cut>, Option<Arc<ActionIndex>>);

/// The cuts made so far, per set of actions.
#[derive(Debug, Default)]
pub(crate) struct Cuts(RwLock<Vec<Entry>>);

impl Clone for Cuts {
    /// A new model's cuts start empty: its policies may differ.
    fn clone(&self) -> Cuts {
        Cuts::default()
    }
}

impl Cuts {
    /// The cutter for `actions`.
    pub(crate) fn of(&self, actions: &[&str]) -> Cutter {
        let found = self.0.read().ok().and_then(|all| {
            all.iter()
                .find(|(a, _, _)| a.iter().map(String::as_str).eq(actions.iter().copied()))
                .map(|(_, c, ix)| (c.clone(), ix.clone()))
        });
        let (cut, index) = found.unwrap_or_else(|| {
            let cut: Arc<Cut> = Arc::default();
            let index = (actions.len() > INDEXED).then(|| Arc::new(ActionIndex::new(actions)));
            if let Ok(mut all) = self.0.write() {
                // A long-lived model asked about many sets of actions keeps the first
                // few; the others are cut for their batch only.
                if all.len() < KEPT {
                    let key = actions.iter().map(|a| (*a).to_string()).collect();
                    all.push((key, cut.clone(), index.clone()));
                }
            }
            (cut, index)
        });
        Cutter { cut, index }
    }
}

/// Cuts policies to one set of actions ([`Cuts::of`]).
pub(crate) struct Cutter {
    cut: Arc<Cut>,
    /// The actions indexed, when they are many.
    index: Option<Arc<ActionIndex>>,
}

impl Cutter {
    /// The index of the actions, when they are many enough to have one.
    pub(crate) fn index(&self) -> Option<&Arc<ActionIndex>> {
        self.index.as_ref()
    }

    /// `policy` cut to the actions: the same policy when every statement names one.
    pub(crate) fn cut(&self, policy: &Arc<Policy>, actions: &[&str]) -> Arc<Policy> {
        let key = Arc::as_ptr(policy) as usize;
        if let Some((_, c)) = self.cut.read().ok().and_then(|m| m.get(&key).cloned()) {
            return c;
        }
        let c = match &self.index {
            Some(ix) => ix.cut(policy),
            None => policy.only_for(actions),
        };
        let c = if c.statements.len() == policy.statements.len() {
            policy.clone()
        } else {
            Arc::new(c)
        };
        if let Ok(mut m) = self.cut.write() {
            m.insert(key, (policy.clone(), c.clone()));
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiward_policy::{parse_policy, PolicyKind};

    fn policy(text: &str) -> Arc<Policy> {
        Arc::new(parse_policy(text, PolicyKind::Identity).unwrap())
    }

    #[test]
    fn a_policy_is_cut_once_per_set_of_actions_and_shared() {
        let two = policy(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
                {"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}"#,
        );
        let cuts = Cuts::default();
        let get = ["s3:GetObject"];
        let first = cuts.of(&get).cut(&two, &get);
        assert_eq!(first.statements.len(), 1);
        assert_eq!(first.statements[0].index, 0);
        // The same cut for the next principal holding the policy, from a new cutter too.
        assert!(Arc::ptr_eq(&first, &cuts.of(&get).cut(&two, &get)));
        // Another set of actions has its own cut.
        let pass = ["iam:PassRole"];
        let other = cuts.of(&pass).cut(&two, &pass);
        assert_eq!(other.statements.len(), 1);
        assert_eq!(other.statements[0].index, 1);
        // A policy every statement of which names the actions is not copied.
        let both = ["s3:GetObject", "iam:PassRole"];
        assert!(Arc::ptr_eq(&two, &cuts.of(&both).cut(&two, &both)));
        // A clone of the model starts afresh.
        assert!(cuts.clone().0.read().unwrap().is_empty());
        // Past `KEPT` sets of actions, cuts still come out right but are not kept.
        let names: Vec<String> = (0..KEPT).map(|i| format!("s3:Get{i}")).collect();
        for n in &names {
            cuts.of(&[n.as_str()]);
        }
        let late = cuts.of(&get).cut(&two, &get);
        assert!(Arc::ptr_eq(&late, &first), "kept before the cap");
        let extra = ["iam:CreateUser"];
        let once = cuts.of(&extra).cut(&two, &extra);
        assert!(once.statements.is_empty());
        assert_eq!(cuts.0.read().unwrap().len(), KEPT);
    }
}
