//! The catalog: one file per check, listed once here.

use crate::Check;

mod admin_001;
mod admin_002;
mod auto_001;
mod auto_002;
mod cert_001;
mod key_001;
mod key_003;
mod log_001;
mod log_002;
mod log_008;
mod log_010;
mod lp_003;
mod lp_005;
mod lp_006;
mod lp_007;
mod lp_009;
mod lp_010;
mod lp_011;
mod mfa_001;
mod mfa_006;
mod mfa_007;
mod root_001;
mod root_002;
mod root_003;
mod root_004;

/// Every check, in report order.
pub static CHECKS: &[&Check] = &[
    &root_001::CHECK,
    &root_002::CHECK,
    &root_003::CHECK,
    &root_004::CHECK,
    &admin_001::CHECK,
    &admin_002::CHECK,
    &lp_003::CHECK,
    &lp_005::CHECK,
    &lp_006::CHECK,
    &lp_007::CHECK,
    &lp_009::CHECK,
    &lp_010::CHECK,
    &lp_011::CHECK,
    &mfa_001::CHECK,
    &mfa_006::CHECK,
    &mfa_007::CHECK,
    &key_001::CHECK,
    &key_003::CHECK,
    &log_001::CHECK,
    &log_002::CHECK,
    &log_008::CHECK,
    &log_010::CHECK,
    &cert_001::CHECK,
    &auto_001::CHECK,
    &auto_002::CHECK,
];
