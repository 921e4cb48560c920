//! Helpers shared by the subcommands: loading diagnostics, the memory guard, Ctrl-C
//! handling, the messages of a failed run, policy selection, demand trace checks, the
//! progress bar and file hashes.
//!
//! Owns no subcommand and no clap type. Everything here prints to stderr only (diagnostics
//! and progress), never to stdout, so `--json` output stays parseable.

use std::path::Path;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use omnilab::experiment::RunError;
use omnilab::guard;
use omnilab::scenario::{self, DemandSource, Scenario};
use omnilab::sim::{Cancel, SimError};
use omnilab::trace::{self, TraceContext, TraceError};

use crate::{EXIT_INTERRUPTED, EXIT_INVALID};

/// Prints every diagnostic of a scenario that failed to load; returns the exit code.
pub(super) fn report_invalid(error: &scenario::ScenarioError) -> ExitCode {
    for diagnostic in error.diagnostics() {
        eprintln!("{diagnostic}");
    }
    ExitCode::from(EXIT_INVALID)
}

/// Refuses a run whose estimated memory exceeds the machine's, unless `force`.
pub(super) fn check_resources(
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
pub(super) fn stop_on_signals(cancel: &Cancel) {
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
pub(super) fn report_failed_run(what: &str, error: &RunError, out: Option<&Path>) -> ExitCode {
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
pub(super) fn intact(out: &Path) -> String {
    if out.exists() {
        format!("the previous results in {} are intact", out.display())
    } else {
        format!("no results were written to {}", out.display())
    }
}

/// The policy indices to run: all, or those named (in the order named).
pub(super) fn select_policies(
    sc: &Scenario,
    names: Option<&[String]>,
) -> Result<Vec<usize>, String> {
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
pub(super) fn trace_problems(sc: &Scenario) -> Vec<String> {
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
pub(super) fn progress_bar(quiet: bool, total: usize, name: &str) -> ProgressBar {
    let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() };
    let bar = ProgressBar::with_draw_target(Some(total as u64), target);
    let template = "{msg} {bar:40} {pos}/{len} replications  {elapsed}";
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_message(name.to_string());
    bar
}

/// The SHA-256 of `bytes` in lowercase hex.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
