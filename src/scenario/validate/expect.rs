//! Checks of `[[expect]]`: the policies named exist and differ, the metric is one the
//! summary reports (and can be reported in this scenario), the channel is known, the bounds
//! are finite and in order, and the tolerance is not negative.
//!
//! Metric names come from the report's metric table, the one list of what `summary.csv`
//! holds; this file keeps no list of its own.

use super::{Checks, one_of};
use crate::report::metrics::{is_derived, is_summary_metric, needs_bound, summary_metrics};
use crate::scenario::file::{Channel, ExpectFile, ScenarioFile};

pub(super) fn check(file: &ScenarioFile, checks: &mut Checks) {
    let policies: Vec<&str> = file.policies.iter().map(|p| p.name.as_str()).collect();
    for (index, expectation) in file.expect.iter().enumerate() {
        let path = format!("expect[{index}]");
        policy(&format!("{path}.policy"), &expectation.policy, &policies, checks);
        versus(&path, expectation, &policies, checks);
        metric(&path, expectation, file, checks);
        channel(&format!("{path}.channel"), &expectation.channel, checks);
        bounds(&path, expectation, checks);
        checks.at_least(&format!("{path}.tolerance"), expectation.tolerance, 0.0);
    }
}

/// `name`, written at `path`, must be a policy of the scenario.
fn policy(path: &str, name: &str, policies: &[&str], checks: &mut Checks) {
    if policies.contains(&name) {
        return;
    }
    let hint = checks.suggestion(name, policies);
    let message = format!("unknown policy \"{name}\", {}", one_of(policies));
    checks.fail_with_hint(path, message, hint);
}

/// A relative expectation compares two different policies of the scenario.
fn versus(path: &str, expectation: &ExpectFile, policies: &[&str], checks: &mut Checks) {
    let Some(versus) = &expectation.versus else { return };
    let versus_path = format!("{path}.versus");
    if *versus == expectation.policy {
        let message = format!(
            "must differ from policy (\"{versus}\"): a policy's difference from itself is zero"
        );
        checks.fail(versus_path, message);
        return;
    }
    policy(&versus_path, versus, policies, checks);
}

/// The metric must be one the summary reports, and one this scenario's run can report.
fn metric(path: &str, expectation: &ExpectFile, file: &ScenarioFile, checks: &mut Checks) {
    let metric_path = format!("{path}.metric");
    let metric = expectation.metric.as_str();
    if !is_summary_metric(metric) {
        let names: Vec<&str> = summary_metrics().collect();
        let hint = checks.suggestion(metric, &names);
        let message = format!(
            "unknown metric \"{metric}\", expected a metric of summary.csv (docs/metrics.md)"
        );
        checks.fail_with_hint(metric_path, message, hint);
        return;
    }

    if needs_bound(metric) && !file.bound.enabled {
        let message = format!(
            "\"{metric}\" exists only with the hindsight bound, which this scenario does not \
             compute; set [bound] enabled = true"
        );
        checks.fail(metric_path, message);
    } else if is_derived(metric) && expectation.versus.is_some() {
        let message = format!(
            "\"{metric}\" has no value per replication, so no paired difference: give each \
             policy an expectation of its own, without versus"
        );
        checks.fail(metric_path, message);
    } else if is_derived(metric) && file.baseline_name() == Some(expectation.policy.as_str()) {
        let message = format!(
            "\"{metric}\" is measured against the baseline, so the baseline (\"{}\") has none",
            expectation.policy
        );
        checks.fail(metric_path, message);
    }
}

/// `all` or the name of a channel.
fn channel(path: &str, name: &str, checks: &mut Checks) {
    let names: Vec<&str> =
        std::iter::once("all").chain(Channel::ALL.iter().map(|c| c.as_str())).collect();
    if names.contains(&name) {
        return;
    }
    let hint = checks.suggestion(name, &names);
    checks.fail_with_hint(path, format!("unknown channel \"{name}\", {}", one_of(&names)), hint);
}

