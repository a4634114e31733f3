//! A batch's actions, indexed so that the actions an `Action` element names are found per
//! pattern (a lookup for a literal name, a scan of one service's actions for a wildcard)
//! instead of by matching every action against every statement; and the classes of
//! actions that every statement of a policy set treats alike.
//!
//! A question about thousands of actions (every Write action of the catalog, for LP-012)
//! would otherwise match each action against each statement of each principal. The
//! engine's decision reads an action only through the statements whose `Action` or
//! `NotAction` names it, through whether RCPs apply to its service, and for the few
//! services and actions its rules single out
//! ([`phiward_policy::SERVICES_WITH_RULES`]) through the service or the name: actions
//! alike in all of these are decided once.

use phiward_policy::document::{ActionElement, ActionMatcher};
use phiward_policy::Policy;
use rustc_hash::FxHashMap;

use crate::bits::Bits;

/// Actions the engine decides by name, not only by the statements naming them (AWS: AWS
/// STS API Reference, "GetCallerIdentity"; AWS KMS Developer Guide, "Resource control
/// policies in AWS KMS").
const DECIDED_BY_NAME: &[(&str, &str)] = &[("sts", "getcalleridentity"), ("kms", "retiregrant")];

/// Services whose actions the engine's rules read by name on a resource ARN (AWS managed
/// policies, `aws-reserved` roles, AWS managed key aliases; see
/// `phiward_policy::rules::aws_managed_resource`).
const NAMED_ON_ARNS: &[&str] = &["iam", "kms"];

/// One service's actions (by index), and those of them by lowercased name.
type Service = (Vec<usize>, FxHashMap<String, Vec<usize>>);

/// A fixed list of actions, lowercased and grouped by service.
#[derive(Debug)]
pub(crate) struct ActionIndex {
    /// Per action: its service and name, lowercased, split as the engine splits them.
    parts: Vec<(String, String)>,
    /// Per action: what the engine's rules read of it besides the statements naming it,
    /// as a small number, on `*` (`[0]`) and on a resource ARN (`[1]`): equal seeds, equal
    /// treatment.
    seeds: [Vec<u32>; 2],
    /// Per service: its actions, and those of them by name.
    services: FxHashMap<String, Service>,
}

