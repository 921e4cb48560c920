//! `omnilab sweep` and `omnilab merge`: a scenario run over a grid of parameter values,
//! whole or one shard at a time, and the shards of one sweep joined into its results.
//!
//! Owns [`SweepArgs`], [`MergeArgs`], the checks of every variant before anything runs, the
//! default sweep folders and the table printed after a sweep. The grid, the units and the
//! merge itself are `omnilab::sweep`'s; the files are `omnilab::report::sweep`'s. A sweep
//! that fails in any way must leave the previous results folder as it was.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use omnilab::report::sweep::{SweepRow, read_shard, write_shard, write_sweep};
use omnilab::scenario;
use omnilab::sim::{Cancel, Scope, SimOptions};
use omnilab::sweep::{self, Set, Shard, SpecInputs, Sweep, SweepError, SweepSpec};

use super::common::{
    check_resources, intact, progress_bar, report_failed_run, report_invalid, select_policies,
    sha256_hex, stop_on_signals, trace_problems,
};
use crate::EXIT_INVALID;

pub(crate) const SWEEP_EXAMPLES: &str = "\
Examples:
  omnilab sweep scenarios/quickstart.toml --set demand.channels.web.rate_per_day=800,1000,1200
  omnilab sweep scenarios/quickstart.toml --set inventory.visibility_sync_minutes=0,15,60 \\
      --set 'policies[4].max_shipments=2,3' --replications 20
  omnilab sweep scenarios/quickstart.toml --set carrier.cutoff='\"14:00\",\"18:00\"'
  omnilab sweep scenarios/quickstart.toml --set seed=1,2 --shard 3/8 --out shards/3

Shards: results/<name>/sweep-shards/shard-<i>-of-<n> by default; join them with
  omnilab merge results/<name>/sweep-shards/shard-*";

pub(crate) const MERGE_EXAMPLES: &str = "\
Examples:
  omnilab merge results/quickstart/sweep-shards/shard-*
  omnilab merge shards/1 shards/2 shards/3 --out results/quickstart/sweep";

#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
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
pub(crate) struct MergeArgs {
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

/// `omnilab sweep`: load the scenario, check every variant, run the shard's units (all of
/// them without --shard), write. Nothing runs unless every variant is valid, and any failure
/// leaves the previous results folder as it was.
pub(crate) fn sweep(args: &SweepArgs) -> anyhow::Result<ExitCode> {
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
pub(crate) fn merge(args: &MergeArgs) -> anyhow::Result<ExitCode> {
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
