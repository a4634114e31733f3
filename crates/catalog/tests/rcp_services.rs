//! The evaluator's list of services RCPs apply to (`phiward_policy::rcp`) is the catalog's.

use phiward_catalog::Catalog;

#[test]
fn the_evaluators_rcp_services_are_the_catalogs() {
    let cat = Catalog::get().unwrap();
    let mut from_catalog: Vec<String> = cat
        .services()
        .filter(|s| s.rcp_supported())
        .map(|s| s.prefix().to_lowercase())
        .collect();
    from_catalog.sort();
    from_catalog.dedup();
    let in_engine: Vec<String> = phiward_policy::rcp::RCP_SERVICES
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        in_engine, from_catalog,
        "update phiward_policy::rcp::RCP_SERVICES to the catalog's RCP services"
    );
}
