//! Offline import: a folder of raw AWS CLI outputs to a [`Snapshot`].
//!
//! Each export file is read on its own: a file that is missing leaves its part of the
//! snapshot "not collected", a file that cannot be parsed is recorded (with line and
//! column) and leaves its part "not collected" too, and the rest of the import goes on.
//! A file `NAME.error` beside the expected `NAME.json` holds the CLI's error output for
//! a call that failed at export time; AWS's "there is none" answers (such as
//! `NoSuchBucketPolicy`) read as collected and empty.

mod advisor;
mod iam;
mod logging;
mod org;
mod resources;
mod sso;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::calls::Call;
use crate::collection::EntryStatus;
use crate::io::{parse_pages, read_limited, MAX_FILE};
use crate::model::{Source, SourceKind};
use crate::{Collection, Error, Got, NotCollected, Reason, Snapshot};

/// The result of an import: the snapshot, and every file that could not be read.
#[derive(Debug)]
pub struct Loaded {
    /// The snapshot; parts whose files were missing or unreadable are not collected.
    pub snapshot: Snapshot,
    /// Files that exist but could not be read or parsed.
    pub problems: Vec<Error>,
}

/// Top-level folders of the raw-export layout; a folder with none of them is not an export.
pub const EXPORT_FOLDERS: [&str; 13] = [
    "iam",
    "sts",
    "organizations",
    "cloudtrail",
    "s3",
    "s3control",
    "kms",
    "secretsmanager",
    "configservice",
    "cloudwatch",
    "logs",
    "sso-admin",
    "identitystore",
];

/// Whether `dir` looks like a folder of raw exports.
pub fn is_raw_export(dir: &Path) -> bool {
    EXPORT_FOLDERS
        .iter()
        .chain(["sns"].iter())
        .any(|f| dir.join(f).is_dir())
        || dir.join(EXPORT_INFO).is_file()
}

/// The optional file the export script writes with the export time.
pub const EXPORT_INFO: &str = "phiward-export.json";

/// Reads a folder of raw AWS CLI exports (the layout in `docs/snapshot.md`).
///
/// Fails only when the folder itself cannot be read or holds no exports; problems with
/// single files are returned in [`Loaded::problems`] and recorded in the snapshot's
/// collection record.
pub fn load_raw_exports(dir: &Path) -> Result<Loaded, Error> {
    let meta = std::fs::metadata(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() || !is_raw_export(dir) {
        return Err(Error::NotASnapshot {
            path: dir.to_path_buf(),
        });
    }
    let source = Source {
        kind: SourceKind::RawExport,
        origin: dir.display().to_string(),
        tool: concat!("phiward-snapshot ", env!("CARGO_PKG_VERSION")).to_string(),
    };
    let mut snap = Snapshot::new(source, chrono::DateTime::from(std::time::SystemTime::now()));
    let mut ctx = Ctx::new(dir);
    iam::import(&mut ctx, &mut snap);
    org::import(&mut ctx, &mut snap);
    logging::import(&mut ctx, &mut snap);
    resources::import(&mut ctx, &mut snap);
    sso::import(&mut ctx, &mut snap);
    advisor::import(&mut ctx, &mut snap);
    snap.collection = ctx.collection;
    Ok(Loaded {
        snapshot: snap,
        problems: ctx.problems,
    })
}

/// Fills each IAM user's credentials from the snapshot's credential report, as the
/// import does; `phiward collect` joins them the same way so both give equal users.
pub fn join_credentials(snap: &mut Snapshot) {
    iam::join_credentials(snap);
}

/// Paged responses: several documents of one response type merged into one.
pub(crate) trait Pages {
    /// Appends the next page.
    fn merge(&mut self, next: Self);
}

/// Implements [`Pages`] by appending the listed `Vec` fields; with no fields, the last
/// page wins (responses that are not paged).
macro_rules! pages {
    ($t:ty) => {
        impl $crate::import::Pages for $t {
            fn merge(&mut self, next: Self) {
                *self = next;
            }
        }
    };
    ($t:ty: $($f:ident),+) => {
        impl $crate::import::Pages for $t {
            fn merge(&mut self, next: Self) {
                $( self.$f.extend(next.$f); )+
            }
        }
    };
}
pub(crate) use pages;

/// One export file to read.
pub(crate) struct Spec<'a> {
    /// `service:Operation`.
    pub api: &'a str,
    /// Path relative to the export folder.
    pub file: String,
    /// The bucket, trail, key or policy, for per-resource calls.
    pub target: Option<&'a str>,
    /// Error codes meaning "there is none".
    pub absent: &'a [&'a str],
    /// Whether an empty file is a valid (empty) response.
    pub empty_ok: bool,
}

impl<'a> Spec<'a> {
    /// The export file of an account-wide call.
    pub(crate) fn of(call: &'a Call) -> Self {
        Spec::file(call, call.export)
    }

    /// The export file of a call about one resource, in the resource's folder `dir`.
    pub(crate) fn at(call: &'a Call, dir: &str) -> Self {
        Spec::file(call, format!("{dir}/{}", call.export))
    }

    /// The call's answer in `file` (calls whose file names the import builds itself).
    pub(crate) fn file(call: &'a Call, file: impl Into<String>) -> Self {
        Spec {
            api: call.api,
            file: file.into(),
            target: None,
            absent: call.absent,
            empty_ok: false,
        }
    }

