//! `omnilab run`, and the path from a scenario file to results that `check` shares with it:
//! load a [`Job`] ([`load_job`]), [`simulate`] it with a [`Runner`], [`save`] it.
//!
//! Owns [`RunArgs`], the hidden test hook [`Fault`], the command line's [`Overrides`] and
//! what run.json records. It prints the comparison table (or the summary as JSON); it must
//! not judge expectations (that is `check`'s) nor write anything but through
//! `report::write_results`, so a failed run leaves the previous results as they were.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use omnilab::expect::Expectation;
use omnilab::experiment::{Comparison, RunPlan, compare};
use omnilab::report::{RunInfo, SummaryRow, render_table, summary_json, write_results};
use omnilab::scenario::{self, Scenario};
use omnilab::sim::{Cancel, SimOptions};

use super::common::{
    check_resources, intact, progress_bar, report_failed_run, report_invalid, select_policies,
    sha256_hex, stop_on_signals, trace_problems,
};
use crate::EXIT_INVALID;

pub(crate) const RUN_EXAMPLES: &str = "\
Examples:
  omnilab run scenarios/quickstart.toml
  omnilab run scenarios/quickstart.toml --replications 30 --out results/qs30
  omnilab run scenarios/quickstart.toml --policies nearest,dc_first --seed 7
  omnilab run scenarios/quickstart.toml --explain
  omnilab run scenarios/fulfillment_centers.toml --bound";

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The scenario file.
    #[arg(value_name = "SCENARIO")]
    scenario: PathBuf,
    /// Where to write results [default: results/<scenario name>].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replications per policy [default: the scenario's].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    replications: Option<u32>,
    /// Scenario seed [default: the scenario's].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Run only these policies, comma-separated, in this order [default: all].
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    policies: Option<Vec<String>>,
    /// Write decisions.csv: why sampled orders went where they went (the first 2,000
    /// explained decisions per replication, one order in 50).
    #[arg(long)]
    explain: bool,
    /// Compute the hindsight bound after every replication (also the scenario's
    /// `[bound] enabled = true`): adds hindsight_gap and gap_closed to the results.
    #[arg(long)]
    bound: bool,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
    /// Print the summary (the rows of summary.csv) as a JSON array on stdout instead of the
    /// table; the result files are written as usual.
    #[arg(long)]
    json: bool,
    /// Run even when the estimated memory exceeds what the machine has.
    #[arg(long)]
    force: bool,
    /// Test hook: make every replication fail (`leak`) or panic (`panic`).
    #[arg(long, hide = true, value_name = "FAULT")]
    fault: Option<Fault>,
}

/// Faults the integration tests inject to check that failures leave earlier results alone.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Fault {
    /// Break the books mid-run, so the conservation audit fails.
    Leak,
    /// Panic inside a replication.
    Panic,
}

