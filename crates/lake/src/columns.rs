//! Reading an answer's columns whatever Arrow type the engine chose for them.
//!
//! DataFusion reads the lake's strings as `Utf8View` (and may hand back `Utf8`,
//! `LargeUtf8` or a dictionary after a plan's own casts). [`Texts`] reads all of them in
//! place: casting a view column to `Utf8` would copy every string of the window, which was
//! a visible share of `trail usage` on the lake.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, LargeStringArray, RecordBatch, StringArray,
    StringViewArray, TimestampMillisecondArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, TimeUnit, UInt64Type};

use crate::error::LakeError;

/// A string column, read in place when it is a plain or view string column.
pub(crate) enum Texts<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
    /// Any other type, cast to `Utf8` (a copy).
    Cast(StringArray),
}

impl<'a> Texts<'a> {
    /// Reads `a` as strings.
    pub(crate) fn of(a: &'a ArrayRef) -> Result<Texts<'a>, LakeError> {
        Ok(match a.data_type() {
            DataType::Utf8 => Texts::Utf8(a.as_string::<i32>()),
            DataType::LargeUtf8 => Texts::Large(a.as_string::<i64>()),
            DataType::Utf8View => Texts::View(a.as_string_view()),
            _ => Texts::Cast(
                cast(a, &DataType::Utf8)
                    .map_err(|e| LakeError::Query(e.to_string()))?
                    .as_string::<i32>()
                    .clone(),
            ),
        })
    }

    /// Row `i`'s string (`""` when null).
    pub(crate) fn value(&self, i: usize) -> &str {
        match self {
            Texts::Utf8(a) => a.value(i),
            Texts::Large(a) => a.value(i),
            Texts::View(a) => a.value(i),
            Texts::Cast(a) => a.value(i),
        }
    }

    /// Row `i`'s string, `None` when null.
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let null = match self {
            Texts::Utf8(a) => a.is_null(i),
            Texts::Large(a) => a.is_null(i),
            Texts::View(a) => a.is_null(i),
            Texts::Cast(a) => a.is_null(i),
        };
        (!null).then(|| self.value(i))
    }
}

/// A column of an answer, by name.
pub(crate) fn column<'a>(b: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef, LakeError> {
    b.column_by_name(name)
        .ok_or_else(|| LakeError::Query(format!("the answer has no column `{name}`")))
}

/// A string column of an answer, by name.
pub(crate) fn text<'a>(b: &'a RecordBatch, name: &str) -> Result<Texts<'a>, LakeError> {
    Texts::of(column(b, name)?)
}

pub(crate) fn times(b: &RecordBatch, name: &str) -> Result<TimestampMillisecondArray, LakeError> {
    let c = cast(
        column(b, name)?,
        &DataType::Timestamp(TimeUnit::Millisecond, None),
    )
    .map_err(|e| LakeError::Query(e.to_string()))?;
    Ok(c.as_primitive().clone())
}

/// An integer column (nulls read as 0).
pub(crate) fn ints(b: &RecordBatch, name: &str) -> Result<Vec<u64>, LakeError> {
    let c =
        cast(column(b, name)?, &DataType::UInt64).map_err(|e| LakeError::Query(e.to_string()))?;
    let a = c.as_primitive::<UInt64Type>();
    Ok((0..a.len())
        .map(|i| if a.is_null(i) { 0 } else { a.value(i) })
        .collect())
}

pub(crate) fn bools(b: &RecordBatch, name: &str) -> Result<BooleanArray, LakeError> {
    let c =
        cast(column(b, name)?, &DataType::Boolean).map_err(|e| LakeError::Query(e.to_string()))?;
    Ok(c.as_boolean().clone())
}

/// A list-of-strings column, one `Vec` per row (empty when null; null items left out).
pub(crate) fn lists(b: &RecordBatch, name: &str) -> Result<Vec<Vec<String>>, LakeError> {
    let c = column(b, name)?;
    // A plain list is read in place; another kind (large, view) is cast to one first.
    let cast_list;
    let l = match c.data_type() {
        DataType::List(_) => c.as_list::<i32>(),
        _ => {
            let to = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
            cast_list = cast(c, &to).map_err(|e| LakeError::Query(format!("`{name}`: {e}")))?;
            cast_list.as_list::<i32>()
        }
    };
    let values = Texts::of(l.values())?;
    let offsets = l.value_offsets();
    Ok((0..l.len())
        .map(|i| {
            if l.is_null(i) {
                return Vec::new();
            }
            (offsets[i] as usize..offsets[i + 1] as usize)
                .filter_map(|j| values.get(j).map(str::to_string))
                .collect()
        })
        .collect())
}
