//! The `omnilab` command line: argument parsing, user-facing messages and exit codes.
//!
//! One function per subcommand; each returns the process exit code. The library does the
//! work and never prints; this file prints results to stdout and diagnostics to stderr.
//! Exit codes: 0 success; 2 invalid input (a scenario or trace that does not load, a run the
//! machine's memory cannot hold, or a usage error reported by clap); 130 a run stopped by
//! Ctrl-C or SIGTERM; 1 an unexpected failure (a bug, a results folder that cannot be
//! written, stdout closed). A run that fails in any way leaves the previous results folder
//! as it was, and says so.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use omnilab::experiment::{RunError, RunPlan, compare};
use omnilab::guard;
use omnilab::report::{RunInfo, render_table, write_results};
use omnilab::scenario::{self, DemandSource, Scenario};
use omnilab::sim::{Cancel, SimError, SimOptions};
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

/// Prints every diagnostic of a scenario that failed to load.
fn report_invalid(error: &scenario::ScenarioError) -> anyhow::Result<ExitCode> {
    let mut stderr = std::io::stderr().lock();
    for diagnostic in error.diagnostics() {
        writeln!(stderr, "{diagnostic}")?;
    }
    Ok(ExitCode::from(EXIT_INVALID))
}

/// `omnilab run`: load, check the trace and the resources, simulate, write, print the
/// table. Any failure after loading leaves the previous results folder as it was.
fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let mut sc = match scenario::load_scenario(&args.scenario) {
        Ok(sc) => sc,
        Err(error) => return report_invalid(&error),
    };
    if let Some(seed) = args.seed {
        sc.seed = seed;
    }
    if args.bound {
        sc.bound.enabled = true;
    }
    let policies = match select_policies(&sc, args.policies.as_deref()) {
        Ok(p) => p,
        Err(message) => {
            eprintln!("error: {}: --policies: {message}", args.scenario.display());
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    let problems = trace_problems(&sc);
    if !problems.is_empty() {
        problems.iter().for_each(|problem| eprintln!("{problem}"));
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build_global()?;
    }

    let replications = args.replications.unwrap_or(sc.replications);
    if let Err(refusal) = check_resources(args, &sc, replications, policies.len()) {
        eprintln!("error: {}: {refusal}", args.scenario.display());
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("results").join(&sc.name));
    let cancel = Cancel::new();
    stop_on_signals(&cancel);

    let options = SimOptions {
        explain_limit: if args.explain { 2_000 } else { 0 },
        explain_every: 50,
        plant_leak: matches!(args.fault, Some(Fault::Leak)),
        plant_panic: matches!(args.fault, Some(Fault::Panic)),
        cancel: Some(cancel),
        ..SimOptions::default()
    };
    let plan = RunPlan { replications, policies, options };
    let bar = progress_bar(args.quiet, plan.policies.len() * replications as usize);
    let compared = compare(&sc, &plan, &|done, _| bar.set_position(done as u64));
    bar.finish_and_clear();
    let comparison = match compared {
        Ok(comparison) => comparison,
        Err(error) => return Ok(report_failed_run(args, &error, &out)),
    };

    let info = run_info(args, &sc, &comparison, replications)?;
    let rows = match write_results(&out, &sc, &comparison, &info) {
        Ok(rows) => rows,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("{}", intact(&out));
            return Ok(ExitCode::FAILURE);
        }
    };
    if !args.quiet {
        let baseline = comparison.baseline.map(|b| comparison.policies[b].as_str());
        let mut stdout = std::io::stdout().lock();
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

/// Exit code for a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: u8 = 130;

/// Refuses a run whose estimated memory exceeds the machine's, unless `--force`.
fn check_resources(
    args: &RunArgs,
    sc: &Scenario,
    replications: u32,
    policies: usize,
) -> Result<(), guard::GuardError> {
    let estimate = guard::estimate(sc, replications, policies, rayon::current_num_threads());
    tracing::debug!(%estimate, memory = estimate.memory_bytes, "resource estimate");
    if args.force {
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
/// input the simulator could not use (a trace, sampling tables), 1 for a bug.
fn report_failed_run(args: &RunArgs, error: &RunError, out: &std::path::Path) -> ExitCode {
    let code = match &error.source {
        SimError::Cancelled => {
            eprintln!("interrupted: stopped before any result was written");
            EXIT_INTERRUPTED
        }
        SimError::Trace(_) | SimError::Prepare(_) => {
            eprintln!("error: {}: {}", args.scenario.display(), error.source);
            EXIT_INVALID
        }
        _ => {
            eprintln!("error: {}: {error}", args.scenario.display());
            1
        }
    };
    eprintln!("{}", intact(out));
    ExitCode::from(code)
}

/// The sentence that tells the user their earlier results were not touched.
fn intact(out: &std::path::Path) -> String {
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

/// A progress bar on stderr when it is a terminal and the user did not ask for quiet.
fn progress_bar(quiet: bool, total: usize) -> ProgressBar {
    let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
    let bar = ProgressBar::with_draw_target(Some(total as u64), target);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} replications  {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// What run.json records.
fn run_info(
    args: &RunArgs,
    sc: &Scenario,
    c: &omnilab::experiment::Comparison,
    replications: u32,
) -> anyhow::Result<RunInfo> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(&args.scenario)?;
    let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    Ok(RunInfo {
        omnilab_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: sc.name.clone(),
        scenario_file: args.scenario.display().to_string(),
        scenario_sha256: hash,
        seed: sc.seed,
        replications,
        policies: c.policies.clone(),
        baseline: c.baseline.map(|b| c.policies[b].clone()),
        threads: rayon::current_num_threads(),
        events: c.outcomes.iter().flatten().map(|o| o.events).sum(),
        wall_time_seconds: c.wall_time.as_secs_f64(),
    })
}
