//! Which of a fixed list of ARNs each `Resource` element may name, found once per distinct
//! element and shared by every principal whose policies hold it.
//!
//! Policies are shared: thousands of principals attach the same managed policies, so the
//! same elements come back for every one of them. Matching each element against every
//! target once, and each principal's statements then by bit operations, replaces a match
//! of every statement against every target per principal. The engine still decides every
//! candidate; this only says which targets no statement could name.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use phiward_policy::document::{ParsedResource, ResourceElement};

pub(crate) use crate::bits::Bits;

/// A fixed list of target ARNs, parsed once, with the targets each element names.
pub(crate) struct Targets {
    parsed: Vec<ParsedResource>,
    /// Target indices by lowercased ARN, for patterns that name one resource.
    by_lower: HashMap<String, Vec<usize>>,
    /// Lowercased ARNs with their index, sorted: the targets a pattern's literal start
    /// (before its first wildcard) can match form one range.
    sorted: Vec<(String, usize)>,
    all: Arc<Bits>,
    memo: RwLock<HashMap<Vec<String>, Arc<Bits>>>,
}

impl Targets {
    pub(crate) fn new<'a>(arns: impl Iterator<Item = &'a str>) -> Targets {
        let mut parsed = Vec::new();
        let mut by_lower: HashMap<String, Vec<usize>> = HashMap::new();
        for (j, arn) in arns.enumerate() {
            parsed.push(ParsedResource::new(arn));
            by_lower.entry(arn.to_lowercase()).or_default().push(j);
        }
        let all = Arc::new(Bits::full(parsed.len()));
        let mut sorted: Vec<(String, usize)> = by_lower
            .iter()
            .flat_map(|(k, v)| v.iter().map(move |&j| (k.clone(), j)))
            .collect();
        sorted.sort();
        Targets {
            parsed,
            by_lower,
            sorted,
            all,
            memo: RwLock::new(HashMap::new()),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.parsed.len()
    }

    /// The targets `element` may name ([`ResourceElement::may_apply_to`] for each):
    /// without a `Resource` element, or with `NotResource`, every target.
    pub(crate) fn named_by(&self, element: Option<&ResourceElement>) -> Arc<Bits> {
        match element.filter(|e| !e.negated) {
            Some(e) => self.listed_by(Some(e)),
            None => self.all.clone(),
        }
    }

    /// The targets one of the element's patterns names ([`ResourceElement::lists`]),
    /// `NotResource` or not; without a `Resource` element, every target.
    pub(crate) fn listed_by(&self, element: Option<&ResourceElement>) -> Arc<Bits> {
        let Some(e) = element else {
            return self.all.clone();
        };
        let items = &e.list.items;
        // A short ARN compiles differently per policy type, which the key does not hold.
        if e.has_short_pattern() {
            return Arc::new(self.compute(e));
        }
        if let Some(hit) = self.memo.read().ok().and_then(|m| m.get(items).cloned()) {
            return hit;
        }
        let bits = Arc::new(self.compute(e));
        if let Ok(mut m) = self.memo.write() {
            m.insert(items.clone(), bits.clone());
        }
        bits
    }

    fn compute(&self, e: &ResourceElement) -> Bits {
        let n = self.parsed.len();
        let mut bits = Bits::empty(n);
        for k in 0..e.list.items.len() {
            match e.literal(k) {
                Some(arn) => {
                    let found = self.by_lower.get(&arn.to_lowercase());
                    for &j in found.map(Vec::as_slice).unwrap_or_default() {
                        if self
                            .parsed
                            .get(j)
                            .is_some_and(|r| e.pattern_may_apply(k, r))
                        {
                            bits.set(j);
                        }
                    }
                }
                None if e.pattern_is_open(k) => return Bits::full(n),
                None => {
                    let text = e.list.items.get(k).map_or("", String::as_str);
                    // What a wildcard pattern matches starts with its literal start, up to
                    // its first wildcard or policy variable (the matcher folds case at
                    // most; a variable may stand in any segment).
                    let start = match text.find(['*', '?', '$']) {
                        Some(at) => text.get(..at).unwrap_or(""),
                        None => text,
                    }
                    .to_lowercase();
                    let from = self
                        .sorted
                        .partition_point(|(a, _)| a.as_str() < start.as_str());
                    let range = self.sorted.get(from..).unwrap_or_default();
                    for (_, j) in range.iter().take_while(|(a, _)| a.starts_with(&start)) {
                        let j = *j;
                        if !bits.has(j)
                            && self
                                .parsed
                                .get(j)
                                .is_some_and(|r| e.pattern_may_apply(k, r))
                        {
                            bits.set(j);
                        }
                    }
                }
            }
        }
        bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(json: &str) -> ResourceElement {
        let doc = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":{json}}}]}}"#
        );
        let p = phiward_policy::parse_policy(&doc, phiward_policy::PolicyKind::Identity).unwrap();
        p.statements[0].resource.clone().unwrap()
    }

    #[test]
    fn agrees_with_may_apply_to() {
        let arns = [
            "arn:aws:iam::111122223333:role/app-a",
            "arn:aws:iam::111122223333:role/App-B",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::444455556666:role/app-a",
            "arn:aws:iam::111122223333:role/path/app-c",
        ];
        let t = Targets::new(arns.iter().copied());
        for json in [
            r#""*""#,
            r#""arn:aws:iam::111122223333:role/app-a""#,
            r#""arn:aws:iam::111122223333:role/app-b""#,
            r#""arn:aws:iam::111122223333:role/App-B""#,
            r#"["arn:aws:iam::*:role/app-a", "arn:aws:iam::111122223333:user/*"]"#,
            r#""arn:aws:iam::111122223333:role/*""#,
            r#""arn:aws:IAM::111122223333:role/app-?""#,
            r#""arn:aws:iam::*:role/App-*""#,
            r#""arn:aws:iam::111122223333:role/*/app-c""#,
            r#""arn:aws:iam::111122223333:role/${aws:username}""#,
            r#""arn:aws:iam::${aws:PrincipalAccount}:role/app-a""#,
            r#""arn:aws:iam::${aws:PrincipalAccount}:role/App-*""#,
            r#""arn:aws:iam""#,
        ] {
            let e = element(json);
            let bits = t.named_by(Some(&e));
            for (j, arn) in arns.iter().enumerate() {
                assert_eq!(bits.has(j), e.may_apply_to(arn), "{json} on {arn}");
            }
            assert_eq!(t.named_by(Some(&e)), bits, "memoised");
        }
    }

    #[test]
    fn bits_hold_what_was_set() {
        let mut b = Bits::empty(200);
        for i in [0, 63, 64, 130, 199] {
            b.set(i);
        }
        let ones: Vec<usize> = (0..200).filter(|&i| b.has(i)).collect();
        assert_eq!(ones, vec![0, 63, 64, 130, 199]);
        assert_eq!((0..80).filter(|&i| Bits::full(70).has(i)).count(), 70);
    }
}
