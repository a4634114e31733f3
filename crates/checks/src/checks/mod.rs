//! The catalog: one file per check, each listed once in the table below, in report
//! order. Adding a check is one file under `checks/` (named `area_NNN_meaning.rs`, with
//! its `CHECK`), one pass and one fail fixture under `tests/fixtures/checks/ID/`, and one
//! line here (see `docs/adding-a-check.md`).

use crate::Check;

/// Declares each check's module and lists its `CHECK` in [`CHECKS`], in the order given.
macro_rules! checks {
    ($($name:ident,)+) => {
        $(mod $name;)+

        /// Every check, in report order.
        pub static CHECKS: &[&Check] = &[$(&$name::CHECK,)+];
    };
}

checks! {
    root_001_root_mfa,
    root_002_root_keys,
    root_003_root_unused,
    root_004_root_certificates,
    admin_001_two_or_three_admins,
    admin_002_admins_use_roles,
    admin_003_permissions_through_groups,
    lp_001_full_access,
    lp_002_service_wildcards,
    lp_003_escalation,
    lp_004_phi_readers,
    lp_005_phi_bucket_exposure,
    lp_006_phi_bucket_network,
    lp_007_phi_bucket_tls,
    lp_008_unused_permissions,
    lp_009_inactive_principals,
    lp_010_not_action_allow,
    lp_011_external_id,
    lp_012_audit_roles_read_only,
    lp_013_oidc_subject,
    lp_014_service_source,
    mfa_001_console_mfa,
    mfa_002_admin_mfa,
    mfa_003_assume_role_mfa,
    mfa_004_federated_sign_in,
    mfa_005_break_glass_passwords,
    mfa_006_password_policy,
    mfa_007_mfa_bool_if_exists,
    key_001_keys_rotated,
    key_002_rotation_overlap,
    key_003_unused_keys,
    key_004_keys_at_setup,
    key_005_secrets_rotate,
    key_006_unused_passwords,
    log_001_multi_region_trail,
    log_002_log_file_validation,
    log_003_trail_kms,
    log_004_log_bucket_writers,
    log_005_log_bucket_private,
    log_006_cis_alarms,
    log_007_delivery_notified,
    log_008_config_recorder,
    log_009_stop_logging,
    log_010_trail_cloudwatch,
    log_011_retention,
    log_012_phi_data_events,
    log_013_trail_activity,
    cert_001_principal_owner,
    cert_002_recertified,
    cert_003_contract_end,
    auto_001_pass_role_named_roles,
    auto_002_cloudformation_role_escalation,
    auto_003_compute_roles_change_iam,
    auto_004_automation_policy_editors,
}
