//! Expectations on a run's results, the CI gates of `omnilab check`: what a scenario's
//! `[[expect]]` entries mean once resolved, and their evaluation against a comparison.
//!
//! An [`Expectation`] is either absolute (one policy's metric in one scope, judged on its
//! mean and 95% interval over replications, as `summary.csv` reports them) or relative (the
//! paired difference `policy - versus` over the common replications, the interval
//! `summary.csv` gives against the baseline, for any two policies). Its bounds are widened
//! by the tolerance, and either the mean or the whole interval must lie within them.
//! [`evaluate`] returns one [`Verdict`] per expectation, in order; a metric no replication
//! reported is a verdict that did not hold, never a silent pass.
//!
//! Measurements come from `report` (the summary rows and
//! [`crate::report::paired_difference`]), so a gate judges exactly the
//! numbers the results show. Nothing here runs a simulation, prints or touches files.

use std::fmt::Write;

use crate::experiment::Comparison;
use crate::orders::Channel;
use crate::report::{SummaryRow, paired_difference};
use crate::scenario::file::{ExpectFile, Judged};
use crate::sim::Scope;
use crate::stats::Interval;

/// One expectation of a scenario, resolved from its `[[expect]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// The policy judged.
    pub policy: String,
    /// For a relative expectation, the policy subtracted from `policy`'s values.
    pub versus: Option<String>,
    /// A metric of `summary.csv`.
    pub metric: String,
    /// `all` or one channel.
    pub scope: Scope,
    /// The lowest acceptable value, before the tolerance.
    pub min: Option<f64>,
    /// The highest acceptable value, before the tolerance.
    pub max: Option<f64>,
    /// Slack: the bounds become `min - tolerance` and `max + tolerance`.
    pub tolerance: f64,
    /// Whether the mean or the whole 95% interval must lie within the bounds.
    pub by: Judged,
}

impl Expectation {
    /// The expectation an entry of a validated file states; `None` when its channel is
    /// neither `all` nor a channel (validation rejects such files).
    pub(crate) fn from_file(file: &ExpectFile) -> Option<Expectation> {
        let scope = match file.channel.as_str() {
            "all" => Scope::All,
            name => Scope::Channel(Channel::parse(name)?),
        };
        Some(Expectation {
            policy: file.policy.clone(),
            versus: file.versus.clone(),
            metric: file.metric.clone(),
            scope,
            min: file.min,
            max: file.max,
            tolerance: file.tolerance,
            by: file.by,
        })
    }

    /// The lowest acceptable value, tolerance included.
    pub fn low(&self) -> Option<f64> {
        self.min.map(|min| min - self.tolerance)
    }

    /// The highest acceptable value, tolerance included.
    pub fn high(&self) -> Option<f64> {
        self.max.map(|max| max + self.tolerance)
    }

    /// Whether `measured` satisfies the bounds: its mean, or with `by = "interval"` both
    /// ends of its interval (an interval that could not be computed, from fewer than two
    /// replications, satisfies nothing; nor does a mean that is not a number).
    pub fn holds(&self, measured: &Interval) -> bool {
        let (lowest, highest) = match self.by {
            Judged::Mean => (measured.mean, measured.mean),
            Judged::Interval => (measured.low, measured.high),
        };
        let above = self.low().is_none_or(|low| lowest >= low);
        let below = self.high().is_none_or(|high| highest <= high);
        above && below && !lowest.is_nan() && !highest.is_nan()
    }

    /// What is measured: `nearest otif (all)`, or `min_split - nearest split_rate (web)`.
    pub fn subject(&self) -> String {
        let policies = match &self.versus {
            Some(versus) => format!("{} - {versus}", self.policy),
            None => self.policy.clone(),
        };
        format!("{policies} {} ({})", self.metric, self.scope.as_str())
    }

    /// The bounds as written, with the tolerance and what is judged: `>= 0.95`,
    /// `<= 0 + 0.002`, `interval in [0.9, 0.99]`.
    pub fn bounds(&self) -> String {
        let tolerance = |sign: char| {
            if self.tolerance > 0.0 { format!(" {sign} {}", self.tolerance) } else { String::new() }
        };
        let range = match (self.min, self.max) {
            (Some(min), Some(max)) => {
                format!("in [{min}{}, {max}{}]", tolerance('-'), tolerance('+'))
            }
            (Some(min), None) => format!(">= {min}{}", tolerance('-')),
            (None, Some(max)) => format!("<= {max}{}", tolerance('+')),
            (None, None) => "no bound".to_string(),
        };
        match self.by {
            Judged::Mean => range,
            Judged::Interval => format!("interval {range}"),
        }
    }
}

