//! Whether one statement certainly applies to every request another applies to.
//!
//! Used by the redundant- and shadowed-statement rules, which must never report a
//! statement that is only probably covered: every comparison here answers `true` only
//! when containment is certain (equal patterns, `*`, or a `prefix*` pattern covering a
//! pattern that starts with the prefix).

use phiward_policy::document::PrincipalId;
use phiward_policy::document::{PrincipalElement, PrincipalSpec, ResourceElement};
use phiward_policy::Statement;

use phiward_policy::document::ActionElement;

use crate::actions::element_covers;
use crate::globs::resource_covers;

/// Whether `a` (unconditional) applies to every request `b` applies to, whatever `b`'s
/// conditions say.
pub(crate) fn covers(a: &Statement, aa: &ActionElement, b: &Statement, ba: &ActionElement) -> bool {
    a.conditions.is_empty()
        && element_covers(aa, ba)
        && resources_cover(a.resource.as_ref(), b.resource.as_ref())
        && principals_cover(a.principal.as_ref(), b.principal.as_ref())
}

fn resources_cover(a: Option<&ResourceElement>, b: Option<&ResourceElement>) -> bool {
    match (a, b) {
        // Both apply to the resource the policy is attached to.
        (None, None) => true,
        (Some(a), Some(b)) => {
            !a.negated
                && !b.negated
                && b.list
                    .items
                    .iter()
                    .all(|y| a.list.items.iter().any(|x| resource_covers(x, y)))
        }
        _ => false,
    }
}

fn everyone(spec: &PrincipalSpec) -> bool {
    match spec {
        PrincipalSpec::Wildcard => true,
        PrincipalSpec::Map(entries) => entries
            .iter()
            .any(|e| e.ids.contains(&PrincipalId::Everyone)),
    }
}

fn principals_cover(a: Option<&PrincipalElement>, b: Option<&PrincipalElement>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) if !a.negated && !b.negated => {
            if everyone(&a.spec) {
                return true;
            }
            let (PrincipalSpec::Map(am), PrincipalSpec::Map(bm)) = (&a.spec, &b.spec) else {
                return false;
            };
            bm.iter().all(|be| {
                be.ids.iter().all(|id| {
                    am.iter()
                        .any(|ae| ae.kind == be.kind && ae.ids.contains(id))
                })
            })
        }
        _ => false,
    }
}
