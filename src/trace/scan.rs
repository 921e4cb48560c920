//! The pass over a trace file: CSV records in, valid orders and issues out.
//!
//! Owns [`Scanner`], shared by the streaming reader (which stops at the first row with an
//! issue) and by validation (which goes to the end and lists every issue), and [`open_csv`],
//! the one CSV configuration (rows of any length, so that a short row is an issue with its
//! line rather than a reader error), and [`field`], which reads a field with the surrounding
//! whitespace trimmed. Records are read into one reused
//! `ByteRecord`; nothing grows with the file except the id fingerprints of [`Grouper`].

use std::fs::File;
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use super::group::{Grouper, Stats};
use super::header::Columns;
use super::issues::Issues;
use super::row::RowParser;
use super::seen::first_lines;
use super::{MAX_LISTED_ISSUES, TraceContext, TraceError, TraceIssue, TraceOrder};

/// Bytes the CSV reader buffers at a time.
const BUFFER_BYTES: usize = 1 << 16;

/// Whether a scan stops at the first row with an issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Stop at the first row with an issue (replay).
    Stream,
    /// Go on to the end, collecting issues (validation).
    Validate,
}

/// A kept issue about a repeated `order_id`, waiting for the file to confirm it.
#[derive(Debug)]
struct Suspect {
    id: Vec<u8>,
    line: u64,
    slot: usize,
}

/// One pass over a trace file.
#[derive(Debug)]
pub struct Scanner<'a> {
    path: PathBuf,
    csv: csv::Reader<File>,
    record: ByteRecord,
    id_column: usize,
    parser: RowParser<'a>,
    grouper: Grouper<'a>,
    issues: Issues,
    suspects: Vec<Suspect>,
    mode: Mode,
    finished: bool,
    /// Issues that ended a stream (kept ones and how many more), returned again by every
    /// later call.
    halted: Option<(Vec<TraceIssue>, u64)>,
}

/// Opens `path` as CSV with the trace settings.
pub fn open_csv(path: &Path) -> Result<csv::Reader<File>, TraceError> {
    let file =
        File::open(path).map_err(|source| TraceError::Io { path: path.to_path_buf(), source })?;
    Ok(csv::ReaderBuilder::new().flexible(true).buffer_capacity(BUFFER_BYTES).from_reader(file))
}

/// Field `index` of `record` without surrounding ASCII whitespace; empty if the record is
/// shorter. (Trimming here, only where a field is read, is cheaper than having the CSV reader
/// rebuild every record trimmed.)
#[inline]
pub fn field(record: &ByteRecord, index: usize) -> &[u8] {
    record.get(index).unwrap_or_default().trim_ascii()
}

impl<'a> Scanner<'a> {
    /// Opens `path` and reads its header.
    pub fn open(path: &Path, ctx: &TraceContext<'a>, mode: Mode) -> Result<Self, TraceError> {
        let invalid = |issues: Vec<TraceIssue>| TraceError::Invalid {
            path: path.to_path_buf(),
            issues,
            more: 0,
        };
        if ctx.cities.is_empty() {
            let message = "the city table is empty, so customers cannot be given a region";
            return Err(invalid(vec![issue(0, "cities", message)]));
        }

        let mut csv = open_csv(path)?;
        let header = csv.byte_headers().map_err(|e| io_error(path, e))?;
        let line = header.position().map_or(1, csv::Position::line);
        let columns = Columns::find(header, line).map_err(invalid)?;

        Ok(Scanner {
            path: path.to_path_buf(),
            csv,
            record: ByteRecord::new(),
            id_column: columns.order_id,
            parser: RowParser::new(ctx.catalog, ctx.network, columns, ctx.start),
            grouper: Grouper::new(ctx.cities.grid(), ctx.network),
            issues: Issues::new(MAX_LISTED_ISSUES),
            suspects: Vec::new(),
            mode,
            finished: false,
            halted: None,
        })
    }

    /// The next valid order, in file order; `None` at the end of the file. In
    /// [`Mode::Stream`] the first row with an issue ends the scan: the order that row closed
    /// (if valid) is still returned, then this and every later call give the error. In
    /// [`Mode::Validate`] invalid orders are skipped and issues collected for
    /// [`Scanner::summary`].
    pub fn next_order(&mut self) -> Result<Option<TraceOrder>, TraceError> {
        loop {
            if let Some((issues, more)) = &self.halted {
                let (issues, more) = (issues.clone(), *more);
                return Err(TraceError::Invalid { path: self.path.clone(), issues, more });
            }
            if self.finished {
                return Ok(None);
            }

            let completed = match self.read_row() {
                Ok(Some(completed)) => completed,
                Ok(None) => self.end_of_file(),
                Err(e) => return Err(self.halt_on_io(e)),
            };
            if self.mode == Mode::Stream && !self.issues.is_empty() {
                self.halt();
            }
            if completed.is_some() {
                return Ok(completed);
            }
        }
    }

    /// Reads and groups one row; `None` at the end of the file, else the order it closed.
    fn read_row(&mut self) -> Result<Option<Option<TraceOrder>>, TraceError> {
        if !self.csv.read_byte_record(&mut self.record).map_err(|e| io_error(&self.path, e))? {
            return Ok(None);
        }
        let line = self.record.position().map_or(0, csv::Position::line);
        let row = self.parser.parse(&self.record, line, &mut self.issues);
        let pushed = self.grouper.push(&row, &mut self.issues);

        if pushed.suspect_repeat {
            self.suspect(line)?;
        }
        Ok(Some(pushed.completed))
    }

