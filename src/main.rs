//! The `omnilab` command line: argument parsing, user-facing messages and exit codes.
//!
//! One function per subcommand; each returns the process exit code. `run` and `check` share
//! one path from a file to results (load a [`Job`], [`simulate`] it, [`save`] it), so a
//! check judges exactly what a run would report. The library does the work and never
//! prints; this file prints results to stdout and diagnostics, progress and logs to stderr,
//! so `--json` output stays parseable.
//! Exit codes: 0 success; 2 invalid input (a scenario or trace that does not load, a run the
//! machine's memory cannot hold, or a usage error reported by clap); 130 a run stopped by
//! Ctrl-C or SIGTERM; 1 an unexpected failure (a bug, a results folder that cannot be
//! written, stdout closed) or, for `check`, an expectation that did not hold. A run that
//! fails in any way leaves the previous results folder as it was, and says so.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use omnilab::expect::{Expectation, Verdict, evaluate};
use omnilab::experiment::{Comparison, RunError, RunPlan, compare};
use omnilab::guard;
use omnilab::report::sweep::{SweepRow, read_shard, write_shard, write_sweep};
use omnilab::report::{RunInfo, SummaryRow, render_table, summarize, summary_json, write_results};
use omnilab::scenario::{self, DemandSource, Scenario};
use omnilab::sim::{Cancel, Scope, SimError, SimOptions};
use omnilab::sweep::{self, Set, Shard, SpecInputs, Sweep, SweepError, SweepSpec};
use omnilab::trace::{self, TraceContext, TraceError};

