//! Checks of `[[disruptions]]`: the keys each kind needs and no others, a window inside the
//! horizon that ends after it starts, nodes the network has, finite delays, shares in
//! [0, 1] and zones the rate card has.

use super::{Checks, NodeNames};
use crate::scenario::file::{DEFAULT_ZONE_COUNT, DisruptionFile, DisruptionKind, ScenarioFile};

/// The longest carrier delay, in days.
const MAX_EXTRA_DAYS: f64 = 365.0;
/// The largest transit multiplier of a carrier delay.
const MAX_FACTOR: f64 = 100.0;

pub(super) fn check(file: &ScenarioFile, names: &NodeNames<'_>, checks: &mut Checks) {
    let horizon = file.horizon_days as f64;
    let zones = file.carrier.bands_miles.as_ref().map_or(DEFAULT_ZONE_COUNT, |b| b.len() + 1);
    for (index, d) in file.disruptions.iter().enumerate() {
        let path = format!("disruptions[{index}]");
        if !keys_fit(&path, d, checks) {
            continue;
        }
        match d.kind {
            DisruptionKind::NodeOutage => {
                window(&path, d, horizon, checks);
                nodes(&path, d, names, checks);
            }
            DisruptionKind::CarrierDelay => {
                window(&path, d, horizon, checks);
                delay(&path, d, zones, checks);
            }
            DisruptionKind::AtpSyncOutage => window(&path, d, horizon, checks),
            DisruptionKind::Shrink => shrink(&path, d, horizon, names, checks),
        }
    }
}

/// Every key the kind requires is there and none it does not use; returns whether the
/// kind's own checks can run.
fn keys_fit(path: &str, d: &DisruptionFile, checks: &mut Checks) -> bool {
    let kind = d.kind.as_str();
    let given = d.keys_given();
    let mut fit = true;
    for key in d.kind.required() {
        if !given.contains(key) {
            checks.fail(format!("{path}.{key}"), format!("missing, required for kind \"{kind}\""));
            fit = false;
        }
    }
    for key in given {
        if !d.kind.allowed().contains(&key) {
            let message = format!(
                "does not apply to kind \"{kind}\", expected only {}",
                d.kind.allowed().join(", ")
            );
            checks.fail(format!("{path}.{key}"), message);
        }
    }
    fit
}

/// `start_day` in [0, horizon), `end_day` after it and at most the horizon.
fn window(path: &str, d: &DisruptionFile, horizon: f64, checks: &mut Checks) {
    let (Some(start), Some(end)) = (d.start_day, d.end_day) else { return };
    let start_ok = checks.finite(&format!("{path}.start_day"), start);
    let end_ok = checks.finite(&format!("{path}.end_day"), end);
    if start_ok && !(0.0..horizon).contains(&start) {
        let message = format!("must be in [0, horizon_days ({horizon})), found {start}");
        checks.fail(format!("{path}.start_day"), message);
    }
    if !end_ok {
        return;
    }
    if end > horizon {
        let message = format!("must be <= horizon_days ({horizon}), found {end}");
        checks.fail(format!("{path}.end_day"), message);
    } else if start_ok && end <= start {
        let message = format!("must be > start_day ({start}), found {end}");
        checks.fail(format!("{path}.end_day"), message);
    }
}

/// A non-empty list of known nodes.
fn nodes(path: &str, d: &DisruptionFile, names: &NodeNames<'_>, checks: &mut Checks) {
    let Some(list) = &d.nodes else { return };
    if list.is_empty() {
        checks.fail(format!("{path}.nodes"), "must not be empty, expected node names");
    }
    for (i, name) in list.iter().enumerate() {
        names.check(&format!("{path}.nodes[{i}]"), name, checks);
    }
}

/// `extra_days` or `factor`, not both, and zones the rate card has.
fn delay(path: &str, d: &DisruptionFile, zones: usize, checks: &mut Checks) {
    match (d.extra_days, d.factor) {
        (None, None) => checks.fail(
            format!("{path}.extra_days"),
            "missing, expected extra_days (days added to transit) or factor (transit multiplier)",
        ),
        (Some(_), Some(_)) => {
            checks.fail(format!("{path}.factor"), "give extra_days or factor, not both")
        }
        (Some(extra), None) => {
            checks.within(&format!("{path}.extra_days"), extra, 0.0, MAX_EXTRA_DAYS)
        }
        (None, Some(factor)) => checks.within(&format!("{path}.factor"), factor, 1.0, MAX_FACTOR),
    }
    let Some(list) = &d.zones else { return };
    if list.is_empty() {
        checks.fail(format!("{path}.zones"), "must not be empty, leave it out for every zone");
    }
    for (i, &zone) in list.iter().enumerate() {
        if !(1..=zones as i64).contains(&zone) {
            let message = format!("must be a zone of the rate card, 1 to {zones}, found {zone}");
            checks.fail(format!("{path}.zones[{i}]"), message);
        }
    }
}