    pub(crate) fn target(mut self, t: &'a str) -> Self {
        self.target = Some(t);
        self
    }

    pub(crate) fn empty_ok(mut self) -> Self {
        self.empty_ok = true;
        self
    }
}

/// The largest `.error` file read; CLI error output is a line or two.
const MAX_ERROR_FILE: u64 = 64 * 1024;

pub(crate) struct Ctx {
    root: PathBuf,
    pub collection: Collection,
    pub problems: Vec<Error>,
}

impl Ctx {
    fn new(root: &Path) -> Self {
        Ctx {
            root: root.to_path_buf(),
            collection: Collection::default(),
            problems: Vec::new(),
        }
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Names (without `suffix`) of the files in `rel` ending in `suffix`, sorted.
    pub(crate) fn files(&mut self, rel: &str, suffix: &str) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(self.path(rel)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = rd
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(suffix).map(str::to_string))
            .collect();
        names.sort();
        names
    }

    /// Names of the sub-folders of `rel` (one per bucket, trail or key), sorted.
    pub(crate) fn subdirs(&mut self, rel: &str) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(self.path(rel)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = rd
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }

    pub(crate) fn record(&mut self, spec: &Spec<'_>, status: EntryStatus, error: Option<String>) {
        self.collection
            .record(spec.api, spec.target, Some(&spec.file), status, error);
    }

    /// Records a file that exists but could not be used, and returns why.
    pub(crate) fn unreadable(&mut self, spec: &Spec<'_>, err: Error) -> NotCollected {
        let detail = err.to_string();
        self.record(spec, EntryStatus::Unreadable, Some(detail.clone()));
        self.problems.push(err);
        NotCollected {
            reason: Reason::Unreadable,
            detail,
        }
    }

    /// Reads the raw bytes of an export file; `Err(None)` when AWS said there is none,
    /// `Err(Some(why))` when it is unknown.
    pub(crate) fn bytes(&mut self, spec: &Spec<'_>) -> Result<Vec<u8>, Option<NotCollected>> {
        let path = self.path(&spec.file);
        if path.is_file() {
            return read_limited(&path, MAX_FILE).map_err(|e| Some(self.unreadable(spec, e)));
        }
        let err_path = path.with_extension("error");
        if err_path.is_file() {
            let text = read_limited(&err_path, MAX_ERROR_FILE)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let code = error_code(&text);
            if code.is_some_and(|c| spec.absent.contains(&c)) {
                self.record(spec, EntryStatus::Absent, code.map(str::to_string));
                return Err(None);
            }
            let detail = format!(
                "the export failed: {}",
                crate::dates::clip(
                    text.lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("no error text")
                )
            );
            self.record(spec, EntryStatus::Failed, Some(detail.clone()));
            return Err(Some(NotCollected {
                reason: Reason::Failed,
                detail,
            }));
        }
        let detail = format!("`{}` not found", spec.file);
        self.record(spec, EntryStatus::Missing, None);
        Err(Some(NotCollected {
            reason: Reason::Missing,
            detail,
        }))
    }

    /// Reads one export file: all of its pages, merged.
    pub(crate) fn fetch<T: DeserializeOwned + Pages + Default>(
        &mut self,
        spec: &Spec<'_>,
    ) -> Got<T> {
        let bytes = match self.bytes(spec) {
            Ok(b) => b,
            Err(None) => return Got::Absent,
            Err(Some(n)) => return Got::Not(n),
        };
        let path = self.path(&spec.file);
        let pages: Vec<T> = match parse_pages(&path, &bytes) {
            Ok(p) => p,
            Err(e) => return Got::Not(self.unreadable(spec, e)),
        };
        let mut pages = pages.into_iter();
        let Some(mut first) = pages.next() else {
            if spec.empty_ok {
                self.record(spec, EntryStatus::Collected, None);
                return Got::Data(T::default());
            }
            let e = Error::Invalid {
                path,
                message: "the file is empty".to_string(),
            };
            return Got::Not(self.unreadable(spec, e));
        };
        for p in pages {
            first.merge(p);
        }
        self.record(spec, EntryStatus::Collected, None);
        Got::Data(first)
    }
}

/// The AWS error code in the CLI's message: `An error occurred (NoSuchBucketPolicy) when
/// calling the GetBucketPolicy operation: ...`.
pub(crate) fn error_code(text: &str) -> Option<&str> {
    let start = text.find("An error occurred (")? + "An error occurred (".len();
    let rest = text.get(start..)?;
    rest.get(..rest.find(')')?)
}

/// The account id in an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`).
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    let id = arn.split(':').nth(4)?;
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_come_from_the_cli_message() {
        assert_eq!(
            error_code("\nAn error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist\n"),
            Some("NoSuchBucketPolicy")
        );
        assert_eq!(error_code("Unable to locate credentials"), None);
        assert_eq!(error_code("An error occurred (Unclosed"), None);
    }

    #[test]
    fn account_ids_come_from_arns() {
        assert_eq!(
            arn_account("arn:aws:iam::111122223333:user/a"),
            Some("111122223333")
        );
        assert_eq!(arn_account("arn:aws:s3:::bucket"), None);
        assert_eq!(arn_account("nonsense"), None);
    }
}
