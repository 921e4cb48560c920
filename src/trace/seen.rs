//! Which order ids a trace has used, in little memory, and where an id was first used.
//!
//! Owns [`SeenIds`], a set of 64-bit fingerprints of ids (10 to 20 bytes per order, against
//! several times that for the ids themselves), and [`first_lines`], which rereads the file to
//! find where suspect ids first appeared. A fingerprint match between different ids is
//! possible (about one chance in 30 million for a trace of a million orders), so a match is
//! only a suspicion until [`first_lines`] confirms it. Reads the trace file only through the CSV
//! reader that `scan` configures.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use csv::ByteRecord;

use super::TraceError;
use super::scan::{field, open_csv};

/// A set of order-id fingerprints.
#[derive(Debug, Default)]
pub struct SeenIds {
    fingerprints: HashSet<u64, BuildHasherDefault<PassThrough>>,
}

impl SeenIds {
    /// An empty set.
    pub fn new() -> Self {
        SeenIds::default()
    }

    /// Records `id`; `false` if its fingerprint was recorded before (the id itself may or
    /// may not have been).
    pub fn insert(&mut self, id: &[u8]) -> bool {
        self.fingerprints.insert(fingerprint(id))
    }
}

/// A 64-bit fingerprint of `id`: FNV-1a over the bytes, then a final mix so that every bit
/// of the result depends on every input bit (the hash set uses the value as its hash).
pub fn fingerprint(id: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in id {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash ^= id.len() as u64;

    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// A hasher for values that are already well-mixed 64-bit fingerprints.
#[derive(Clone, Copy, Debug, Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// For each `(id, before)` in `wanted`, the first file line, before line `before`, of a row
/// whose order id (column `column`) is exactly `id`; `None` where there is none. One pass
/// over the file, stopping at the last `before`.
pub fn first_lines(
    path: &Path,
    column: usize,
    wanted: &[(Vec<u8>, u64)],
) -> Result<Vec<Option<u64>>, TraceError> {
    let mut found = vec![None; wanted.len()];
    let mut by_id: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for (index, (id, _)) in wanted.iter().enumerate() {
        by_id.entry(id.as_slice()).or_default().push(index);
    }
    let stop = wanted.iter().map(|&(_, before)| before).max().unwrap_or(0);

    let mut csv = open_csv(path)?;
    let mut record = ByteRecord::new();
    let io = |e: csv::Error| TraceError::Io { path: path.to_path_buf(), source: e.into() };
    while csv.read_byte_record(&mut record).map_err(io)? {
        let line = record.position().map_or(0, csv::Position::line);
        if line >= stop {
            break;
        }
        let Some(indices) = by_id.get(field(&record, column)) else { continue };
        for &index in indices {
            if found[index].is_none() && line < wanted[index].1 {
                found[index] = Some(line);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn fingerprints_differ_for_close_ids() {
        let ids: Vec<String> = (0..100_000).map(|i| format!("ORD-{i:06}")).collect();
        let mut seen = SeenIds::new();
        assert!(ids.iter().all(|id| seen.insert(id.as_bytes())));
        assert!(!seen.insert(b"ORD-000042"));
        assert_ne!(fingerprint(b""), fingerprint(b"\0"));
        assert_ne!(fingerprint(b"ab"), fingerprint(b"ba"));
    }

    #[test]
    fn first_lines_look_only_before_the_limit() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let text = "order_id,x\nA,1\nB,1\nA,2\nC,1\nB,2\n";
        file.write_all(text.as_bytes()).unwrap();

        let wanted =
            vec![(b"A".to_vec(), 4), (b"B".to_vec(), 6), (b"C".to_vec(), 6), (b"A".to_vec(), 2)];
        let found = first_lines(file.path(), 0, &wanted).unwrap();
        assert_eq!(found, [Some(2), Some(3), Some(5), None]);
    }
}
