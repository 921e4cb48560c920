//! `omnilab check`: a gate for CI. Loads every scenario first (a folder stands for its
//! `*.toml` files), then runs each exactly as `run` does and judges its `[[expect]]` entries.
//!
//! Owns [`CheckArgs`], the folder expansion and [`CheckTally`], which counts and prints the
//! verdicts. It runs scenarios only through `run`'s path ([`load_job`], [`simulate`],
//! [`save`]), so a check judges exactly what a run would report; it writes results only with
//! `--out`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use omnilab::expect::{Verdict, evaluate};
use omnilab::report::summarize;
use omnilab::sim::SimOptions;

use super::run::{Job, Overrides, Runner, load_job, save, simulate, use_threads};
use crate::EXIT_INVALID;

pub(crate) const CHECK_EXAMPLES: &str = "\
Examples:
  omnilab check scenarios/quickstart.toml
  omnilab check scenarios/
  omnilab check scenarios/holiday_peak.toml --replications 4 --json
  omnilab check scenarios/ --out results/ci";

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Scenario files, or folders whose *.toml files are all checked.
    #[arg(required = true, value_name = "FILE|DIR")]
    paths: Vec<PathBuf>,
    /// Replications per policy [default: each scenario's].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    replications: Option<u32>,
    /// Scenario seed [default: each scenario's].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Print only the expectations that fail, and errors.
    #[arg(long)]
    quiet: bool,
    /// Also write each scenario's results to DIR/<scenario name> [default: write none].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the verdicts as a JSON array on stdout instead of lines.
    #[arg(long)]
    json: bool,
    /// Run even when the estimated memory exceeds what the machine has.
    #[arg(long)]
    force: bool,
}

/// `omnilab check`: load every scenario (stopping with 2 if any is invalid), then run each
/// as `run` would and judge its expectations; 0 when all hold, 1 when any does not.
pub(crate) fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let files = match scenario_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    let overrides =
        Overrides { seed: args.seed, replications: args.replications, ..Overrides::default() };
    let jobs = match load_jobs(&files, &overrides, args.out.is_some()) {
        Ok(jobs) => jobs,
        Err(code) => return Ok(code),
    };
    use_threads(args.threads)?;

    let runner = Runner::new(SimOptions::default(), args.quiet, args.force);
    let mut tally = CheckTally::default();
    for job in &jobs {
        let verdicts = match check_job(job, &runner, args) {
            Ok(verdicts) => verdicts,
            Err(code) => return Ok(code),
        };
        tally.record(job, &verdicts, args)?;
    }
    tally.finish(args)
}

/// Loads every file before anything runs; every problem of every file is printed. With
/// `--out`, two scenarios may not share a name (their results would share a folder).
fn load_jobs(
    files: &[PathBuf],
    overrides: &Overrides<'_>,
    writes_results: bool,
) -> Result<Vec<Job>, ExitCode> {
    let loaded: Vec<Result<Job, ExitCode>> =
        files.iter().map(|file| load_job(file, overrides)).collect();
    let jobs: Vec<Job> = loaded.into_iter().collect::<Result<_, _>>()?;
    if writes_results {
        for (i, job) in jobs.iter().enumerate() {
            let name = &job.scenario.name;
            if let Some(first) = jobs[..i].iter().find(|other| other.scenario.name == *name) {
                eprintln!(
                    "error: {} and {} are both named \"{name}\": with --out their results \
                     would share one folder",
                    first.file.display(),
                    job.file.display()
                );
                return Err(ExitCode::from(EXIT_INVALID));
            }
        }
    }
    Ok(jobs)
}

/// Runs one scenario of `check` and judges its expectations (none, without a run, when it
/// has none and no results are asked for); the error is the exit code of a run that failed
/// or was stopped.
fn check_job(job: &Job, runner: &Runner, args: &CheckArgs) -> Result<Vec<Verdict>, ExitCode> {
    if job.expectations.is_empty() && args.out.is_none() {
        return Ok(Vec::new());
    }
    let out = args.out.as_ref().map(|dir| dir.join(&job.scenario.name));
    let comparison = simulate(job, runner, out.as_deref())?;
    let rows = match &out {
        Some(out) => save(job, &comparison, out)?,
        None => summarize(&comparison),
    };
    Ok(evaluate(&job.expectations, &comparison, &rows))
}

/// The verdicts of a check so far, and how they are shown.
#[derive(Default)]
struct CheckTally {
    held: usize,
    failed: usize,
    scenarios: usize,
    /// Every verdict as JSON, for `--json`.
    json: Vec<serde_json::Value>,
}

impl CheckTally {
    /// Counts and prints the verdicts of one scenario (or the note that it has none).
    fn record(&mut self, job: &Job, verdicts: &[Verdict], args: &CheckArgs) -> anyhow::Result<()> {
        let name = &job.scenario.name;
        self.scenarios += 1;
        if job.expectations.is_empty() && !args.quiet {
            let note =
                format!("note: {}: no [[expect]] entries, nothing to check", job.file.display());
            if args.json {
                eprintln!("{note}");
            } else {
                writeln!(std::io::stdout().lock(), "{note}")?;
            }
        }

        let mut stdout = std::io::stdout().lock();
        for verdict in verdicts {
            if verdict.held {
                self.held += 1;
            } else {
                self.failed += 1;
            }
            if args.json {
                self.json.push(verdict.to_json(name));
            } else if !args.quiet || !verdict.held {
                let status = if verdict.held { "PASS" } else { "FAIL" };
                writeln!(stdout, "{status} {name}  {}", verdict.line())?;
            }
        }
        Ok(())
    }

    /// Prints the closing line (or the JSON array) and returns the exit code.
    fn finish(&self, args: &CheckArgs) -> anyhow::Result<ExitCode> {
        let mut stdout = std::io::stdout().lock();
        if args.json {
            let array = serde_json::Value::Array(self.json.clone());
            writeln!(stdout, "{}", serde_json::to_string_pretty(&array)?)?;
        } else if !args.quiet || self.failed > 0 {
            let scenarios = if self.scenarios == 1 { "scenario" } else { "scenarios" };
            writeln!(
                stdout,
                "check: {} held, {} failed, in {} {scenarios}",
                self.held, self.failed, self.scenarios
            )?;
        }
        Ok(if self.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    }
}

/// The scenario files named by `paths`: a folder stands for every `*.toml` file in it,
/// sorted by name, not recursive; anything else is taken as a file (loading says if it is
/// missing). An error names a folder that cannot be read or holds no scenario.
fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path)
            .map_err(|error| format!("{}: cannot read the folder: {error}", path.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|file| file.is_file() && file.extension().is_some_and(|e| e == "toml"))
            .collect();
        if found.is_empty() {
            return Err(format!("{}: the folder holds no *.toml scenario", path.display()));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}