fn lowercase(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

impl ActionIndex {
    pub(crate) fn new(actions: &[&str]) -> ActionIndex {
        let mut services: FxHashMap<String, Service> = FxHashMap::default();
        let mut parts = Vec::with_capacity(actions.len());
        for (i, a) in actions.iter().enumerate() {
            let lc = lowercase(a);
            let (service, name) = lc.split_once(':').unwrap_or((&lc, ""));
            let entry = services.entry(service.to_string()).or_default();
            entry.0.push(i);
            entry.1.entry(name.to_string()).or_default().push(i);
            parts.push((service.to_string(), name.to_string()));
        }
        let seeds = [false, true].map(|arn| {
            let mut ids: FxHashMap<(&str, &str), u32> = FxHashMap::default();
            parts
                .iter()
                .map(|(service, name)| {
                    let ruled = phiward_policy::SERVICES_WITH_RULES.contains(&service.as_str());
                    let by_name = DECIDED_BY_NAME.contains(&(service.as_str(), name.as_str()))
                        || arn && NAMED_ON_ARNS.contains(&service.as_str());
                    let key = match (ruled, by_name) {
                        (_, true) => (service.as_str(), name.as_str()),
                        (true, false) => (service.as_str(), ""),
                        (false, false) if phiward_policy::rcp::applies_to(service) => ("", "rcp"),
                        (false, false) => ("", ""),
                    };
                    let next = ids.len() as u32;
                    *ids.entry(key).or_insert(next)
                })
                .collect()
        });
        ActionIndex {
            parts,
            services,
            seeds,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.parts.len()
    }

    /// The actions `element` names, exactly as [`ActionElement::applies_to`] decides each.
    pub(crate) fn named_by(&self, element: &ActionElement) -> Bits {
        let n = self.len();
        let mut bits = Bits::empty(n);
        for m in element.matchers() {
            match m {
                ActionMatcher::All => {
                    bits = Bits::full(n);
                    break;
                }
                ActionMatcher::Nothing => {}
                ActionMatcher::Service { service, glob, .. } => {
                    let Some((all, by_name)) = self.services.get(service) else {
                        continue;
                    };
                    match glob.literal() {
                        Some(name) => {
                            for &i in by_name.get(name).map(Vec::as_slice).unwrap_or_default() {
                                bits.set(i);
                            }
                        }
                        None => {
                            for &i in all {
                                if self.parts.get(i).is_some_and(|(_, x)| glob.is_match(x)) {
                                    bits.set(i);
                                }
                            }
                        }
                    }
                }
            }
        }
        if element.negated {
            let mut not = Bits::empty(n);
            for i in bits.zeros(n) {
                not.set(i);
            }
            bits = not;
        }
        bits
    }

    /// Whether action `k` needs no permission (`sts:GetCallerIdentity`: AWS STS API
    /// Reference, "GetCallerIdentity"), so that no policy decides whether it is allowed.
    pub(crate) fn needs_no_permission(&self, k: usize) -> bool {
        self.parts
            .get(k)
            .is_some_and(|(s, n)| s == "sts" && n == "getcalleridentity")
    }

    /// Whether `element` names any of the actions.
    pub(crate) fn names_any(&self, element: &ActionElement) -> bool {
        !self.named_by(element).is_empty()
    }

    /// `policy` keeping only the statements that name one of the actions
    /// ([`Policy::only_for`] over the whole list).
    pub(crate) fn cut(&self, policy: &Policy) -> Policy {
        policy.only_where(|s| self.names_any(&s.action))
    }

    /// Classes of the actions: two actions share a class when the engine's rules treat
    /// them alike (see the module documentation), when `apart` gives them the same key,
    /// and when every statement of
    /// `policies` names both or neither; then the engine decides them alike on a
    /// resource whose policy is among `policies` (or that has none). `resource_arn`
    /// says whether the resource asked about is an ARN, on which IAM and KMS actions are
    /// also told apart by name. Returns each action's class.
    pub(crate) fn classes<'p>(
        &self,
        policies: impl Iterator<Item = &'p Policy>,
        resource_arn: bool,
        apart: impl Fn(usize) -> usize,
    ) -> Vec<u32> {
        let n = self.len();
        let mut seeds: FxHashMap<(u32, usize), u32> = FxHashMap::default();
        let seed = self
            .seeds
            .get(usize::from(resource_arn))
            .map_or(&[][..], Vec::as_slice);
        let mut class: Vec<u32> = Vec::with_capacity(n);
        for i in 0..n {
            let key = (seed.get(i).copied().unwrap_or(u32::MAX), apart(i));
            let next = seeds.len() as u32;
            class.push(*seeds.entry(key).or_insert(next));
        }
        let mut next = seeds.len() as u32;
        for st in policies.flat_map(|p| p.statements.iter()) {
            let named = self.named_by(&st.action);
            let count = named.count();
            if count == 0 || count == n {
                continue;
            }
            // Splitting by a set or by its complement gives the same classes: walk the
            // smaller side.
            let mut renamed: FxHashMap<u32, u32> = FxHashMap::default();
            let mut split = |i: usize| {
                if let Some(c) = class.get_mut(i) {
                    *c = *renamed.entry(*c).or_insert_with(|| {
                        next += 1;
                        next - 1
                    });
                }
            };
            if count * 2 <= n {
                named.ones().for_each(&mut split);
            } else {
                named.zeros(n).for_each(&mut split);
            }
        }
        class
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiward_policy::{parse_policy, PolicyKind};

    fn policy(text: &str) -> Policy {
        parse_policy(text, PolicyKind::Identity).unwrap()
    }

    const ACTIONS: &[&str] = &[
        "s3:GetObject",
        "s3:PutObject",
        "S3:DeleteObject",
        "iam:PassRole",
        "iam:CreateUser",
        "ec2:RunInstances",
        "sts:GetCallerIdentity",
        "sts:AssumeRole",
        "kms:RetireGrant",
        "kms:Decrypt",
        "odd",
        "s3:Get:Odd",
    ];

    /// The index names exactly what `applies_to` names, for literals, wildcards,
    /// `NotAction`, `*` and odd names.
    #[test]
    fn names_what_the_engine_names() {
        let ix = ActionIndex::new(ACTIONS);
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["s3:getobject","IAM:Pass*"],"Resource":"*"},
            {"Effect":"Allow","NotAction":["s3:*","sts:Get*"],"Resource":"*"},
            {"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Allow","Action":["s3:*Object","s3:Get*Odd","ec2:Run*"],"Resource":"*"},
            {"Effect":"Deny","Action":"kms:?e*","Resource":"*"}]}"#,
        );
        for st in &p.statements {
            let bits = ix.named_by(&st.action);
            for (i, a) in ACTIONS.iter().enumerate() {
                assert_eq!(
                    bits.has(i),
                    st.action.applies_to(a),
                    "{a} in {:?}",
                    st.action.list
                );
            }
        }
    }

    /// Actions share a class only when every statement names both or neither, their
    /// service is the same, and the engine does not read their names.
    #[test]
    fn classes_split_by_statement_service_and_name() {
        let ix = ActionIndex::new(ACTIONS);
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","NotAction":"s3:PutObject","Resource":"*"}]}"#,
        );
        let c = ix.classes(std::iter::once(&p), false, |_| 0);
        // GetObject and DeleteObject: same service, same statements.
        assert_eq!(c[0], c[2]);
        assert_ne!(c[0], c[1]);
        // Different services never share.
        assert_ne!(c[3], c[5]);
        // IAM actions share on `*`, not on an ARN.
        assert_eq!(c[3], c[4]);
        let on_arn = ix.classes(std::iter::once(&p), true, |_| 0);
        assert_ne!(on_arn[3], on_arn[4]);
        // Decided by name.
        assert_ne!(c[6], c[7]);
        assert_ne!(c[8], c[9]);
        // `apart` keys split too.
        let apart = ix.classes(std::iter::once(&p), false, |i| usize::from(i == 2));
        assert_ne!(apart[0], apart[2]);
        // For every statement, members of one class are all named or all not.
        for st in &p.statements {
            for i in 0..ACTIONS.len() {
                for j in 0..ACTIONS.len() {
                    if c[i] == c[j] {
                        assert_eq!(
                            st.action.applies_to(ACTIONS[i]),
                            st.action.applies_to(ACTIONS[j])
                        );
                    }
                }
            }
        }
    }
}
