//! The wildcard matcher agrees with a reference dynamic-programming matcher.
#![no_main]

use libfuzzer_sys::fuzz_target;
use phiward_policy::glob::{plain_tokens, Glob, Tok};

fn reference(toks: &[Tok], text: &[char]) -> bool {
    let (m, n) = (toks.len(), text.len());
    let mut dp = vec![vec![false; n + 1]; m + 1];
    dp[0][0] = true;
    for i in 1..=m {
        for j in 0..=n {
            dp[i][j] = match toks[i - 1] {
                Tok::Star => dp[i - 1][j] || (j > 0 && dp[i][j - 1]),
                Tok::One => j > 0 && dp[i - 1][j - 1],
                Tok::Lit(c) => j > 0 && dp[i - 1][j - 1] && text[j - 1] == c,
            };
        }
    }
    dp[m][n]
}

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
    let toks = plain_tokens(pattern);
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(Glob::plain(pattern).is_match(text), reference(&toks, &chars), "{pattern:?} {text:?}");
});
