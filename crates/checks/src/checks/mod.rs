//! The catalog: one file per check, listed once here.

use crate::Check;

mod admin_001;
mod admin_002;
mod admin_003;
mod auto_001;
mod auto_002;
pub(crate) mod auto_003;
mod auto_004;
mod cert_001;
mod cert_002;
mod cert_003;
mod key_001;
mod key_002;
mod key_003;
mod key_004;
mod key_005;
mod key_006;
mod log_001;
mod log_002;
mod log_003;
pub(crate) mod log_004;
mod log_005;
mod log_006;
mod log_007;
mod log_008;
mod log_009;
mod log_010;
mod log_011;
mod log_012;
mod log_013;
pub(crate) mod lp_001;
mod lp_002;
mod lp_003;
mod lp_004;
mod lp_005;
mod lp_006;
mod lp_007;
mod lp_008;
mod lp_009;
mod lp_010;
mod lp_011;
mod lp_012;
mod lp_013;
mod lp_014;
mod mfa_001;
mod mfa_002;
mod mfa_003;
mod mfa_004;
mod mfa_005;
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
    &admin_003::CHECK,
    &lp_001::CHECK,
    &lp_002::CHECK,
    &lp_003::CHECK,
    &lp_004::CHECK,
    &lp_005::CHECK,
    &lp_006::CHECK,
    &lp_007::CHECK,
    &lp_008::CHECK,
    &lp_009::CHECK,
    &lp_010::CHECK,
    &lp_011::CHECK,
    &lp_012::CHECK,
    &lp_013::CHECK,
    &lp_014::CHECK,
    &mfa_001::CHECK,
    &mfa_002::CHECK,
    &mfa_003::CHECK,
    &mfa_004::CHECK,
    &mfa_005::CHECK,
    &mfa_006::CHECK,
    &mfa_007::CHECK,
    &key_001::CHECK,
    &key_002::CHECK,
    &key_003::CHECK,
    &key_004::CHECK,
    &key_005::CHECK,
    &key_006::CHECK,
    &log_001::CHECK,
    &log_002::CHECK,
    &log_003::CHECK,
    &log_004::CHECK,
    &log_005::CHECK,
    &log_006::CHECK,
    &log_007::CHECK,
    &log_008::CHECK,
    &log_009::CHECK,
    &log_010::CHECK,
    &log_011::CHECK,
    &log_012::CHECK,
    &log_013::CHECK,
    &cert_001::CHECK,
    &cert_002::CHECK,
    &cert_003::CHECK,
    &auto_001::CHECK,
    &auto_002::CHECK,
    &auto_003::CHECK,
    &auto_004::CHECK,
];