/// `at_day` within the horizon, `nodes` or `node_kind` (one of them), `share` in [0, 1].
fn shrink(
    path: &str,
    d: &DisruptionFile,
    horizon: f64,
    names: &NodeNames<'_>,
    checks: &mut Checks,
) {
    if let Some(at) = d.at_day {
        let at_path = format!("{path}.at_day");
        if checks.finite(&at_path, at) && !(0.0..horizon).contains(&at) {
            checks.fail(at_path, format!("must be in [0, horizon_days ({horizon})), found {at}"));
        }
    }
    match (&d.nodes, d.node_kind) {
        (None, None) => checks.fail(
            format!("{path}.nodes"),
            "missing, expected nodes (names) or node_kind (e.g. \"store\")",
        ),
        (Some(_), Some(_)) => {
            checks.fail(format!("{path}.node_kind"), "give nodes or node_kind, not both")
        }
        (Some(_), None) => nodes(path, d, names, checks),
        (None, Some(_)) => {}
    }
    if let Some(share) = d.share {
        checks.probability(&format!("{path}.share"), share);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::scenario::file::{DisruptionFile, DisruptionKind, ScenarioFile};

    fn with(d: DisruptionFile) -> ScenarioFile {
        let mut file = valid();
        file.disruptions.push(d);
        file
    }

    fn outage(start: f64, end: f64, node: &str) -> DisruptionFile {
        DisruptionFile {
            kind: DisruptionKind::NodeOutage,
            start_day: Some(start),
            end_day: Some(end),
            at_day: None,
            nodes: Some(vec![node.into()]),
            node_kind: None,
            reason: Some("weather".into()),
            extra_days: None,
            factor: None,
            zones: None,
            share: None,
        }
    }

    #[test]
    fn a_well_formed_outage_is_valid() {
        assert_eq!(issues(&with(outage(3.5, 5.0, "DC-B"))), Vec::new());
    }

    #[test]
    fn the_window_must_end_after_it_starts_inside_the_horizon() {
        assert_only_issue(&with(outage(5.0, 5.0, "DC-B")), "disruptions[0].end_day", "> start_day");
        assert_only_issue(&with(outage(5.0, 900.0, "DC-B")), "disruptions[0].end_day", "horizon");
        assert_only_issue(&with(outage(-1.0, 2.0, "DC-B")), "disruptions[0].start_day", "[0,");
        let nan = outage(f64::NAN, 2.0, "DC-B");
        assert_only_issue(&with(nan), "disruptions[0].start_day", "finite");
    }

    #[test]
    fn outage_nodes_must_exist() {
        assert_only_issue(
            &with(outage(1.0, 2.0, "DC-X")),
            "disruptions[0].nodes[0]",
            "unknown node",
        );
    }

    #[test]
    fn keys_of_another_kind_and_missing_keys_are_named() {
        let mut d = outage(1.0, 2.0, "DC-B");
        d.share = Some(0.5);
        assert_only_issue(
            &with(d),
            "disruptions[0].share",
            "does not apply to kind \"node_outage\"",
        );
        let mut d = outage(1.0, 2.0, "DC-B");
        d.nodes = None;
        assert_only_issue(&with(d), "disruptions[0].nodes", "missing, required");
    }

    #[test]
    fn carrier_delays_need_a_finite_non_negative_delay_and_real_zones() {
        let delay =
            |extra: Option<f64>, factor: Option<f64>, zones: Option<Vec<i64>>| DisruptionFile {
                kind: DisruptionKind::CarrierDelay,
                reason: None,
                nodes: None,
                extra_days: extra,
                factor,
                zones,
                ..outage(1.0, 2.0, "DC-B")
            };
        assert_eq!(issues(&with(delay(Some(2.0), None, Some(vec![7, 8])))), Vec::new());
        assert_only_issue(&with(delay(Some(-1.0), None, None)), "disruptions[0].extra_days", "[0,");
        let inf = delay(Some(f64::INFINITY), None, None);
        assert_only_issue(&with(inf), "disruptions[0].extra_days", "finite");
        assert_only_issue(&with(delay(None, None, None)), "disruptions[0].extra_days", "missing");
        assert_only_issue(
            &with(delay(Some(1.0), Some(2.0), None)),
            "disruptions[0].factor",
            "both",
        );
        assert_only_issue(&with(delay(None, Some(0.5), None)), "disruptions[0].factor", "[1,");
        let zone = delay(Some(1.0), None, Some(vec![9]));
        assert_only_issue(&with(zone), "disruptions[0].zones[0]", "1 to 8");
    }

    #[test]
    fn shrink_needs_a_share_in_range_and_one_way_to_name_nodes() {
        let shrink = |share: f64, nodes: Option<Vec<String>>| DisruptionFile {
            kind: DisruptionKind::Shrink,
            start_day: None,
            end_day: None,
            at_day: Some(4.0),
            reason: None,
            share: Some(share),
            nodes,
            ..outage(1.0, 2.0, "DC-B")
        };
        assert_eq!(issues(&with(shrink(0.1, Some(vec!["DC-B".into()])))), Vec::new());
        assert_only_issue(
            &with(shrink(1.5, Some(vec!["DC-B".into()]))),
            "disruptions[0].share",
            "[0, 1]",
        );
        assert_only_issue(&with(shrink(0.1, None)), "disruptions[0].nodes", "node_kind");
    }
}
