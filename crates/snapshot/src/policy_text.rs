//! Policy documents kept as their source text.
//!
//! The policy engine parses documents itself so that its findings can point at a line
//! and column of the policy; the snapshot therefore keeps the text, not a parsed form.
//! The IAM API returns URL-encoded strings, the AWS CLI returns decoded JSON objects, and
//! S3, KMS and Organizations return JSON documents inside a JSON string: all three read to
//! the plain document text.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

/// The text of one policy document, decoded from URL-encoding when it was encoded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicyText(String);

impl PolicyText {
    /// Takes a document's text, decoding it when it is URL-encoded.
    pub fn from_source(text: impl Into<String>) -> Self {
        let text = text.into();
        match phiward_policy::parse::url_decode(&text) {
            Some(decoded) => PolicyText(decoded),
            None => PolicyText(text),
        }
    }

    /// The document text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses the document with the policy engine, keeping positions.
    pub fn parse(
        &self,
        kind: phiward_policy::PolicyKind,
    ) -> Result<phiward_policy::Policy, phiward_policy::PolicyError> {
        phiward_policy::parse_policy(&self.0, kind)
    }
}

impl Serialize for PolicyText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PolicyText {
    /// Accepts a JSON string (plain or URL-encoded document) or the document itself as a
    /// JSON object, whose exact source text is kept.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <Box<RawValue>>::deserialize(d)?;
        let text = raw.get().trim();
        if text.starts_with('"') {
            let s: String = serde_json::from_str(text).map_err(de::Error::custom)?;
            Ok(PolicyText::from_source(s))
        } else if text.starts_with('{') || text.starts_with('[') {
            Ok(PolicyText(text.to_string()))
        } else {
            Err(de::Error::custom(
                "a policy document must be a JSON object or a string",
            ))
        }
    }
}

impl std::fmt::Display for PolicyText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        doc: PolicyText,
    }

    fn read(json: &str) -> Result<String, serde_json::Error> {
        serde_json::from_str::<Holder>(json).map(|h| h.doc.0)
    }

    #[test]
    fn objects_keep_their_source_text() {
        let doc = r#"{"Version": "2012-10-17",  "Statement": []}"#;
        assert_eq!(read(&format!(r#"{{"doc": {doc}}}"#)).unwrap(), doc);
    }

    #[test]
    fn url_encoded_strings_are_decoded() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            read(&format!(r#"{{"doc": "{enc}"}}"#)).unwrap(),
            r#"{"Version":"2012-10-17","Statement":[]}"#
        );
    }

    #[test]
    fn json_in_a_string_is_kept() {
        assert_eq!(
            read(r#"{"doc": "{\"Statement\": []}"}"#).unwrap(),
            r#"{"Statement": []}"#
        );
    }

    #[test]
    fn numbers_are_not_documents() {
        assert!(read(r#"{"doc": 3}"#).is_err());
        assert!(read(r#"{"doc": true}"#).is_err());
    }
}
