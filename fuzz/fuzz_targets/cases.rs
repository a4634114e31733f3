//! Any text as a case file: parsing and deciding every case never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use phiward_policy::cases::parse_cases;
use phiward_policy::evaluate;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cases) = parse_cases(text) {
        for c in cases.iter().flatten() {
            let _ = evaluate(&c.policies, &c.request);
        }
    }
});
