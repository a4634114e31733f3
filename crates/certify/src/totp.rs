//! Time-based one-time passwords (RFC 6238, <https://www.rfc-editor.org/rfc/rfc6238>):
//! HMAC-SHA1 over the number of 30-second steps since the epoch, dynamically truncated
//! to 6 digits (RFC 4226 section 5.3), with secrets in base32 (RFC 4648) as authenticator
//! apps take them.

use hmac::{Hmac, Mac as _};

/// Seconds per step.
pub const STEP: u64 = 30;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buf >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buf << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes base32 (case-insensitive, spaces and padding ignored).
pub fn unbase32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = ALPHABET
            .iter()
            .position(|a| char::from(*a) == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A new random secret (20 bytes, the HMAC-SHA1 key size RFC 4226 recommends), base32.
pub fn new_secret() -> Option<String> {
    let mut b = [0u8; 20];
    getrandom::getrandom(&mut b).ok()?;
    Some(base32(&b))
}

/// The code for step `counter` (RFC 4226 HOTP).
pub fn hotp(key: &[u8], counter: u64) -> String {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = usize::from(h.get(19).copied().unwrap_or(0) & 0xf);
    let word = h
        .get(off..off + 4)
        .map_or(0, |w| u32::from_be_bytes([w[0] & 0x7f, w[1], w[2], w[3]]));
    format!("{:06}", word % 1_000_000)
}

/// The code at Unix time `t`.
pub fn at(secret: &str, t: u64) -> Option<String> {
    Some(hotp(&unbase32(secret)?, t / STEP))
}

/// The code now.
pub fn now(secret: &str) -> Option<String> {
    at(secret, unix_now())
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether `code` is the code at `t`, one step before or one after (clock drift, RFC 6238
/// section 5.2); returns the step it matched so that a code is not accepted twice.
pub fn check(secret: &str, code: &str, t: u64) -> Option<u64> {
    let key = unbase32(secret)?;
    let code = code.trim();
    let step = t / STEP;
    [step, step.saturating_sub(1), step + 1]
        .into_iter()
        .find(|s| subtle::ConstantTimeEq::ct_eq(hotp(&key, *s).as_bytes(), code.as_bytes()).into())
}

/// Whether `code` is valid now.
pub fn check_now(secret: &str, code: &str) -> Option<u64> {
    check(secret, code, unix_now())
}

/// The `otpauth://` URI authenticator apps scan.
pub fn uri(secret: &str, account: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!("otpauth://totp/phiward:{}?secret={secret}&issuer=phiward&algorithm=SHA1&digits=6&period=30", enc(account))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 key "12345678901234567890" (8-digit values, last 6 kept).
    #[test]
    fn matches_rfc_6238_test_vectors() {
        let secret = base32(b"12345678901234567890");
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        for (t, want) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(at(&secret, t).unwrap(), want[2..], "t={t}");
        }
        assert_eq!(unbase32(&secret).unwrap(), b"12345678901234567890");
        assert_eq!(check(&secret, "287082", 59), Some(1));
        assert_eq!(
            check(&secret, "287082", 59 + 30),
            Some(1),
            "one step of drift"
        );
        assert_eq!(check(&secret, "287082", 59 + 90), None);
        assert_eq!(check(&secret, "000000", 59), None);
    }
}
