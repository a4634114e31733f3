use super::Ctx;
use crate::Snapshot;
pub(super) fn import(_ctx: &mut Ctx, _snap: &mut Snapshot) {}
