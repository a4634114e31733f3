//! Reading many files in parallel into per-thread aggregates that are merged at the end.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::event::Event;
use crate::read::{read_file, FileOutcome, Problem};

/// At most this many problems are kept across all files; the rest are counted.
const MAX_PROBLEMS: usize = 1000;

/// What events are folded into: one per worker, merged at the end.
pub trait Sink: Send {
    /// Folds one event in. `out` takes the event's problems (missing fields, ...).
    fn event(&mut self, path: &Path, index: usize, ev: &Event<'_>, out: &mut FileOutcome);
    /// Merges another worker's aggregate into this one.
    fn merge(&mut self, other: Self);
}

/// Two sinks fed by one read of the files (`phiward audit --logs`: detections and usage).
/// Both check some of the same fields; a problem the second reports again for the same
/// record is dropped, so each is said once.
#[derive(Debug)]
pub struct Both<A, B> {
    /// The first sink.
    pub first: A,
    /// The second sink.
    pub second: B,
    scratch: FileOutcome,
}

impl<A, B> Both<A, B> {
    /// The pair.
    pub fn new(first: A, second: B) -> Both<A, B> {
        Both {
            first,
            second,
            scratch: FileOutcome::default(),
        }
    }
}

impl<A: Sink, B: Sink> Sink for Both<A, B> {
    fn event(&mut self, path: &Path, index: usize, ev: &Event<'_>, out: &mut FileOutcome) {
        self.first.event(path, index, ev, out);
        self.second.event(path, index, ev, &mut self.scratch);
        for p in self.scratch.problems.drain(..) {
            let repeated = out
                .problems
                .iter()
                .any(|q| q.record == p.record && q.message == p.message && q.path == p.path);
            if !repeated {
                out.problem(&p.path, p.record, p.message);
            }
        }
        out.more_problems += std::mem::take(&mut self.scratch.more_problems);
    }

    fn merge(&mut self, other: Self) {
        self.first.merge(other.first);
        self.second.merge(other.second);
    }
}

/// The result of [`scan`].
#[derive(Debug)]
pub struct Scanned<S> {
    /// The merged aggregate.
    pub sink: S,
    /// Files read (readable or not).
    pub files: u64,
    /// Records read.
    pub events: u64,
    /// Files and records that were skipped (the first 1,000).
    pub problems: Vec<Problem>,
    /// Problems beyond those kept.
    pub more_problems: u64,
}

impl<S> Scanned<S> {
    fn add(&mut self, o: FileOutcome) {
        self.files += 1;
        self.events += o.events;
        self.more_problems += o.more_problems;
        self.add_problems(o.problems);
    }

    fn add_problems(&mut self, problems: Vec<Problem>) {
        for p in problems {
            if self.problems.len() < MAX_PROBLEMS {
                self.problems.push(p);
            } else {
                self.more_problems += 1;
            }
        }
    }

    fn merge_with(mut self, other: Scanned<S>) -> Scanned<S>
    where
        S: Sink,
    {
        self.sink.merge(other.sink);
        self.files += other.files;
        self.events += other.events;
        self.more_problems += other.more_problems;
        self.add_problems(other.problems);
        self
    }
}

impl<A, B> Scanned<Both<A, B>> {
    /// One result per sink, each with the read's counts and problems.
    pub fn split(self) -> (Scanned<A>, Scanned<B>) {
        let Scanned {
            sink,
            files,
            events,
            problems,
            more_problems,
        } = self;
        let a = Scanned {
            sink: sink.first,
            files,
            events,
            problems: problems.clone(),
            more_problems,
        };
        let b = Scanned {
            sink: sink.second,
            files,
            events,
            problems,
            more_problems,
        };
        (a, b)
    }
}

/// Reads every file in parallel (on the current rayon pool) and folds its events into
/// sinks made by `make`. Problems are sorted by path and record, so runs compare.
pub fn scan<S, M>(paths: &[PathBuf], make: M) -> Scanned<S>
where
    S: Sink,
    M: Fn() -> S + Sync + Send,
{
    let empty = || Scanned {
        sink: make(),
        files: 0,
        events: 0,
        problems: Vec::new(),
        more_problems: 0,
    };
    let mut done = paths
        .par_iter()
        .with_min_len(1)
        .fold(
            || (empty(), Vec::new(), Vec::new()),
            |(mut acc, mut raw, mut buf), path| {
                let mut extra = FileOutcome::default();
                let mut o = read_file(path, &mut raw, &mut buf, |i, ev| {
                    acc.sink.event(path, i, ev, &mut extra);
                });
                o.problems.append(&mut extra.problems);
                o.more_problems += extra.more_problems;
                acc.add(o);
                // Keep the buffers across files unless one file made them huge.
                if buf.capacity() > 256 << 20 {
                    buf = Vec::new();
                }
                (acc, raw, buf)
            },
        )
        .map(|(acc, _, _)| acc)
        .reduce(empty, Scanned::merge_with);
    done.problems
        .sort_by(|a, b| (&a.path, a.record).cmp(&(&b.path, b.record)));
    done
}
