//! The `omnilab` command line: the clap definitions shared by every subcommand, `main`, and
//! the exit codes.
//!
//! Each subcommand lives in its own module under `cli/` (`validate`, `run`, `check`, and
//! `sweep` with `merge`), with its arguments and examples, and returns the process exit
//! code; helpers they share are in `cli/common.rs`. The library does the work and never
//! prints; the command line prints results to stdout and diagnostics, progress and logs to
//! stderr, so `--json` output stays parseable. `anyhow` lives only in the binary.
//! Exit codes: 0 success; 2 invalid input (a scenario or trace that does not load, a run the
//! machine's memory cannot hold, or a usage error reported by clap); 130 a run stopped by
//! Ctrl-C or SIGTERM; 1 an unexpected failure (a bug, a results folder that cannot be
//! written, stdout closed) or, for `check`, an expectation that did not hold. A run that
//! fails in any way leaves the previous results folder as it was, and says so.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::check::{CHECK_EXAMPLES, CheckArgs};
use cli::run::{RUN_EXAMPLES, RunArgs};
use cli::sweep::{MERGE_EXAMPLES, MergeArgs, SWEEP_EXAMPLES, SweepArgs};
use cli::validate::{VALIDATE_EXAMPLES, ValidateArgs};

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

/// Exit code for input that omnilab cannot use (the same code clap uses for usage errors).
const EXIT_INVALID: u8 = 2;

/// Exit code for a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    // Logs (off unless RUST_LOG asks, e.g. RUST_LOG=omnilab=debug) go to stderr, apart from
    // the results and messages this file prints.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate(args) => cli::validate::validate(&args),
        Command::Run(args) => cli::run::run(&args),
        Command::Check(args) => cli::check::check(&args),
        Command::Sweep(args) => cli::sweep::sweep(&args),
        Command::Merge(args) => cli::sweep::merge(&args),
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("error: {error}");
        ExitCode::FAILURE
    })
}