/// `omnilab run`: load, check the trace and the resources, simulate, write, print the
/// table (or the summary as JSON). Any failure after loading leaves the previous results
/// folder as it was.
pub(crate) fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let overrides = Overrides {
        seed: args.seed,
        replications: args.replications,
        bound: args.bound,
        policies: args.policies.as_deref(),
    };
    let job = match load_job(&args.scenario, &overrides) {
        Ok(job) => job,
        Err(code) => return Ok(code),
    };
    use_threads(args.threads)?;

    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("results").join(&job.scenario.name));
    let options = SimOptions {
        explain_limit: if args.explain { 2_000 } else { 0 },
        explain_every: 50,
        plant_leak: matches!(args.fault, Some(Fault::Leak)),
        plant_panic: matches!(args.fault, Some(Fault::Panic)),
        ..SimOptions::default()
    };
    let runner = Runner::new(options, args.quiet, args.force);
    let comparison = match simulate(&job, &runner, Some(&out)) {
        Ok(comparison) => comparison,
        Err(code) => return Ok(code),
    };
    let rows = match save(&job, &comparison, &out) {
        Ok(rows) => rows,
        Err(code) => return Ok(code),
    };

    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(stdout, "{}", serde_json::to_string_pretty(&summary_json(&rows))?)?;
    } else if !args.quiet {
        let (sc, replications) = (&job.scenario, job.replications);
        let baseline = comparison.baseline.map(|b| comparison.policies[b].as_str());
        writeln!(
            stdout,
            "{} ({} days, {} replications)\n",
            sc.name, sc.horizon_days, replications
        )?;
        write!(stdout, "{}", render_table(&rows, &comparison.policies, baseline, replications))?;
        writeln!(stdout, "\nresults: {}", out.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the command line changes in every scenario it loads.
#[derive(Default)]
pub(super) struct Overrides<'a> {
    pub(super) seed: Option<u64>,
    pub(super) replications: Option<u32>,
    pub(super) bound: bool,
    pub(super) policies: Option<&'a [String]>,
}

/// A scenario loaded, checked and ready to simulate, with the command line's overrides.
pub(super) struct Job {
    /// The scenario file, as given.
    pub(super) file: PathBuf,
    pub(super) scenario: Scenario,
    pub(super) expectations: Vec<Expectation>,
    /// Indices into `scenario.policies`, in report order.
    policies: Vec<usize>,
    replications: u32,
}

/// Loads `file` for `run` or `check`: validates and resolves it, applies the overrides,
/// and reads its demand trace in full. Prints every problem and returns exit code 2 when
/// the scenario cannot run.
pub(super) fn load_job(file: &Path, overrides: &Overrides<'_>) -> Result<Job, ExitCode> {
    let (mut sc, expectations) =
        scenario::load_with_expectations(file).map_err(|error| report_invalid(&error))?;
    if let Some(seed) = overrides.seed {
        sc.seed = seed;
    }
    if overrides.bound {
        sc.bound.enabled = true;
    }
    let policies = select_policies(&sc, overrides.policies).map_err(|message| {
        eprintln!("error: {}: --policies: {message}", file.display());
        ExitCode::from(EXIT_INVALID)
    })?;
    let problems = trace_problems(&sc);
    if !problems.is_empty() {
        problems.iter().for_each(|problem| eprintln!("{problem}"));
        return Err(ExitCode::from(EXIT_INVALID));
    }

    let replications = overrides.replications.unwrap_or(sc.replications);
    Ok(Job { file: file.to_path_buf(), scenario: sc, expectations, policies, replications })
}

/// How jobs are simulated: the same for `run` and `check`.
pub(super) struct Runner {
    /// Options for every replication, the cancel flag included.
    options: SimOptions,
    /// No progress bar.
    quiet: bool,
    /// Run even above the memory estimate.
    force: bool,
}

impl Runner {
    /// A runner whose replications stop on Ctrl-C or SIGTERM.
    pub(super) fn new(options: SimOptions, quiet: bool, force: bool) -> Runner {
        let cancel = Cancel::new();
        stop_on_signals(&cancel);
        Runner { options: SimOptions { cancel: Some(cancel), ..options }, quiet, force }
    }
}

/// Uses `threads` worker threads for every simulation of this process.
pub(super) fn use_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(threads) = threads {
        rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build_global()?;
    }
    Ok(())
}

/// Simulates every policy of `job` over its replications, after checking the resources it
/// needs. Prints why and returns the exit code when it is refused, fails or is stopped;
/// `out` is where its results would go, to say that earlier ones are intact.
pub(super) fn simulate(
    job: &Job,
    runner: &Runner,
    out: Option<&Path>,
) -> Result<Comparison, ExitCode> {
    let sc = &job.scenario;
    if let Err(refusal) = check_resources(runner.force, sc, job.replications, job.policies.len()) {
        eprintln!("error: {}: {refusal}", job.file.display());
        return Err(ExitCode::from(EXIT_INVALID));
    }

    let plan = RunPlan {
        replications: job.replications,
        policies: job.policies.clone(),
        options: runner.options.clone(),
    };
    let total = plan.policies.len() * job.replications as usize;
    let bar = progress_bar(runner.quiet, total, &sc.name);
    let compared = compare(sc, &plan, &|done, _| bar.set_position(done as u64));
    bar.finish_and_clear();
    compared.map_err(|error| report_failed_run(&job.file.display().to_string(), &error, out))
}

/// Writes the results of `job` into `out` (atomically); returns the summary rows, or prints
/// why not and returns exit code 1.
pub(super) fn save(
    job: &Job,
    comparison: &Comparison,
    out: &Path,
) -> Result<Vec<SummaryRow>, ExitCode> {
    let written = run_info(job, comparison).map_err(|error| error.to_string()).and_then(|info| {
        write_results(out, &job.scenario, comparison, &info).map_err(|e| e.to_string())
    });
    written.map_err(|error| {
        eprintln!("error: {error}");
        eprintln!("{}", intact(out));
        ExitCode::FAILURE
    })
}

/// What run.json records.
fn run_info(job: &Job, c: &Comparison) -> anyhow::Result<RunInfo> {
    let hash = sha256_hex(&std::fs::read(&job.file)?);
    Ok(RunInfo {
        omnilab_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: job.scenario.name.clone(),
        scenario_file: job.file.display().to_string(),
        scenario_sha256: hash,
        seed: job.scenario.seed,
        replications: job.replications,
        policies: c.policies.clone(),
        baseline: c.baseline.map(|b| c.policies[b].clone()),
        threads: rayon::current_num_threads(),
        events: c.outcomes.iter().flatten().map(|o| o.events).sum(),
        wall_time_seconds: c.wall_time.as_secs_f64(),
    })
}
