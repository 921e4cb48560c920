//! `omnilab validate`: checks scenario files (and the demand traces they replay) without
//! running them, and prints every problem with its file, line, column and field path.
//!
//! Owns [`ValidateArgs`] and the subcommand's examples. It only loads and reports; it must
//! not simulate or write anything.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use omnilab::scenario;

use super::common::trace_problems;
use crate::EXIT_INVALID;

pub(crate) const VALIDATE_EXAMPLES: &str = "\
Examples:
  omnilab validate scenarios/quickstart.toml
  omnilab validate scenarios/*.toml";

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// `omnilab validate`: loads every file, reporting all of them before deciding the exit code.
pub(crate) fn validate(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
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
