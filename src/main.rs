//! The `omnilab` command line: argument parsing, user-facing messages and exit codes.
//!
//! One function per subcommand; each returns the process exit code. The library does the
//! work and never prints; this file prints results to stdout and diagnostics to stderr.
//! Exit codes: 0 success, 2 invalid input (a scenario that does not load, or a usage error
//! reported by clap), 1 an unexpected failure (e.g. stdout closed).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use omnilab::scenario;

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
  omnilab validate scenarios/quickstart.toml
  omnilab help validate";

#[derive(Debug, Subcommand)]
enum Command {
    /// Check scenario files without running them.
    ///
    /// Parses and validates each file and reports every problem with its file, line,
    /// column and field path. Prints `ok: <file>` for each valid file. Exits with 0 when
    /// every file is valid and with 2 when any is not.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
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
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate(args) => validate(&args),
    };
    outcome.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::FAILURE
    })
}

/// `omnilab validate`: loads every file, reporting all of them before deciding the exit code.
fn validate(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let mut all_valid = true;

    for file in &args.files {
        match scenario::load(file) {
            Ok(_) => writeln!(stdout, "ok: {}", file.display())?,
            Err(error) => {
                all_valid = false;
                for diagnostic in error.diagnostics() {
                    writeln!(stderr, "{diagnostic}")?;
                }
            }
        }
    }

    Ok(if all_valid { ExitCode::SUCCESS } else { ExitCode::from(EXIT_INVALID) })
}
