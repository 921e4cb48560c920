//! Checks of `[[policies]]` and `baseline`: unique names, a preset or a complete rule stack,
//! split control, filter parameters and the nodes that filters name.

use super::{Checks, NodeNames, one_of};
use crate::scenario::file::{Filter, PolicyFile, ScenarioFile, Split};

/// The most shipments `split = "up_to"` may allow.
const MAX_SHIPMENTS_LIMIT: i64 = 100;

pub(super) fn check(file: &ScenarioFile, names: &NodeNames<'_>, checks: &mut Checks) {
    if file.policies.is_empty() {
        checks.fail("policies", "missing, expected at least one [[policies]] entry");
    }
    let named = file.policies.iter().enumerate();
    checks.unique(
        "policy name",
        named.map(|(i, p)| (format!("policies[{i}].name"), p.name.as_str())),
    );

    for (index, policy) in file.policies.iter().enumerate() {
        let path = format!("policies[{index}]");
        checks.identifier(&format!("{path}.name"), &policy.name);
        rule_stack(&path, policy, checks);
        split(&path, policy, checks);
        for (position, filter) in policy.filters.iter().flatten().enumerate() {
            self::filter(&format!("{path}.filters[{position}]"), filter, names, checks);
        }
    }
    baseline(file, checks);
}

/// A policy is a preset, a custom stack with filters and sort keys, or a preset with keys
/// overridden.
fn rule_stack(path: &str, policy: &PolicyFile, checks: &mut Checks) {
    if policy.preset.is_none() && (policy.filters.is_none() || policy.sort.is_none()) {
        let missing = if policy.filters.is_none() { "filters" } else { "sort" };
        checks.fail(
            format!("{path}.{missing}"),
            format!("missing, expected a preset or both filters and sort (no {missing} given)"),
        );
    }
    if policy.sort.as_ref().is_some_and(Vec::is_empty) {
        checks.fail(format!("{path}.sort"), "must not be empty, expected at least one sort key");
    }
}

fn split(path: &str, policy: &PolicyFile, checks: &mut Checks) {
    let max_path = format!("{path}.max_shipments");
    match (policy.split, policy.max_shipments) {
        (Some(Split::UpTo), None) => {
            checks.fail(max_path, "missing, split = \"up_to\" needs max_shipments >= 2");
        }
        (Some(Split::UpTo), Some(max)) => checks.int_within(&max_path, max, 2, MAX_SHIPMENTS_LIMIT),
        (_, Some(_)) => {
            checks.fail(max_path, "only applies with split = \"up_to\", remove it or set split")
        }
        (_, None) => {}
    }
}

fn filter(path: &str, filter: &Filter, names: &NodeNames<'_>, checks: &mut Checks) {
    match filter {
        Filter::Capability {} | Filter::HasFullAtp {} => {}
        Filter::UnderCapacity { max_utilization } => {
            checks.positive_share(&format!("{path}.max_utilization"), *max_utilization);
        }
        Filter::WithinDistance { max_miles } => {
            checks.above(&format!("{path}.max_miles"), *max_miles, 0.0);
        }
        Filter::Exclude { nodes } => {
            if nodes.is_empty() {
                checks.fail(format!("{path}.nodes"), "must not be empty, expected node names");
            }
            for (index, node) in nodes.iter().enumerate() {
                names.check(&format!("{path}.nodes[{index}]"), node, checks);
            }
        }
        Filter::NodeKind { kinds } => {
            if kinds.is_empty() {
                checks.fail(
                    format!("{path}.kinds"),
                    "must not be empty, expected dc, store or vendor",
                );
            }
        }
        Filter::MinAtpAfter { units } => checks.int_at_least(&format!("{path}.units"), *units, 0),
    }
}

fn baseline(file: &ScenarioFile, checks: &mut Checks) {
    let Some(baseline) = &file.baseline else { return };
    if file.policies.iter().any(|policy| &policy.name == baseline) {
        return;
    }

    let names: Vec<&str> = file.policies.iter().map(|policy| policy.name.as_str()).collect();
    let hint = checks.suggestion(baseline, &names);
    let message = format!("unknown policy \"{baseline}\", {}", one_of(&names));
    checks.fail_with_hint("baseline", message, hint);
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::scenario::file::{Filter, Preset, Split};

    #[test]
    fn policies_are_required_and_uniquely_named() {
        let mut file = valid();
        file.policies.clear();
        assert_only_issue(&file, "policies", "at least one [[policies]] entry");
        let mut file = valid();
        file.policies[1].name = "dc_first".into();
        assert_only_issue(&file, "policies[1].name", "duplicate policy name \"dc_first\"");
        let mut file = valid();
        file.policies[1].name = "my rules".into();
        assert_only_issue(&file, "policies[1].name", "invalid name \"my rules\"");
    }

    #[test]
    fn a_policy_is_a_preset_or_a_full_rule_stack() {
        let mut file = valid();
        file.policies[1].sort = None;
        assert_only_issue(&file, "policies[1].sort", "expected a preset or both filters and sort");
        let mut file = valid();
        file.policies[1].sort = Some(Vec::new());
        assert_only_issue(&file, "policies[1].sort", "must not be empty");
        let mut file = valid();
        file.policies[1].sort = None;
        file.policies[1].preset = Some(Preset::Nearest);
        assert_eq!(issues(&file), Vec::new());
    }

    #[test]
    fn up_to_splits_need_max_shipments() {
        let mut file = valid();
        file.policies[1].split = Some(Split::UpTo);
        assert_only_issue(
            &file,
            "policies[1].max_shipments",
            "split = \"up_to\" needs max_shipments",
        );
        file.policies[1].max_shipments = Some(1);
        assert_only_issue(&file, "policies[1].max_shipments", "must be >= 2, found 1");
        file.policies[1].max_shipments = Some(3);
        assert_eq!(issues(&file), Vec::new());
        file.policies[1].split = Some(Split::Free);
        assert_only_issue(
            &file,
            "policies[1].max_shipments",
            "only applies with split = \"up_to\"",
        );
    }

    #[test]
    fn filter_parameters_have_ranges() {
        let filters = vec![
            Filter::UnderCapacity { max_utilization: 1.2 },
            Filter::WithinDistance { max_miles: 0.0 },
            Filter::MinAtpAfter { units: -1 },
            Filter::NodeKind { kinds: Vec::new() },
            Filter::Exclude { nodes: vec!["DC-A".into(), "Nowhere".into(), "S-Austin-TX".into()] },
        ];
        let mut file = valid();
        file.policies[1].filters = Some(filters);
        let paths: Vec<String> = issues(&file).into_iter().map(|i| i.path).collect();
        assert_eq!(
            paths,
            [
                "policies[1].filters[0].max_utilization",
                "policies[1].filters[1].max_miles",
                "policies[1].filters[2].units",
                "policies[1].filters[3].kinds",
                "policies[1].filters[4].nodes[1]",
            ]
        );
    }

    #[test]
    fn the_baseline_names_a_policy() {
        let mut file = valid();
        file.baseline = Some("dc_frist".into());
        assert_only_issue(
            &file,
            "baseline",
            "unknown policy \"dc_frist\", expected one of dc_first, custom",
        );
        let found = issues(&file);
        assert_eq!(found[0].hint.as_deref(), Some("did you mean `dc_first`?"));
        file.baseline = Some("custom".into());
        assert_eq!(issues(&file), Vec::new());
    }
}
