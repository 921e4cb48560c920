//! The subcommands of the `omnilab` binary, one module each: `validate`, `run` (with the
//! load, simulate, save path that `check` shares), `check`, and `sweep` (with `merge`), plus
//! the helpers they share in `common`.
//!
//! Binary-only: nothing here is part of the library's API. Each subcommand owns its clap
//! arguments and examples and returns the process exit code; `main.rs` owns `Cli`,
//! `Command` and the exit-code constants.

pub(crate) mod check;
mod common;
pub(crate) mod run;
pub(crate) mod sweep;
pub(crate) mod validate;