    /// Handles an order id whose fingerprint was seen before: confirmed at once when
    /// streaming, after the pass when validating (one reread for all suspects).
    fn suspect(&mut self, line: u64) -> Result<(), TraceError> {
        let id = self.grouper.current_id().to_vec();
        match self.mode {
            Mode::Stream => {
                let found = first_lines(&self.path, self.id_column, &[(id.clone(), line)])?;
                if let Some(earlier) = found[0] {
                    self.issues.push(line, "order_id", repeat_message(&id, earlier));
                }
            }
            Mode::Validate => {
                if let Some(slot) = self.issues.push(line, "order_id", String::new()) {
                    self.suspects.push(Suspect { id, line, slot });
                }
            }
        }
        Ok(())
    }

    /// Marks the end of the file and closes the last order.
    fn end_of_file(&mut self) -> Option<TraceOrder> {
        self.finished = true;
        if self.grouper.stats().rows == 0 {
            self.issues.push(1, "rows", "the trace has a header but no rows".into());
        }
        self.grouper.finish()
    }

    /// Ends a stream on the issues found.
    fn halt(&mut self) {
        let issues = std::mem::replace(&mut self.issues, Issues::new(MAX_LISTED_ISSUES));
        self.halted = Some(issues.into_parts());
    }

    /// Ends the scan on an I/O error; later calls report that reading stopped.
    fn halt_on_io(&mut self, error: TraceError) -> TraceError {
        let message = format!("reading stopped after an earlier error: {error}");
        self.halted = Some((vec![issue(0, "file", &message)], 0));
        error
    }

    /// After the pass: what the trace holds, or every issue found. Suspected repeats of
    /// order ids are confirmed first by one more pass over the file.
    pub fn summary(mut self) -> Result<Stats, TraceError> {
        self.confirm_suspects()?;
        if self.issues.is_empty() {
            Ok(self.grouper.stats())
        } else {
            Err(self.issues.into_error(&self.path))
        }
    }

    fn confirm_suspects(&mut self) -> Result<(), TraceError> {
        if self.suspects.is_empty() {
            return Ok(());
        }
        let wanted: Vec<(Vec<u8>, u64)> =
            self.suspects.iter().map(|s| (s.id.clone(), s.line)).collect();
        let found = first_lines(&self.path, self.id_column, &wanted)?;

        let mut cleared = Vec::new();
        for (suspect, earlier) in self.suspects.iter().zip(found) {
            match (earlier, self.issues.get_mut(suspect.slot)) {
                (Some(earlier), Some(kept)) => kept.message = repeat_message(&suspect.id, earlier),
                _ => cleared.push(suspect.slot),
            }
        }
        self.issues.withdraw(&cleared);
        Ok(())
    }
}

fn repeat_message(id: &[u8], earlier: u64) -> String {
    format!(
        "order_id {:?} was already used by the order on line {earlier}; the rows of an order \
         must be adjacent",
        String::from_utf8_lossy(id)
    )
}

fn issue(line: u64, field: &str, message: &str) -> TraceIssue {
    TraceIssue { line, field: field.to_string(), message: message.to_string() }
}

/// A CSV reader error as an I/O error about `path` (with byte records and flexible rows,
/// reading fails only on I/O).
fn io_error(path: &Path, error: csv::Error) -> TraceError {
    TraceError::Io { path: path.to_path_buf(), source: error.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::testkit::{HEADER, World};

    const TWO_ORDERS: &str = "A,0,web,40.7,-74,tee,1,\nB,0,web,40.7,-74,tee,1,\n";

    #[test]
    fn suspects_that_are_not_repeats_are_withdrawn() {
        let world = World::new();
        let path = world.write("t.csv", format!("{HEADER}{TWO_ORDERS}"));
        let ctx = world.ctx(None);

        // Pretend B's fingerprint matched an earlier order's: a collision, not a repeat.
        let mut scanner = Scanner::open(&path, &ctx, Mode::Validate).unwrap();
        while scanner.next_order().unwrap().is_some() {}
        let slot = scanner.issues.push(3, "order_id", String::new()).unwrap();
        scanner.suspects.push(Suspect { id: b"B".to_vec(), line: 3, slot });
        assert_eq!(scanner.summary().unwrap().orders, 2);

        // The same for A at line 3 is a real repeat.
        let mut scanner = Scanner::open(&path, &ctx, Mode::Validate).unwrap();
        while scanner.next_order().unwrap().is_some() {}
        let slot = scanner.issues.push(3, "order_id", String::new()).unwrap();
        scanner.suspects.push(Suspect { id: b"A".to_vec(), line: 3, slot });
        let err = scanner.summary().unwrap_err();
        assert!(err.to_string().contains("already used by the order on line 2"), "{err}");
    }

    #[test]
    fn a_stream_clears_a_collision_and_goes_on() {
        let world = World::new();
        let path = world.write("t.csv", format!("{HEADER}{TWO_ORDERS}"));
        let ctx = world.ctx(None);
        let mut scanner = Scanner::open(&path, &ctx, Mode::Stream).unwrap();

        assert_eq!(scanner.next_order().unwrap().map(|o| o.line), Some(2));
        scanner.suspect(3).unwrap();
        assert!(scanner.issues.is_empty());
        assert_eq!(scanner.next_order().unwrap().map(|o| o.line), Some(3));
        assert_eq!(scanner.next_order().unwrap(), None);
    }
}
