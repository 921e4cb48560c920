//! File type of `[[expect]]`: an expectation a CI gate checks on a run's results, either a
//! policy's KPI against a bound or the paired difference between two policies.
//!
//! Data only, as the file spells it: `metric` and `channel` stay strings so validation can
//! collect every unknown name with a suggestion; checks live in `validate::expect`, and what
//! an expectation means is decided by the `expect` module.

use serde::Deserialize;

/// An expectation, `[[expect]]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectFile {
    /// The policy whose results are judged.
    pub policy: String,
    /// Another policy: when given, the bounds apply to the paired difference
    /// `policy - versus` over the common replications.
    pub versus: Option<String>,
    /// A metric of `summary.csv`.
    pub metric: String,
    /// `all` (the default) or a channel.
    #[serde(default = "default_channel")]
    pub channel: String,
    /// The lowest acceptable value.
    pub min: Option<f64>,
    /// The highest acceptable value.
    pub max: Option<f64>,
    /// Slack that widens both bounds (`min - tolerance`, `max + tolerance`).
    #[serde(default)]
    pub tolerance: f64,
    /// Whether the mean or the whole 95% interval must lie within the bounds.
    #[serde(default)]
    pub by: Judged,
}

fn default_channel() -> String {
    "all".to_string()
}

/// What of a measurement must satisfy an expectation's bounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judged {
    /// The mean over replications (the default).
    #[default]
    Mean,
    /// The whole 95% interval: the expectation holds only when the replications show it
    /// with confidence.
    Interval,
}

impl Judged {
    /// The name scenario files use.
    pub fn as_str(self) -> &'static str {
        match self {
            Judged::Mean => "mean",
            Judged::Interval => "interval",
        }
    }
}
