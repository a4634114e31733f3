//! The embedded catalog's text format, written by `cargo xtask catalog`.
//!
//! One record per line, fields separated by tabs, lists by commas:
//!
//! ```text
//! phiward-catalog <TAB> 1                              format version
//! source <TAB> package <TAB> version <TAB> date          one line per upstream source
//! S <TAB> prefix <TAB> service name <TAB> 0|1           a service; 1 = RCPs apply to it
//! K <TAB> key <TAB> type                                the service's condition keys
//! R <TAB> name <TAB> arn-format[ arn-format] <TAB> keys  its resource types
//! A <TAB> Name <TAB> levels <TAB> types <TAB> keys <TAB> dependent actions
//! ```
//!
//! `K`, `R` and `A` lines follow their `S` line. Keys and resource types are referenced by
//! their index among the service's `K` and `R` lines; a required resource type carries a
//! `!` (`3!`). Levels are letters in AWS's order: `L`ist, `R`ead, `W`rite,
//! `P`ermissions management, `T`agging (`TW` = "Tagging, Write").

use std::borrow::Cow;
use std::ops::Range;

use crate::{AccessLevel, Catalog, KeyType, LoadError, Source, Span};
use crate::{ActionData, KeyData, ResourceTypeData, ServiceData};

/// The format version this build reads.
pub const FORMAT_VERSION: &str = "1";

/// At most this many fields on a line.
const MAX_FIELDS: usize = 6;

pub(crate) fn parse(text: Cow<'static, str>) -> Result<Catalog, LoadError> {
    let mut c = Catalog::empty(Cow::Borrowed(""));
    // Work on a borrowed view of the text, then hand the text to the catalog: spans are
    // offsets, so they survive the move.
    let owned = text;
    let t: &str = &owned;
    let base = t.as_ptr() as usize;
    let span = |s: &str| -> Result<Span, ()> {
        let start = (s.as_ptr() as usize).checked_sub(base).ok_or(())?;
        Ok(Span {
            start: u32::try_from(start).map_err(|_| ())?,
            len: u32::try_from(s.len()).map_err(|_| ())?,
        })
    };
    let mut lines = t.lines().enumerate();
    match lines.next() {
        Some((_, l)) if l.strip_prefix("phiward-catalog\t") == Some(FORMAT_VERSION) => {}
        _ => return Err(LoadError::Format { line: 1 }),
    }
    c.actions.reserve(t.len() / 48);
    c.lower.reserve(t.len() / 2);
    let mut key_base = 0usize;
    let mut rt_base = 0usize;
    for (i, line) in lines {
        let bad = |_| LoadError::Format { line: i + 1 };
        let mut f = [""; MAX_FIELDS];
        let mut n = 0;
        let mut fields = line.split('\t');
        for (slot, field) in f.iter_mut().zip(&mut fields) {
            *slot = field;
            n += 1;
        }
        if fields.next().is_some() {
            return Err(bad(()));
        }
        match (f[0], n) {
            ("source", 4) => c.sources.push(Source {
                package: f[1].into(),
                version: f[2].into(),
                date: f[3].into(),
            }),
            ("S", 4) => {
                key_base = c.keys.len();
                rt_base = c.resource_types.len();
                let a = u32::try_from(c.actions.len()).map_err(|_| bad(()))?;
                let k = u32::try_from(key_base).map_err(|_| bad(()))?;
                let r = u32::try_from(rt_base).map_err(|_| bad(()))?;
                c.services.push(ServiceData {
                    prefix: span(f[1]).map_err(bad)?,
                    name: span(f[2]).map_err(bad)?,
                    rcp: f[3] == "1",
                    actions: a..a,
                    keys: k..k,
                    resource_types: r..r,
                });
            }
            ("K", 3) => {
                let s = c.services.last_mut().ok_or(()).map_err(bad)?;
                s.keys.end += 1;
                c.keys.push(KeyData {
                    name: span(f[1]).map_err(bad)?,
                    key_type: KeyType::parse(f[2]),
                });
            }
            ("R", 4) => {
                let service = c.services.len().checked_sub(1).ok_or(()).map_err(bad)?;
                let key_end = c.services.last().map_or(0, |s| s.keys.end as usize);
                let keys = push_ids(&mut c.id_pool, f[3], key_base, key_end).map_err(bad)?;
                let s = c.services.last_mut().ok_or(()).map_err(bad)?;
                s.resource_types.end += 1;
                c.resource_types.push(ResourceTypeData {
                    service: u32::try_from(service).map_err(|_| bad(()))?,
                    name: span(f[1]).map_err(bad)?,
                    arn_formats: span(f[2]).map_err(bad)?,
                    keys,
                });
            }
            ("A", 6) => {
                let service = c.services.len().checked_sub(1).ok_or(()).map_err(bad)?;
                let (key_end, rt_end) = c.services.last().map_or((0, 0), |s| {
                    (s.keys.end as usize, s.resource_types.end as usize)
                });
                if f[2].is_empty() || !f[2].chars().all(|l| AccessLevel::from_code(l).is_some()) {
                    return Err(bad(()));
                }
                let types = push_types(&mut c.type_pool, f[3], rt_base, rt_end).map_err(bad)?;
                let keys = push_ids(&mut c.id_pool, f[4], key_base, key_end).map_err(bad)?;
                let start = u32::try_from(c.lower.len()).map_err(|_| bad(()))?;
                c.lower
                    .extend(f[1].chars().map(|ch| ch.to_ascii_lowercase()));
                let lower = Span {
                    start,
                    len: u32::try_from(f[1].len()).map_err(|_| bad(()))?,
                };
                let s = c.services.last_mut().ok_or(()).map_err(bad)?;
                s.actions.end += 1;
                c.actions.push(ActionData {
                    service: u32::try_from(service).map_err(|_| bad(()))?,
                    name: span(f[1]).map_err(bad)?,
                    lower,
                    levels: span(f[2]).map_err(bad)?,
                    resource_types: types,
                    keys,
                    dependent: span(f[5]).map_err(bad)?,
                });
            }
            _ => return Err(bad(())),
        }
    }
    c.text = owned;
    c.index()?;
    Ok(c)
}

fn pool_range(start: usize, end: usize) -> Result<Range<u32>, ()> {
    Ok(u32::try_from(start).map_err(|_| ())?..u32::try_from(end).map_err(|_| ())?)
}

/// Appends comma-separated local indices, made global and checked against the
/// service's range, to the pool.
fn push_ids(pool: &mut Vec<u32>, list: &str, base: usize, end: usize) -> Result<Range<u32>, ()> {
    let start = pool.len();
    for k in list.split(',').filter(|k| !k.is_empty()) {
        let id = base + k.parse::<usize>().map_err(|_| ())?;
        if id >= end {
            return Err(());
        }
        pool.push(u32::try_from(id).map_err(|_| ())?);
    }
    pool_range(start, pool.len())
}

/// Like [`push_ids`] for resource types, a trailing `!` marking a required one.
fn push_types(
    pool: &mut Vec<(u32, bool)>,
    list: &str,
    base: usize,
    end: usize,
) -> Result<Range<u32>, ()> {
    let start = pool.len();
    for t in list.split(',').filter(|t| !t.is_empty()) {
        let (idx, required) = match t.strip_suffix('!') {
            Some(idx) => (idx, true),
            None => (t, false),
        };
        let id = base + idx.parse::<usize>().map_err(|_| ())?;
        if id >= end {
            return Err(());
        }
        pool.push((u32::try_from(id).map_err(|_| ())?, required));
    }
    pool_range(start, pool.len())
}
