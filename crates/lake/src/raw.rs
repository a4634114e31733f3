//! The text of each record, for the lake's `raw` column, indexed as `phiward_trail`'s
//! reader indexes records: position in a `{"Records": [...]}` document (or a bare array),
//! else line number in JSON lines. This is a split of the document into records, not a
//! reading of events: the events themselves come from `phiward_trail::read`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Each record's text by its index (`None` where no record starts at an index).
pub(crate) fn records(bytes: &[u8]) -> Vec<Option<&str>> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let mut state = Doc {
        seen: false,
        records: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    // A syntax error ends the document: the records before it stay, as in the reader.
    let _partial = DocSeed(&mut state).deserialize(&mut de);
    if state.seen {
        return state.records.into_iter().map(|r| Some(r.get())).collect();
    }
    text.split('\n')
        .map(|line| {
            let l = line.trim();
            (!l.is_empty()).then_some(l)
        })
        .collect()
}

struct Doc<'de> {
    seen: bool,
    records: Vec<&'de RawValue>,
}

struct DocSeed<'s, 'de>(&'s mut Doc<'de>);

impl<'de> DeserializeSeed<'de> for DocSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CloudTrail log document")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.0.seen = true;
        RecordsSeed(&mut *self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "Records" {
                self.0.seen = true;
                map.next_value_seed(RecordsSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct RecordsSeed<'s, 'de>(&'s mut Doc<'de>);

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(r) = seq.next_element::<&'de RawValue>()? {
            self.0.records.push(r);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_lines_and_broken_documents() {
        let d = br#"{"Records":[{"a":1}, {"b":[2]}]}"#;
        assert_eq!(records(d), [Some(r#"{"a":1}"#), Some(r#"{"b":[2]}"#)]);
        let l = b"{\"a\":1}\n\n{\"b\":2}\n";
        assert_eq!(
            records(l),
            [Some("{\"a\":1}"), None, Some("{\"b\":2}"), None]
        );
        let broken = br#"{"Records":[{"a":1},{"b""#;
        assert_eq!(records(broken), [Some(r#"{"a":1}"#)]);
        assert_eq!(records(b"[{\"a\":1}]"), [Some("{\"a\":1}")]);
    }
}
