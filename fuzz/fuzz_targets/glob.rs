//! The wildcard matcher agrees with the quadratic reference matcher.
#![no_main]

use libfuzzer_sys::fuzz_target;
use phiward_policy::glob::{reference_match, Glob};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Some((pattern, text)) = s.split_once('\n') else {
        return;
    };
    if pattern.len() > 300 || text.len() > 300 {
        return;
    }
    assert_eq!(Glob::plain(pattern).is_match(text), reference_match(pattern, text), "{pattern:?} {text:?}");
});
