//! Every command's output, one renderer per format and file: the audit report (text,
//! JSON, SARIF, CSV, ASFF, OCSF, HTML), lint findings, who-can and can, paths, the access
//! report and CloudTrail usage. The findings themselves are `phiward_findings`'; this
//! crate only draws them.

pub mod access;
pub mod access_report;
pub mod asff;
pub mod aws;
pub mod csv;
pub mod fix;
pub mod html;
pub mod iac;
pub mod json;
pub mod lint;
pub mod ocsf;
pub mod page;
pub mod paths;
pub mod sarif;
pub mod text;
pub mod trail;
