//! Headline figures of a bench, written to `target/bench-figures/<bench>.txt` beside
//! criterion's own reports, so a reader (and `docs/performance.md`) finds events per second,
//! decisions per second and peak memory without digging through criterion's JSON.
//!
//! Owns [`Figures`] (the lines of one bench's file), [`Tally`] (totals of the timed
//! iterations of one benchmark, fed from `iter_custom`) and [`peak_rss_bytes`]. Shared by the
//! bench targets and the M/M/c example through `#[path]`; it touches nothing but its own file.

use std::path::PathBuf;
use std::time::Duration;

/// The lines of one bench's figures file.
pub struct Figures {
    bench: &'static str,
    lines: Vec<String>,
}

impl Figures {
    /// An empty figures file for the bench target `bench`.
    pub fn new(bench: &'static str) -> Figures {
        Figures { bench, lines: Vec::new() }
    }

    /// Adds one line.
    pub fn line(&mut self, text: impl Into<String>) {
        self.lines.push(text.into());
    }

    /// Adds the peak resident set size of this process so far, where the OS reports it.
    pub fn peak_rss(&mut self) {
        if let Some(bytes) = peak_rss_bytes() {
            self.line(format!("peak RSS of the bench process: {:.1} MiB", mib(bytes)));
        }
    }

    /// Writes the lines to `target/bench-figures/<bench>.txt` (under `CARGO_TARGET_DIR` when
    /// set) and echoes them to standard output.
    pub fn write(&self) {
        let text = self.lines.join("\n") + "\n";
        print!("{text}");
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from);
        let dir = target.join("bench-figures");
        let path = dir.join(format!("{}.txt", self.bench));
        let written = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text));
        if let Err(error) = written {
            eprintln!("could not write {}: {error}", path.display());
        }
    }
}

/// Totals over the timed iterations of one benchmark, warm-up included.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tally {
    /// Iterations timed.
    pub iterations: u64,
    /// Time they took.
    pub elapsed: Duration,
    /// Work units they did (events, customers, decisions: the bench says which).
    pub work: u64,
    /// The fastest batch, in seconds per iteration.
    pub best_per_iteration: Option<f64>,
}

impl Tally {
    /// Records one batch of `iterations` that did `work` units in `elapsed`.
    pub fn add(&mut self, iterations: u64, work: u64, elapsed: Duration) {
        self.iterations += iterations;
        self.work += work;
        self.elapsed += elapsed;
        if iterations > 0 {
            let per = elapsed.as_secs_f64() / iterations as f64;
            self.best_per_iteration = Some(self.best_per_iteration.map_or(per, |b| b.min(per)));
        }
    }

    /// Mean nanoseconds per iteration.
    pub fn mean_ns(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1e9 / self.iterations.max(1) as f64
    }

    /// Work units per second over all timed batches.
    pub fn work_per_second(&self) -> f64 {
        self.work as f64 / self.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// The peak resident set size of this process in bytes (`VmHWM`), where the OS reports it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Bytes in mebibytes.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}
