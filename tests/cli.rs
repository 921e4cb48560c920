//! Integration tests of the `omnilab` binary: one test binary, one module per subcommand under
//! `tests/cli/`, each test named by the behaviour it checks.
//!
//! Tests run the built binary on files in the repository (`scenarios/`, `tests/fixtures/`)
//! and assert exit codes and the key words of what it prints; `fuzz_regressions` replays the
//! fuzzing corpus through the library, as the fuzz targets do. They touch nothing outside a
//! temporary directory.

#[path = "cli/bound.rs"]
mod bound;
#[path = "cli/check.rs"]
mod check;
#[path = "cli/disruptions.rs"]
mod disruptions;
#[path = "cli/fuzz_regressions.rs"]
mod fuzz_regressions;
#[path = "cli/malformed.rs"]
mod malformed;
#[path = "cli/report.rs"]
mod report;
#[path = "cli/results.rs"]
mod results;
#[path = "cli/run.rs"]
mod run;
#[path = "cli/sweep.rs"]
mod sweep;
#[path = "cli/validate.rs"]
mod validate;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Runs `omnilab` with `args` from the repository root.
pub fn omnilab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_omnilab"))
        .args(args)
        .current_dir(repository())
        .output()
        .expect("the omnilab binary runs")
}

/// Starts `omnilab` with `args` from the repository root, sends it SIGINT (as Ctrl-C does)
/// after `after`, and waits for it to exit; stdout is discarded, stderr kept.
pub fn interrupted(args: &[&str], after: Duration) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_omnilab"))
        .args(args)
        .current_dir(repository())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the omnilab binary starts");
    std::thread::sleep(after);
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(kill.expect("kill runs").success());
    child.wait_with_output().expect("omnilab exits")
}

/// The repository root.
pub fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A malformed scenario under `tests/fixtures/invalid/`, relative to the repository root.
pub fn invalid_fixture(name: &str) -> PathBuf {
    Path::new("tests/fixtures/invalid").join(name)
}

/// The process's standard output and error as text.
pub fn text(output: &Output) -> (String, String) {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (stdout, stderr)
}