/// omnilab: a simulation lab for omnichannel order routing.
///
/// omnilab replays retail demand through the inventory and order-routing logic of an order
/// management system, under several routing policies side by side (DC first, nearest node,
/// fewest splits, cheapest now, or your own rule stack), and reports what each does to
/// on-time-in-full, cancellations, split shipments, cost-to-serve and markdowns, with
/// confidence intervals. Scenarios are TOML files kept in version control.
#[derive(Debug, Parser)]
#[command(name = "omnilab", version, about, long_about, after_help = MAIN_EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const MAIN_EXAMPLES: &str = "\
Examples:
  omnilab run scenarios/quickstart.toml
  omnilab validate scenarios/quickstart.toml
  omnilab validate scenarios/*.toml
  omnilab check scenarios/quickstart.toml
  omnilab sweep scenarios/quickstart.toml --set demand.channels.web.rate_per_day=800,1200
  omnilab help run";

#[derive(Debug, Subcommand)]
enum Command {
    /// Check scenario files without running them.
    ///
    /// Parses, validates and resolves each file, reads the demand trace it replays (if any)
    /// in full, and reports every problem with its file, line, column and field path.
    /// Prints `ok: <file>` for each valid file. Exits with 0 when every file is valid and
    /// with 2 when any is not.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// Run every policy of a scenario over its replications and compare them.
    ///
    /// Simulates each replication under each policy (in parallel across replications, with
    /// the same customers and luck for every policy), prints a comparison table with 95%
    /// intervals, and writes summary.csv, kpis.csv, nodes.csv, daily.csv and run.json to the
    /// output folder. The folder is replaced only when the run completes: Ctrl-C, a failure
    /// or a kill leaves the previous results as they were. A run whose estimated memory
    /// exceeds what the machine has is refused (exit code 2) unless --force is given.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Run scenarios and check their expectations: a gate for CI.
    ///
    /// Loads every file first (a folder stands for every *.toml file in it, sorted, not
    /// recursive) and stops with exit code 2 if any is invalid, before running anything.
    /// Then runs each scenario exactly as `omnilab run` does and judges its `[[expect]]`
    /// entries, printing one PASS or FAIL line per expectation with the measured mean and
    /// 95% interval. Exits with 0 when every expectation holds and with 1 when any does
    /// not. A scenario without expectations is noted, not run (unless --out), and passes.
    /// Writes no results unless --out is given.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Run a scenario over a grid of parameter values, whole or one shard at a time.
    ///
    /// Each `--set path=v1,v2,...` gives a parameter of the scenario file and its values;
    /// several make a grid (every combination, the last --set varying fastest). Each variant
    /// is the scenario file with those values written in, and goes through the same checks
    /// as `omnilab validate`: a bad path or an invalid variant is reported, naming the
    /// --set and the variant, before anything runs (exit code 2). A path is dotted keys
    /// with `[i]` for the i-th element (from 0) of an array, as in
    /// `demand.channels.web.rate_per_day` or `policies[4].max_shipments` (quote it in the
    /// shell); a key the file leaves at its default is added. Values are TOML (numbers, booleans, "strings"); a
    /// bare word is a string, and strings holding commas are quoted.
    ///
    /// A whole sweep writes sweep.csv (each variant's summary.csv, prefixed by the variant
    /// and one column per --set), kpis.csv (every replication's values) and sweep.json (the
    /// sweep: scenario file and its SHA-256, sets, seed, replications, policies).
    ///
    /// --shard i/n (1-based) runs only the i-th of n slices of the (variant, replication)
    /// units and writes their values and sweep.json into its own folder; `omnilab merge`
    /// joins the n folders into the sweep.csv one machine would have written. In a Slurm
    /// job array pass --shard ${SLURM_ARRAY_TASK_ID}/N; Kubernetes Indexed Jobs number
    /// from 0, so pass --shard $((JOB_COMPLETION_INDEX+1))/N.
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(SweepArgs),
    /// Join the shard folders of one sweep into its sweep.csv, kpis.csv and sweep.json.
    ///
    /// Checks that the folders are shards of the same sweep (same scenario contents, sets,
    /// seed, replications, policies, omnilab version and shard count) and that together
    /// they cover it exactly once; a shard missing, given twice or cut short is named and
    /// nothing is written (exit code 2). The result is byte for byte what the sweep run on
    /// one machine writes. The folders may be given in any order.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
}

const SWEEP_EXAMPLES: &str = "\
Examples:
  omnilab sweep scenarios/quickstart.toml --set demand.channels.web.rate_per_day=800,1000,1200
  omnilab sweep scenarios/quickstart.toml --set inventory.visibility_sync_minutes=0,15,60 \\
      --set 'policies[4].max_shipments=2,3' --replications 20
  omnilab sweep scenarios/quickstart.toml --set carrier.cutoff='\"14:00\",\"18:00\"'
  omnilab sweep scenarios/quickstart.toml --set seed=1,2 --shard 3/8 --out shards/3

Shards: results/<name>/sweep-shards/shard-<i>-of-<n> by default; join them with
  omnilab merge results/<name>/sweep-shards/shard-*";

const MERGE_EXAMPLES: &str = "\
Examples:
  omnilab merge results/quickstart/sweep-shards/shard-*
  omnilab merge shards/1 shards/2 shards/3 --out results/quickstart/sweep";

#[derive(Debug, Args)]
struct SweepArgs {
    /// The scenario file.
    #[arg(value_name = "SCENARIO")]
    scenario: PathBuf,
    /// A parameter and its values; repeat for a grid.
    #[arg(long = "set", value_name = "PATH=V1,V2,...")]
    sets: Vec<Set>,
    /// Run only the i-th of n slices of the work (1-based, e.g. 3/8).
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// Where to write results [default: results/<scenario name>/sweep, or
    /// results/<scenario name>/sweep-shards/shard-<i>-of-<n> with --shard].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replications per policy in every variant [default: the scenario's].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    replications: Option<u32>,
    /// Scenario seed of every variant [default: the scenario's].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Run only these policies, comma-separated, in this order [default: all].
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    policies: Option<Vec<String>>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
    /// Run even when the estimated memory exceeds what the machine has.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// The shard folders, in any order.
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Where to write the merged sweep [default: results/<scenario name>/sweep].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}
const CHECK_EXAMPLES: &str = "\
Examples:
  omnilab check scenarios/quickstart.toml
  omnilab check scenarios/
  omnilab check scenarios/holiday_peak.toml --replications 4 --json
  omnilab check scenarios/ --out results/ci";

#[derive(Debug, Args)]
struct CheckArgs {
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

const RUN_EXAMPLES: &str = "\
Examples:
  omnilab run scenarios/quickstart.toml
  omnilab run scenarios/quickstart.toml --replications 30 --out results/qs30
  omnilab run scenarios/quickstart.toml --policies nearest,dc_first --seed 7
  omnilab run scenarios/quickstart.toml --explain
  omnilab run scenarios/fulfillment_centers.toml --bound";

#[derive(Debug, Args)]
struct RunArgs {
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

const VALIDATE_EXAMPLES: &str = "\
Examples:
  omnilab validate scenarios/quickstart.toml
  omnilab validate scenarios/*.toml";

#[derive(Debug, Args)]
struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Exit code for input that omnilab cannot use (the same code clap uses for usage errors).
const EXIT_INVALID: u8 = 2;

fn main() -> ExitCode {
    // Logs (off unless RUST_LOG asks, e.g. RUST_LOG=omnilab=debug) go to stderr, apart from
    // the results and messages this file prints.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate(args) => validate(&args),
        Command::Run(args) => run(&args),
        Command::Check(args) => check(&args),
        Command::Sweep(args) => sweep(&args),
        Command::Merge(args) => merge(&args),
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("error: {error}");
        ExitCode::FAILURE
    })
}

/// `omnilab validate`: loads every file, reporting all of them before deciding the exit code.
fn validate(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let mut all_valid = true;

    for file in &args.files {
        let problems = match scenario::load_scenario(file) {
            Ok(sc) => trace_problems(&sc),
            Err(error) => error.diagnostics().iter().map(ToString::to_string).collect(),
        };
        if problems.is_empty() {
            writeln!(stdout, "ok: {}", file.display())?;
        }
        for problem in &problems {
            all_valid = false;
            writeln!(stderr, "{problem}")?;
        }
    }

    Ok(if all_valid { ExitCode::SUCCESS } else { ExitCode::from(EXIT_INVALID) })
}

/// Prints every diagnostic of a scenario that failed to load; returns the exit code.
fn report_invalid(error: &scenario::ScenarioError) -> ExitCode {
    for diagnostic in error.diagnostics() {
        eprintln!("{diagnostic}");
    }
    ExitCode::from(EXIT_INVALID)
}

/// What the command line changes in every scenario it loads.
#[derive(Default)]
struct Overrides<'a> {
    seed: Option<u64>,
    replications: Option<u32>,
    bound: bool,
    policies: Option<&'a [String]>,
}

/// A scenario loaded, checked and ready to simulate, with the command line's overrides.
struct Job {
    /// The scenario file, as given.
    file: PathBuf,
    scenario: Scenario,
    expectations: Vec<Expectation>,
    /// Indices into `scenario.policies`, in report order.
    policies: Vec<usize>,
    replications: u32,
}

/// Loads `file` for `run` or `check`: validates and resolves it, applies the overrides,
/// and reads its demand trace in full. Prints every problem and returns exit code 2 when
/// the scenario cannot run.
fn load_job(file: &Path, overrides: &Overrides<'_>) -> Result<Job, ExitCode> {
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
struct Runner {
    /// Options for every replication, the cancel flag included.
    options: SimOptions,
    /// No progress bar.
    quiet: bool,
    /// Run even above the memory estimate.
    force: bool,
}

impl Runner {
    /// A runner whose replications stop on Ctrl-C or SIGTERM.
    fn new(options: SimOptions, quiet: bool, force: bool) -> Runner {
        let cancel = Cancel::new();
        stop_on_signals(&cancel);
        Runner { options: SimOptions { cancel: Some(cancel), ..options }, quiet, force }
    }
}

/// Uses `threads` worker threads for every simulation of this process.
fn use_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(threads) = threads {
        rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build_global()?;
    }
    Ok(())
}

/// Simulates every policy of `job` over its replications, after checking the resources it
/// needs. Prints why and returns the exit code when it is refused, fails or is stopped;
/// `out` is where its results would go, to say that earlier ones are intact.
fn simulate(job: &Job, runner: &Runner, out: Option<&Path>) -> Result<Comparison, ExitCode> {
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
fn save(job: &Job, comparison: &Comparison, out: &Path) -> Result<Vec<SummaryRow>, ExitCode> {
    let written = run_info(job, comparison).map_err(|error| error.to_string()).and_then(|info| {
        write_results(out, &job.scenario, comparison, &info).map_err(|e| e.to_string())
    });
    written.map_err(|error| {
        eprintln!("error: {error}");
        eprintln!("{}", intact(out));
        ExitCode::FAILURE
    })
}

/// `omnilab run`: load, check the trace and the resources, simulate, write, print the
/// table (or the summary as JSON). Any failure after loading leaves the previous results
/// folder as it was.
fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
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

/// `omnilab check`: load every scenario (stopping with 2 if any is invalid), then run each
/// as `run` would and judge its expectations; 0 when all hold, 1 when any does not.
fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
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

/// Exit code for a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
/// `omnilab sweep`: load the scenario, check every variant, run the shard's units (all of
/// them without --shard), write. Nothing runs unless every variant is valid, and any failure
/// leaves the previous results folder as it was.
fn sweep(args: &SweepArgs) -> anyhow::Result<ExitCode> {
    // Ctrl-C while the variants are checked stops the sweep before its first replication.
    let cancel = Cancel::new();
    stop_on_signals(&cancel);
    let text = match scenario::read_text(&args.scenario) {
        Ok(text) => text,
        Err(error) => return Ok(report_invalid(&error)),
    };
    let base = match scenario::scenario_from_str(&text, &args.scenario) {
        Ok(sc) => sc,
        Err(error) => return Ok(report_invalid(&error)),
    };
    if let Err(message) = check_sets(args) {
        eprintln!("error: {}: {message}", args.scenario.display());
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let hash = sha256_hex(text.as_bytes());
    let plan = match Sweep::new(text, &args.scenario, args.sets.clone()) {
        Ok(plan) => plan,
        Err(error) => {
            eprintln!("error: {}: {error}", args.scenario.display());
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    let names: Vec<String> = match select_policies(&base, args.policies.as_deref()) {
        Ok(indices) => indices.iter().map(|&p| base.policies[p].name().to_string()).collect(),
        Err(message) => {
            eprintln!("error: {}: --policies: {message}", args.scenario.display());
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    let replications = args.replications.unwrap_or(base.replications);
    let Some(baselines) = check_variants(args, &plan, &names, replications) else {
        return Ok(ExitCode::from(EXIT_INVALID));
    };
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build_global()?;
    }

    let inputs = SpecInputs {
        scenario: base.name.clone(),
        scenario_sha256: hash,
        seed: args.seed.unwrap_or(base.seed),
        replications,
        policies: names,
    };
    let spec = SweepSpec { shard: args.shard, ..plan.spec(&inputs, baselines) };
    let out = args.out.clone().unwrap_or_else(|| sweep_dir(&base.name, args.shard));
    run_sweep(args, &plan, &spec, &out, cancel)
}

/// Refuses --set flags that would make variants differ in what a sweep keeps fixed.
fn check_sets(args: &SweepArgs) -> Result<(), String> {
    for set in &args.sets {
        match set.path.to_string().as_str() {
            "replications" => {
                return Err("--set replications: every variant runs the same replications; \
                            use --replications"
                    .to_string());
            }
            "seed" if args.seed.is_some() => {
                return Err("--set seed and --seed both set the seed; give one".to_string());
            }
            _ => {}
        }
    }
    Ok(())
}

/// How many invalid variants are described in full; the others are counted.
const MAX_SHOWN_VARIANTS: usize = 5;

/// Loads every variant and checks what `run` checks (policies, trace, memory), printing
/// every problem; returns each variant's baseline name, or `None` when any is invalid.
fn check_variants(
    args: &SweepArgs,
    plan: &Sweep,
    names: &[String],
    replications: u32,
) -> Option<Vec<Option<String>>> {
    let mut baselines = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut invalid = 0;
    for v in 0..plan.variants().len() {
        let variant = format!("variant {v} ({})", plan.describe(v));
        let sc = match plan.load_runnable(v, args.seed, names) {
            Ok((sc, _)) => sc,
            Err(SweepError::Invalid { source, .. }) => {
                invalid += 1;
                if invalid <= MAX_SHOWN_VARIANTS {
                    problems.push(format!("error: {variant} is not a valid scenario:"));
                    problems.extend(source.diagnostics().iter().map(|d| format!("  {d}")));
                }
                continue;
            }
            Err(error) => {
                problems.push(format!("error: {}: {error}", args.scenario.display()));
                continue;
            }
        };
        problems.extend(trace_problems(&sc).into_iter().map(|p| format!("{variant}: {p}")));
        if let Err(refusal) = check_resources(args.force, &sc, replications, names.len()) {
            problems.push(format!("error: {variant}: {refusal}"));
        }
        let baseline = sc.policies[sc.baseline].name().to_string();
        baselines.push(names.contains(&baseline).then_some(baseline));
    }
    if invalid > MAX_SHOWN_VARIANTS {
        let hidden = invalid - MAX_SHOWN_VARIANTS;
        problems.push(format!("... and {hidden} more invalid variants"));
    }
    problems.dedup();
    problems.iter().for_each(|problem| eprintln!("{problem}"));
    problems.is_empty().then_some(baselines)
}

/// The default folder of a sweep or of one of its shards.
fn sweep_dir(name: &str, shard: Option<Shard>) -> PathBuf {
    let results = PathBuf::from("results").join(name);
    match shard {
        None => results.join("sweep"),
        Some(s) => results.join("sweep-shards").join(format!("shard-{}-of-{}", s.index, s.count)),
    }
}

/// Runs the units of the sweep (or shard) and writes them into `out`.
fn run_sweep(
    args: &SweepArgs,
    plan: &Sweep,
    spec: &SweepSpec,
    out: &Path,
    cancel: Cancel,
) -> anyhow::Result<ExitCode> {
    let units = sweep::units(args.shard, plan.variants().len(), spec.replications);
    let options = SimOptions { cancel: Some(cancel), ..SimOptions::default() };
    let bar = progress_bar(args.quiet, units.len(), "variant replications");
    let progress = |done: usize, _: usize| bar.set_position(done as u64);
    let ran = sweep::run(plan, &units, args.seed, &spec.policies, &options, &progress);
    bar.finish_and_clear();
    let values = match ran {
        Ok(values) => values,
        Err(SweepError::Run { source, variant, description }) => {
            let what = format!("{}: variant {variant} ({description})", args.scenario.display());
            return Ok(report_failed_run(&what, &source, Some(out)));
        }
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("{}", intact(out));
            return Ok(ExitCode::FAILURE);
        }
    };

    let written = match args.shard {
        Some(_) => write_shard(out, spec, &values).map(|()| None),
        None => write_sweep(out, spec, &values).map(Some),
    };
    match written {
        Ok(rows) if !args.quiet => print_sweep(spec, units.len(), rows.as_deref(), out)?,
        Ok(_) => {}
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("{}", intact(out));
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The headline metrics printed after a sweep, per variant and policy.
const SWEEP_HEADLINE: [&str; 3] = ["otif", "cancellation_rate", "cost_to_serve_per_order"];

/// What a finished sweep (or shard) prints: its size, each variant's headline means, and
/// where the results are.
fn print_sweep(
    spec: &SweepSpec,
    units: usize,
    rows: Option<&[SweepRow]>,
    out: &Path,
) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    let shard = spec.shard.map(|s| format!(", shard {s}: {units} of them")).unwrap_or_default();
    writeln!(
        stdout,
        "{}: {} variants x {} replications x {} policies{shard}",
        spec.scenario,
        spec.variants.len(),
        spec.replications,
        spec.policies.len()
    )?;
    if let Some(rows) = rows {
        write!(stdout, "\n{}\n", sweep_table(spec, rows))?;
    }
    writeln!(stdout, "results: {}", out.display())?;
    Ok(())
}

/// One line per variant and policy with the means of [`SWEEP_HEADLINE`] over all channels.
fn sweep_table(spec: &SweepSpec, rows: &[SweepRow]) -> String {
    let mut lines = vec![{
        let mut header = vec!["variant".to_string()];
        header.extend(spec.sets.iter().map(|s| s.path.clone()));
        header.push("policy".to_string());
        header.extend(SWEEP_HEADLINE.iter().map(ToString::to_string));
        header
    }];
    for variant in &spec.variants {
        for policy in &spec.policies {
            let mean = |metric: &str| {
                rows.iter()
                    .find(|r| {
                        r.variant == variant.variant
                            && &r.row.policy == policy
                            && r.row.scope == Scope::All
                            && r.row.metric == metric
                    })
                    .map_or(String::from("-"), |r| format!("{:.4}", r.row.interval.mean))
            };
            let mut line = vec![variant.variant.to_string()];
            line.extend(variant.values.iter().cloned());
            line.push(policy.clone());
            line.extend(SWEEP_HEADLINE.iter().map(|m| mean(m)));
            lines.push(line);
        }
    }
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut table = String::new();
    for line in lines {
        let cells: Vec<String> =
            line.iter().zip(&widths).map(|(cell, &w)| format!("{cell:<w$}")).collect();
        table.push_str(cells.join("  ").trim_end());
        table.push('\n');
    }
    table
}

/// `omnilab merge`: read every shard, check they make one whole sweep, write it.
fn merge(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let mut shards = Vec::new();
    for dir in &args.dirs {
        match read_shard(dir) {
            Ok(shard) => shards.push(shard),
            Err(error) => {
                eprintln!("error: {error}");
                return Ok(ExitCode::from(EXIT_INVALID));
            }
        }
    }
    let (spec, values) = match sweep::merge(shards) {
        Ok(merged) => merged,
        Err(error) => {
            eprintln!("error: {error}");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    let out = args.out.clone().unwrap_or_else(|| sweep_dir(&spec.scenario, None));
    if let Some(inside) = args.dirs.iter().find(|dir| is_within(dir, &out)) {
        eprintln!(
            "error: --out {} holds the shard folder {}, which writing the merged sweep \
             would replace; choose another folder",
            out.display(),
            inside.display()
        );
        return Ok(ExitCode::from(EXIT_INVALID));
    }

    let rows = match write_sweep(&out, &spec, &values) {
        Ok(rows) => rows,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("{}", intact(&out));
            return Ok(ExitCode::FAILURE);
        }
    };
    if !args.quiet {
        print_sweep(&spec, values.len(), Some(&rows), &out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether `dir` is `folder` or inside it (compared as absolute paths when both exist).
fn is_within(dir: &Path, folder: &Path) -> bool {
    let absolute = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    absolute(dir).starts_with(absolute(folder))
}

const EXIT_INTERRUPTED: u8 = 130;

/// Refuses a run whose estimated memory exceeds the machine's, unless `force`.
fn check_resources(
    force: bool,
    sc: &Scenario,
    replications: u32,
    policies: usize,
) -> Result<(), guard::GuardError> {
    let estimate = guard::estimate(sc, replications, policies, rayon::current_num_threads());
    tracing::debug!(%estimate, memory = estimate.memory_bytes, "resource estimate");
    if force {
        return Ok(());
    }
    guard::check(&estimate, &guard::MemoryLimit::of_machine())
}

/// Raises `cancel` on the first Ctrl-C (or SIGTERM), so replications stop at their next
/// simulated day and nothing is written; a second signal exits at once. Either way the
/// previous results are untouched: new ones only replace them in one rename at the end.
fn stop_on_signals(cancel: &Cancel) {
    let cancel = cancel.clone();
    let installed = ctrlc::set_handler(move || {
        if cancel.is_raised() {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        cancel.raise();
    });
    if let Err(error) = installed {
        tracing::warn!(%error, "cannot catch Ctrl-C; an interrupted run stops at once");
    }
}

/// Reports a comparison that did not finish and returns the exit code: 130 for Ctrl-C, 2 for
/// input the simulator could not use (a trace, sampling tables), 1 for a bug. `out`, when
/// results were to be written, is named to say earlier ones are intact.
fn report_failed_run(what: &str, error: &RunError, out: Option<&Path>) -> ExitCode {
    let code = match &error.source {
        SimError::Cancelled => {
            eprintln!("interrupted: stopped before any result was written");
            EXIT_INTERRUPTED
        }
        SimError::Trace(_) | SimError::Prepare(_) => {
            eprintln!("error: {what}: {}", error.source);
            EXIT_INVALID
        }
        _ => {
            eprintln!("error: {what}: {error}");
            1
        }
    };
    if let Some(out) = out {
        eprintln!("{}", intact(out));
    }
    ExitCode::from(code)
}

/// The sentence that tells the user their earlier results were not touched.
fn intact(out: &Path) -> String {
    if out.exists() {
        format!("the previous results in {} are intact", out.display())
    } else {
        format!("no results were written to {}", out.display())
    }
}

/// The policy indices to run: all, or those named (in the order named).
fn select_policies(sc: &Scenario, names: Option<&[String]>) -> Result<Vec<usize>, String> {
    let Some(names) = names else { return Ok((0..sc.policies.len()).collect()) };
    names
        .iter()
        .map(|name| {
            sc.policies.iter().position(|p| p.name() == name).ok_or_else(|| {
                let known: Vec<&str> = sc.policies.iter().map(|p| p.name()).collect();
                format!("no policy is named \"{name}\", expected one of {}", known.join(", "))
            })
        })
        .collect()
}

/// The problems of the scenario's demand trace, if it replays one, one `error: ...` line
/// each (and a line counting those not shown); empty when the trace is valid.
fn trace_problems(sc: &Scenario) -> Vec<String> {
    let DemandSource::Trace(path) = &sc.demand.source else { return Vec::new() };
    let ctx = TraceContext {
        catalog: &sc.catalog,
        network: &sc.network,
        cities: &sc.cities,
        start: None,
    };
    match trace::validate(path, &ctx) {
        Ok(_) => Vec::new(),
        Err(error @ TraceError::Io { .. }) => vec![format!("error: {error}")],
        Err(TraceError::Invalid { issues, more, .. }) => {
            let shown = issues.iter().take(trace::MAX_SHOWN_ISSUES);
            let mut lines: Vec<String> =
                shown.map(|issue| format!("error: {}", issue.in_file(path))).collect();
            let hidden = (issues.len() - lines.len()) as u64 + more;
            if hidden > 0 {
                lines.push(format!("... and {hidden} more issues in {}", path.display()));
            }
            lines
        }
    }
}

/// A progress bar on stderr, named `name`, when it is a terminal and the user did not ask
/// for quiet.
fn progress_bar(quiet: bool, total: usize, name: &str) -> ProgressBar {
    let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
    let bar = ProgressBar::with_draw_target(Some(total as u64), target);
    let template = "{msg} {bar:40} {pos}/{len} replications  {elapsed}";
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_message(name.to_string());
    bar
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

/// The SHA-256 of `bytes` in lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
