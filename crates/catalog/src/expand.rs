//! Action patterns to concrete actions, and ARNs to resource types.

use phiward_policy::document::ActionMatcher;
use rustc_hash::FxHashMap;

use crate::patterns::{ArnFormat, ArnPattern};
use crate::{Action, Catalog, ResourceType};

impl Catalog {
    /// The actions a pattern names (`s3:Get*`, `*`, `iam:?ut*`), in catalog order.
    ///
    /// AWS: IAM User Guide, "IAM JSON policy elements: Action". The pattern is compiled by
    /// the engine's [`ActionMatcher`], so the expansion is exactly the set of catalog
    /// actions a statement with this pattern matches: the service prefix compares without
    /// wildcards and ignoring case, the action name with `*` and `?`, ignoring case.
    pub fn expand(&self, pattern: &str) -> Vec<Action<'_>> {
        let m = ActionMatcher::new(pattern);
        match &m {
            ActionMatcher::All => self.actions().collect(),
            ActionMatcher::Nothing => Vec::new(),
            ActionMatcher::Service {
                service: prefix,
                glob,
                ..
            } => {
                let Some(service) = self.service(prefix) else {
                    return Vec::new();
                };
                if let Some(lit) = glob.literal() {
                    return self
                        .action(&format!("{prefix}:{lit}"))
                        .into_iter()
                        .collect();
                }
                service
                    .actions()
                    .filter(|a| m.matches(prefix, a.lower_name()))
                    .collect()
            }
        }
    }

    /// The actions any of the patterns names, in catalog order, each once.
    pub fn expand_all<'p>(&self, patterns: impl IntoIterator<Item = &'p str>) -> Vec<Action<'_>> {
        let mut hit = vec![false; self.actions.len()];
        for p in patterns {
            for a in self.expand(p) {
                if let Some(h) = hit.get_mut(a.id as usize) {
                    *h = true;
                }
            }
        }
        self.actions()
            .filter(|a| hit.get(a.id as usize) == Some(&true))
            .collect()
    }

    /// The actions a `NotAction` list leaves: every catalog action none of the patterns
    /// names.
    ///
    /// AWS: IAM User Guide, "IAM JSON policy elements: NotAction": the statement applies
    /// to every action except those listed.
    pub fn complement<'p>(&self, patterns: impl IntoIterator<Item = &'p str>) -> Vec<Action<'_>> {
        let named = self.expand_all(patterns);
        let mut hit = vec![false; self.actions.len()];
        for a in named {
            if let Some(h) = hit.get_mut(a.id as usize) {
                *h = true;
            }
        }
        self.actions()
            .filter(|a| hit.get(a.id as usize) == Some(&false))
            .collect()
    }

    /// The resource types an ARN belongs to.
    ///
    /// Types of the service the ARN names come first: when one matches, types that other
    /// services borrow are left out. A concrete ARN (no `*` or `?`) gets its most specific types: when the formats of
    /// two matching types are parent and child (`arn:${Partition}:s3:::${BucketName}` and
    /// `...:${BucketName}/${ObjectName}`), only the child is kept, since a placeholder may
    /// span `/`. A pattern gets every type it could name. Formats' placeholders stand for
    /// one or more characters; the partition, service, region and account compare one by
    /// one.
    pub fn match_arn(&self, arn: &str) -> Vec<ResourceType<'_>> {
        let Some(service) = arn.split(':').nth(2) else {
            return Vec::new();
        };
        let index = self.arn_index.get_or_init(|| self.build_arn_index());
        let mut ids: Vec<u32> = Vec::new();
        let candidates: Vec<&u32> = if service.contains(['*', '?']) {
            index.values().flatten().collect()
        } else {
            index
                .get(&service.to_ascii_lowercase())
                .into_iter()
                .flatten()
                .collect()
        };
        // The ARN read once for every candidate format.
        let pattern = ArnPattern::new(arn);
        let mut fits: Vec<(u32, &str)> = Vec::new();
        for &id in candidates {
            let rt = ResourceType { cat: self, id };
            for f in rt.arn_formats() {
                if ArnFormat::new(f).fits(&pattern) {
                    fits.push((id, f));
                }
            }
        }
        let concrete = !arn.contains(['*', '?']);
        for &(id, f) in &fits {
            let shadowed = concrete
                && fits
                    .iter()
                    .any(|&(other, g)| other != id && more_specific(g, f));
            if !shadowed && !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids.sort_unstable();
        let types: Vec<ResourceType<'_>> = ids
            .into_iter()
            .map(|id| ResourceType { cat: self, id })
            .collect();
        // Services also list other services' resource types (`ssm` lists S3's `bucket`);
        // the owner's own type is the answer when it matches.
        let owned = |t: &ResourceType<'_>| t.service().prefix().eq_ignore_ascii_case(service);
        if types.iter().any(owned) {
            types.into_iter().filter(owned).collect()
        } else {
            types
        }
    }

    fn build_arn_index(&self) -> FxHashMap<String, Vec<u32>> {
        let mut index: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for i in 0..self.resource_types.len() {
            let Ok(id) = u32::try_from(i) else { break };
            for f in (ResourceType { cat: self, id }).arn_formats() {
                if let Some(s) = f.split(':').nth(2) {
                    let list = index.entry(s.to_ascii_lowercase()).or_default();
                    if !list.contains(&id) {
                        list.push(id);
                    }
                }
            }
        }
        index
    }
}

/// Whether format `child` has all of `parent`'s literal text and more, starting the same
/// way: the parent names a container of the child's resources.
fn more_specific(child: &str, parent: &str) -> bool {
    let (c, p) = (literal_text(child), literal_text(parent));
    c.len() > p.len() && c.starts_with(&p)
}

fn literal_text(format: &str) -> String {
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        rest = match rest.get(start..).and_then(|r| r.find('}')) {
            Some(end) => rest.get(start + end + 1..).unwrap_or(""),
            None => "",
        };
    }
    out.push_str(rest);
    out
}
