//! Writing Parquet: zstd, row groups of a useful size, statistics on every column (so
//! that time and principal filters skip row groups), and a Bloom filter on `principal`.
//! A file is written under a temporary name and renamed into place when complete, so a
//! query never reads half a file.

use std::fs::File;
use std::path::{Path, PathBuf};

use datafusion::arrow::array::RecordBatch;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
use datafusion::parquet::schema::types::ColumnPath;

use crate::error::LakeError;
use crate::schema::file_schema;

/// How to write files.
#[derive(Clone, Copy, Debug)]
pub struct WriteOptions {
    /// Row groups are cut past this many bytes (encoded, before compression).
    pub row_group_bytes: usize,
    /// zstd level.
    pub zstd_level: i32,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            row_group_bytes: 256 << 20,
            zstd_level: 3,
        }
    }
}

fn props(o: WriteOptions) -> Result<WriterProperties, String> {
    let level = ZstdLevel::try_new(o.zstd_level).map_err(|e| e.to_string())?;
    Ok(WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_max_row_group_row_count(None)
        .set_max_row_group_bytes(Some(o.row_group_bytes.max(1)))
        .set_statistics_enabled(EnabledStatistics::Page)
        // The record itself is read whole or not at all: statistics on it are waste.
        .set_column_statistics_enabled(ColumnPath::from("raw"), EnabledStatistics::None)
        .set_column_bloom_filter_enabled(ColumnPath::from("principal"), true)
        .build())
}

/// Writes batches to `path` (through `path.tmp`). Returns the file's size.
pub(crate) fn write(
    path: &Path,
    batches: &[RecordBatch],
    o: WriteOptions,
) -> Result<u64, LakeError> {
    let fail = |detail: String| LakeError::Parquet {
        path: path.to_path_buf(),
        detail,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(LakeError::io(dir))?;
    }
    let tmp = PathBuf::from(format!("{}.tmp", path.display()));
    let f = File::create(&tmp).map_err(LakeError::io(&tmp))?;
    let mut w = ArrowWriter::try_new(f, file_schema(), Some(props(o).map_err(fail)?))
        .map_err(|e| fail(e.to_string()))?;
    for b in batches {
        w.write(b).map_err(|e| fail(e.to_string()))?;
    }
    w.close().map_err(|e| fail(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(LakeError::io(path))?;
    let size = std::fs::metadata(path).map_err(LakeError::io(path))?.len();
    Ok(size)
}

/// Reads a lake file back (to merge small files of a partition into one).
pub(crate) fn read(path: &Path) -> Result<Vec<RecordBatch>, LakeError> {
    let fail = |detail: String| LakeError::Parquet {
        path: path.to_path_buf(),
        detail,
    };
    let f = File::open(path).map_err(LakeError::io(path))?;
    let r = ParquetRecordBatchReaderBuilder::try_new(f)
        .map_err(|e| fail(e.to_string()))?
        .with_batch_size(64 * 1024)
        .build()
        .map_err(|e| fail(e.to_string()))?;
    r.map(|b| b.map_err(|e| fail(e.to_string()))).collect()
}