/// How one expectation fared.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The expectation.
    pub expectation: Expectation,
    /// The mean and 95% interval measured (of the paired difference, for a relative
    /// expectation); `None` when no replication reported the metric.
    pub measured: Option<Interval>,
    /// Whether the expectation held.
    pub held: bool,
}

impl Verdict {
    /// One line for a terminal: `nearest otif (all)  mean 0.9532 [0.9481, 0.9583]  >= 0.95`.
    pub fn line(&self) -> String {
        let mut line = self.expectation.subject();
        match &self.measured {
            Some(m) => {
                let _ = write!(line, "  mean {:.4} [{:.4}, {:.4}]", m.mean, m.low, m.high);
            }
            None => line.push_str("  not measured: no replication reported it"),
        }
        let _ = write!(line, "  {}", self.expectation.bounds());
        line
    }

    /// The verdict as a JSON object, for `omnilab check --json`; numbers that are not
    /// finite (an interval from one replication) are `null`.
    pub fn to_json(&self, scenario: &str) -> serde_json::Value {
        let e = &self.expectation;
        let m = self.measured;
        serde_json::json!({
            "scenario": scenario,
            "policy": e.policy,
            "versus": e.versus,
            "metric": e.metric,
            "channel": e.scope.as_str(),
            "by": e.by.as_str(),
            "min": e.min,
            "max": e.max,
            "tolerance": e.tolerance,
            "held": self.held,
            "mean": m.and_then(|m| finite(m.mean)),
            "ci95_low": m.and_then(|m| finite(m.low)),
            "ci95_high": m.and_then(|m| finite(m.high)),
            "replications": m.map_or(0, |m| m.n),
        })
    }
}

/// `value` when finite.
fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

/// Judges every expectation against a comparison and its summary rows (as
/// [`summarize`](crate::report::summarize) returns them), in order.
pub fn evaluate(
    expectations: &[Expectation],
    comparison: &Comparison,
    rows: &[SummaryRow],
) -> Vec<Verdict> {
    expectations
        .iter()
        .map(|expectation| {
            let measured = measure(expectation, comparison, rows);
            let held = measured.as_ref().is_some_and(|m| expectation.holds(m));
            Verdict { expectation: expectation.clone(), measured, held }
        })
        .collect()
}