/// At least one bound, finite, and `min <= max`.
fn bounds(path: &str, expectation: &ExpectFile, checks: &mut Checks) {
    let (min, max) = (expectation.min, expectation.max);
    if min.is_none() && max.is_none() {
        checks.fail(path, "needs min, max or both, expected the bounds the metric must keep");
        return;
    }
    let min_ok = min.is_none_or(|v| checks.finite(&format!("{path}.min"), v));
    let max_ok = max.is_none_or(|v| checks.finite(&format!("{path}.max"), v));
    if let (Some(low), Some(high), true, true) = (min, max, min_ok, max_ok) {
        if low > high {
            checks.fail(format!("{path}.min"), format!("must be <= max ({high}), found {low}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::scenario::file::{ExpectFile, Judged, ScenarioFile};

    /// An absolute expectation on `dc_first`'s OTIF, valid in the test scenario.
    fn otif_floor() -> ExpectFile {
        ExpectFile {
            policy: "dc_first".into(),
            versus: None,
            metric: "otif".into(),
            channel: "all".into(),
            min: Some(0.9),
            max: None,
            tolerance: 0.0,
            by: Judged::Mean,
        }
    }

    fn with(expectation: ExpectFile) -> ScenarioFile {
        ScenarioFile { expect: vec![expectation], ..valid() }
    }

    #[test]
    fn valid_expectations_pass() {
        let relative = ExpectFile {
            versus: Some("custom".into()),
            min: None,
            max: Some(0.0),
            tolerance: 0.01,
            channel: "web".into(),
            by: Judged::Interval,
            ..otif_floor()
        };
        let file = ScenarioFile { expect: vec![otif_floor(), relative], ..valid() };
        assert_eq!(issues(&file), Vec::new());
    }

    #[test]
    fn policies_must_exist_and_differ() {
        let file = with(ExpectFile { policy: "dc_frist".into(), ..otif_floor() });
        assert_only_issue(&file, "expect[0].policy", "unknown policy \"dc_frist\"");
        assert_eq!(issues(&file)[0].hint.as_deref(), Some("did you mean `dc_first`?"));
        let file = with(ExpectFile { versus: Some("nope".into()), ..otif_floor() });
        assert_only_issue(&file, "expect[0].versus", "unknown policy \"nope\"");
        let file = with(ExpectFile { versus: Some("dc_first".into()), ..otif_floor() });
        assert_only_issue(&file, "expect[0].versus", "must differ from policy");
    }

    #[test]
    fn metrics_must_be_in_the_summary() {
        let file = with(ExpectFile { metric: "otf".into(), ..otif_floor() });
        assert_only_issue(&file, "expect[0].metric", "unknown metric \"otf\"");
        assert_eq!(issues(&file)[0].hint.as_deref(), Some("did you mean `otif`?"));
        let file = with(ExpectFile { metric: "picks".into(), ..otif_floor() });
        assert_only_issue(&file, "expect[0].metric", "unknown metric \"picks\"");
    }

    #[test]
    fn bound_metrics_need_the_bound() {
        let gap = ExpectFile { metric: "hindsight_gap".into(), ..otif_floor() };
        assert_only_issue(&with(gap.clone()), "expect[0].metric", "[bound] enabled = true");
        let mut file = with(gap);
        file.bound.enabled = true;
        assert_eq!(issues(&file), Vec::new());
    }

    #[test]
    fn gap_closed_needs_a_policy_other_than_the_baseline_and_no_versus() {
        let closed = ExpectFile { metric: "gap_closed".into(), ..otif_floor() };
        let mut file = with(closed.clone());
        file.bound.enabled = true;
        assert_only_issue(&file, "expect[0].metric", "the baseline (\"dc_first\") has none");
        let relative =
            ExpectFile { policy: "custom".into(), versus: Some("dc_first".into()), ..closed };
        file.expect = vec![relative];
        assert_only_issue(&file, "expect[0].metric", "no paired difference");
    }

    #[test]
    fn channels_are_all_or_a_channel() {
        let file = with(ExpectFile { channel: "webb".into(), ..otif_floor() });
        assert_only_issue(&file, "expect[0].channel", "unknown channel \"webb\"");
    }

    #[test]
    fn bounds_are_given_finite_and_in_order() {
        let file = with(ExpectFile { min: None, ..otif_floor() });
        assert_only_issue(&file, "expect[0]", "needs min, max or both");
        let file = with(ExpectFile { min: Some(f64::NAN), ..otif_floor() });
        assert_only_issue(&file, "expect[0].min", "finite number, found NaN");
        let file = with(ExpectFile { max: Some(f64::INFINITY), ..otif_floor() });
        assert_only_issue(&file, "expect[0].max", "finite number, found inf");
        let file = with(ExpectFile { min: Some(0.9), max: Some(0.8), ..otif_floor() });
        assert_only_issue(&file, "expect[0].min", "must be <= max (0.8), found 0.9");
    }

    #[test]
    fn tolerance_is_not_negative() {
        let file = with(ExpectFile { tolerance: -0.01, ..otif_floor() });
        assert_only_issue(&file, "expect[0].tolerance", "must be >= 0, found -0.01");
    }
}