/// The interval an expectation is judged on: the summary row of an absolute one, the paired
/// difference of a relative one.
fn measure(e: &Expectation, comparison: &Comparison, rows: &[SummaryRow]) -> Option<Interval> {
    match &e.versus {
        Some(versus) => paired_difference(comparison, &e.policy, versus, e.scope, &e.metric),
        None => rows
            .iter()
            .find(|r| r.policy == e.policy && r.scope == e.scope && r.metric == e.metric)
            .map(|r| r.interval),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::report::summarize;
    use crate::sim::{RepKpis, RepOutcome};

    /// A replication that reported only `otif` and `split_rate` over all channels.
    fn outcome(otif: f64, split_rate: f64) -> RepOutcome {
        let kpis = vec![(Scope::All, "otif", otif), (Scope::All, "split_rate", split_rate)];
        RepOutcome {
            kpis: RepKpis { kpis, ..RepKpis::default() },
            explanations: Vec::new(),
            events: 0,
            arrivals: 0,
        }
    }

    /// Two policies over four replications, with numbers chosen to be easy by hand.
    ///
    /// `nearest`: otif 0.95, 0.96, 0.94, 0.95 and split_rate 0.10, 0.12, 0.11, 0.11.
    /// `min_split`: otif 0.94, 0.95, 0.93, 0.96 and split_rate 0.05, 0.08, 0.06, 0.05.
    fn comparison() -> Comparison {
        let nearest = [(0.95, 0.10), (0.96, 0.12), (0.94, 0.11), (0.95, 0.11)];
        let min_split = [(0.94, 0.05), (0.95, 0.08), (0.93, 0.06), (0.96, 0.05)];
        let reps = |values: &[(f64, f64)]| values.iter().map(|&(o, s)| outcome(o, s)).collect();
        Comparison {
            policies: vec!["nearest".into(), "min_split".into()],
            baseline: Some(0),
            outcomes: vec![reps(&nearest), reps(&min_split)],
            wall_time: Duration::ZERO,
        }
    }

    fn expectation(policy: &str, metric: &str) -> Expectation {
        Expectation {
            policy: policy.into(),
            versus: None,
            metric: metric.into(),
            scope: Scope::All,
            min: None,
            max: None,
            tolerance: 0.0,
            by: Judged::Mean,
        }
    }

    fn judge(expectations: &[Expectation]) -> Vec<Verdict> {
        let c = comparison();
        evaluate(expectations, &c, &summarize(&c))
    }

    /// t(0.975, 3 degrees of freedom), from the table in `stats`.
    const T3: f64 = 3.1824;

    #[test]
    fn an_absolute_floor_is_judged_on_the_mean() {
        // nearest otif: mean (0.95 + 0.96 + 0.94 + 0.95) / 4 = 0.95; deviations 0, .01,
        // -.01, 0: variance 0.0002 / 3, standard error sqrt(0.0002 / 12) = 0.004082;
        // half width 3.1824 * 0.004082 = 0.012992: interval [0.93701, 0.96299].
        let floor = Expectation { min: Some(0.95), ..expectation("nearest", "otif") };
        let higher = Expectation { min: Some(0.951), ..floor.clone() };
        let verdicts = judge(&[floor, higher]);

        let m = verdicts[0].measured.expect("measured");
        let half = T3 * (0.0002f64 / 12.0).sqrt();
        assert!((m.mean - 0.95).abs() < 1e-12);
        assert!((m.low - (0.95 - half)).abs() < 1e-9 && (m.high - (0.95 + half)).abs() < 1e-9);
        assert_eq!(m.n, 4);
        assert!(verdicts[0].held, "0.95 >= 0.95");
        assert!(!verdicts[1].held, "0.95 < 0.951");
    }

    #[test]
    fn by_interval_needs_the_whole_interval_within_the_bounds() {
        // nearest otif: interval [0.93701, 0.96299] (see above): its mean clears 0.94, its
        // low end does not; 0.93 is cleared by both.
        let at_94 =
            Expectation { min: Some(0.94), by: Judged::Interval, ..expectation("nearest", "otif") };
        let at_93 = Expectation { min: Some(0.93), ..at_94.clone() };
        let mean_94 = Expectation { by: Judged::Mean, ..at_94.clone() };
        let held: Vec<bool> = judge(&[at_94, at_93, mean_94]).iter().map(|v| v.held).collect();
        assert_eq!(held, [false, true, true]);
    }

    #[test]
    fn a_relative_expectation_judges_the_paired_difference() {
        // min_split - nearest split_rate, per replication: -0.05, -0.04, -0.05, -0.06:
        // mean -0.05; deviations 0, .01, 0, -.01: variance 0.0002 / 3, half width
        // 3.1824 * sqrt(0.0002 / 12) = 0.012992: interval [-0.06299, -0.03701].
        let fewer = Expectation {
            versus: Some("nearest".into()),
            max: Some(0.0),
            by: Judged::Interval,
            ..expectation("min_split", "split_rate")
        };
        let verdict = &judge(std::slice::from_ref(&fewer))[0];
        let m = verdict.measured.expect("measured");
        let half = T3 * (0.0002f64 / 12.0).sqrt();
        assert!((m.mean + 0.05).abs() < 1e-12);
        assert!((m.high - (-0.05 + half)).abs() < 1e-9);
        assert!(verdict.held);

        // The same difference from the other side: nearest - min_split is +0.05, which
        // breaks max = 0.
        let reversed =
            Expectation { policy: "nearest".into(), versus: Some("min_split".into()), ..fewer };
        assert!(!judge(&[reversed])[0].held);
    }

    #[test]
    fn the_paired_difference_against_the_baseline_is_the_summary_diff() {
        let c = comparison();
        let rows = summarize(&c);
        let row = rows
            .iter()
            .find(|r| r.policy == "min_split" && r.metric == "split_rate")
            .expect("summary row");
        let diff = paired_difference(&c, "min_split", "nearest", Scope::All, "split_rate");
        assert_eq!(diff, row.diff);
    }

    #[test]
    fn tolerance_widens_both_bounds() {
        // min_split - nearest otif, per replication: -0.01, -0.01, -0.01, +0.01: mean
        // -0.005. `min = 0` fails; `min = 0` with tolerance 0.005 is `>= -0.005` and holds
        // (up to rounding: compare with 0.0051); `max = -0.01` with tolerance 0.004 is
        // `<= -0.006` and fails.
        let no_worse = Expectation {
            versus: Some("nearest".into()),
            min: Some(0.0),
            ..expectation("min_split", "otif")
        };
        let tolerant = Expectation { tolerance: 0.0051, ..no_worse.clone() };
        let capped =
            Expectation { min: None, max: Some(-0.01), tolerance: 0.004, ..no_worse.clone() };
        let verdicts = judge(&[no_worse, tolerant.clone(), capped]);
        assert!((verdicts[0].measured.expect("measured").mean + 0.005).abs() < 1e-12);
        let held: Vec<bool> = verdicts.iter().map(|v| v.held).collect();
        assert_eq!(held, [false, true, false]);
        assert!((tolerant.low().expect("a floor") + 0.0051).abs() < 1e-15);
    }

    #[test]
    fn a_metric_nobody_reported_does_not_hold() {
        let web = Expectation {
            scope: Scope::Channel(Channel::Web),
            min: Some(0.0),
            ..expectation("nearest", "otif")
        };
        let relative = Expectation { versus: Some("nearest".into()), ..web.clone() };
        for verdict in judge(&[web, relative]) {
            assert_eq!(verdict.measured, None);
            assert!(!verdict.held);
            assert!(verdict.line().contains("not measured"), "{}", verdict.line());
        }
    }

    #[test]
    fn one_replication_has_a_mean_but_no_interval() {
        let single = Interval { mean: 0.97, low: f64::NAN, high: f64::NAN, n: 1 };
        let by_mean = Expectation { min: Some(0.95), ..expectation("nearest", "otif") };
        let by_interval = Expectation { by: Judged::Interval, ..by_mean.clone() };
        assert!(by_mean.holds(&single));
        assert!(!by_interval.holds(&single));
    }

    #[test]
    fn lines_show_the_measurement_and_the_bounds() {
        let floor = Expectation { min: Some(0.95), ..expectation("nearest", "otif") };
        let verdict = &judge(std::slice::from_ref(&floor))[0];
        assert_eq!(verdict.line(), "nearest otif (all)  mean 0.9500 [0.9370, 0.9630]  >= 0.95");

        let relative = Expectation {
            versus: Some("nearest".into()),
            scope: Scope::Channel(Channel::Web),
            min: Some(-0.1),
            max: Some(0.0),
            tolerance: 0.002,
            by: Judged::Interval,
            ..expectation("min_split", "split_rate")
        };
        assert_eq!(relative.subject(), "min_split - nearest split_rate (web)");
        assert_eq!(relative.bounds(), "interval in [-0.1 - 0.002, 0 + 0.002]");
    }

    #[test]
    fn verdicts_become_json_objects() {
        let floor = Expectation { min: Some(0.95), ..expectation("nearest", "otif") };
        let json = judge(&[floor])[0].to_json("quickstart");
        assert_eq!(json["scenario"], "quickstart");
        assert_eq!(json["held"], true);
        assert_eq!(json["versus"], serde_json::Value::Null);
        assert_eq!(json["replications"], 4);
        assert!((json["mean"].as_f64().expect("a number") - 0.95).abs() < 1e-12);
    }

    #[test]
    fn file_entries_resolve_their_channel() {
        let file = ExpectFile {
            policy: "nearest".into(),
            versus: None,
            metric: "otif".into(),
            channel: "walk_in".into(),
            min: Some(0.5),
            max: None,
            tolerance: 0.0,
            by: Judged::Mean,
        };
        let resolved = Expectation::from_file(&file).expect("a channel");
        assert_eq!(resolved.scope, Scope::Channel(Channel::WalkIn));
        let all = ExpectFile { channel: "all".into(), ..file.clone() };
        assert_eq!(Expectation::from_file(&all).map(|e| e.scope), Some(Scope::All));
        assert_eq!(Expectation::from_file(&ExpectFile { channel: "x".into(), ..file }), None);
    }
}
