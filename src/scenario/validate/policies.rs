//! Checks of `[[policies]]`, `baseline` and `[bound]`: unique names, a preset or a complete
//! rule stack, split control, filter parameters and the nodes that filters name, the
//! optimizers' parameters (and no rule-stack keys on them, nor theirs on rule stacks), and
//! one penalty per unit not served for the bound and every policy.

use super::{Checks, NodeNames, one_of};
use crate::scenario::file::{Filter, PolicyFile, PolicyKind, ScenarioFile, Split};

/// The longest `lp_batch` window, in minutes (a day).
const MAX_WINDOW_MINUTES: f64 = 1_440.0;
/// The most candidate nodes per order in `lp_batch`.
const MAX_CANDIDATES: i64 = 1_000;
/// The longest `lp_dual` re-solve interval or forecast window, in days.
const MAX_LP_DAYS: f64 = 365.0;

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
        match policy.kind {
            PolicyKind::RuleStack => {
                rule_stack(&path, policy, checks);
                split(&path, policy, checks);
                for (position, filter) in policy.filters.iter().flatten().enumerate() {
                    self::filter(&format!("{path}.filters[{position}]"), filter, names, checks);
                }
            }
            PolicyKind::LpBatch | PolicyKind::LpDual => optimizer(&path, policy, checks),
        }
        foreign_keys(&path, policy, checks);
        penalty(&path, file, policy, checks);
    }
    baseline(file, checks);
    checks.above("bound.cancel_penalty", file.bound.cancel_penalty, 0.0);
}

/// Keys given that the policy's kind does not use.
fn foreign_keys(path: &str, policy: &PolicyFile, checks: &mut Checks) {
    let rule_keys = [
        ("preset", policy.preset.is_some()),
        ("filters", policy.filters.is_some()),
        ("sort", policy.sort.is_some()),
        ("split", policy.split.is_some()),
        ("max_shipments", policy.max_shipments.is_some() && policy.split.is_none()),
        ("fallback", policy.fallback.is_some()),
    ];
    let batch_keys = [
        ("window_minutes", policy.window_minutes.is_some()),
        ("candidates", policy.candidates.is_some()),
        ("split_penalty", policy.split_penalty.is_some()),
    ];
    let dual_keys = [
        ("resolve_every_days", policy.resolve_every_days.is_some()),
        ("forecast_days", policy.forecast_days.is_some()),
    ];
    let penalty_key = [("cancel_penalty", policy.cancel_penalty.is_some())];
    let (kind, foreign): (&str, Vec<(&str, bool)>) = match policy.kind {
        PolicyKind::RuleStack => {
            ("rule_stack", [&batch_keys[..], &dual_keys[..], &penalty_key[..]].concat())
        }
        PolicyKind::LpBatch => ("lp_batch", [&rule_keys[..], &dual_keys[..]].concat()),
        PolicyKind::LpDual => ("lp_dual", [&rule_keys[..], &batch_keys[..]].concat()),
    };
    for (key, given) in foreign {
        if given {
            checks.fail(
                format!("{path}.{key}"),
                format!("does not apply to a policy of kind \"{kind}\", remove it or change kind"),
            );
        }
    }
}

/// Ranges of the optimizers' parameters.
fn optimizer(path: &str, policy: &PolicyFile, checks: &mut Checks) {
    if let Some(w) = policy.window_minutes {
        checks.within(&format!("{path}.window_minutes"), w, 0.0, MAX_WINDOW_MINUTES);
        if w == 0.0 {
            checks.fail(format!("{path}.window_minutes"), "must be > 0, found 0");
        }
    }
    if let Some(k) = policy.candidates {
        checks.int_within(&format!("{path}.candidates"), k, 1, MAX_CANDIDATES);
    }
    if let Some(p) = policy.split_penalty {
        checks.at_least(&format!("{path}.split_penalty"), p, 0.0);
    }
    if let Some(p) = policy.cancel_penalty {
        checks.above(&format!("{path}.cancel_penalty"), p, 0.0);
    }
    for (key, value) in
        [("resolve_every_days", policy.resolve_every_days), ("forecast_days", policy.forecast_days)]
    {
        if let Some(days) = value {
            let key_path = format!("{path}.{key}");
            checks.within(&key_path, days, 0.0, MAX_LP_DAYS);
            if days == 0.0 {
                checks.fail(key_path, "must be > 0, found 0");
            }
        }
    }
}

/// With the bound on, a policy's penalty per unit not served must be the bound's, so that
/// every policy and the bound are measured on one objective.
fn penalty(path: &str, file: &ScenarioFile, policy: &PolicyFile, checks: &mut Checks) {
    let Some(own) = policy.cancel_penalty else { return };
    let bound = file.bound.cancel_penalty;
    if file.bound.enabled && own.is_finite() && (own - bound).abs() > 1e-9 {
        checks.fail(
            format!("{path}.cancel_penalty"),
            format!(
                "must equal bound.cancel_penalty ({bound}) while the bound is enabled, found \
                 {own}: policies and the bound are measured on one objective"
            ),
        );
    }
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
    use crate::scenario::file::{Filter, PolicyKind, Preset, Split};

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

    fn optimizer(kind: PolicyKind) -> crate::scenario::file::PolicyFile {
        let mut file = valid();
        let mut policy = file.policies.remove(0);
        policy.preset = None;
        policy.kind = kind;
        policy
    }

    #[test]
    fn optimizers_take_their_own_keys_only() {
        let mut file = valid();
        let mut lp = optimizer(PolicyKind::LpBatch);
        lp.window_minutes = Some(15.0);
        lp.candidates = Some(5);
        lp.split_penalty = Some(3.0);
        lp.cancel_penalty = Some(50.0);
        file.policies[0] = lp.clone();
        assert_eq!(issues(&file), Vec::new());

        lp.resolve_every_days = Some(1.0);
        file.policies[0] = lp;
        assert_only_issue(
            &file,
            "policies[0].resolve_every_days",
            "does not apply to a policy of kind \"lp_batch\"",
        );

        let mut file = valid();
        file.policies[1].candidates = Some(3);
        assert_only_issue(&file, "policies[1].candidates", "kind \"rule_stack\"");

        let mut file = valid();
        let mut dual = optimizer(PolicyKind::LpDual);
        dual.preset = Some(Preset::Nearest);
        dual.resolve_every_days = Some(0.0);
        file.policies[0] = dual;
        let paths: Vec<String> = issues(&file).into_iter().map(|i| i.path).collect();
        assert_eq!(paths, ["policies[0].resolve_every_days", "policies[0].preset"]);
    }

    #[test]
    fn optimizer_parameters_have_ranges_and_the_bound_sets_the_penalty() {
        let mut file = valid();
        let mut lp = optimizer(PolicyKind::LpBatch);
        lp.window_minutes = Some(-1.0);
        lp.candidates = Some(0);
        lp.cancel_penalty = Some(20.0);
        file.policies[0] = lp;
        file.bound.enabled = true;
        let paths: Vec<String> = issues(&file).into_iter().map(|i| i.path).collect();
        assert_eq!(
            paths,
            ["policies[0].window_minutes", "policies[0].candidates", "policies[0].cancel_penalty",]
        );
        file.bound.cancel_penalty = 20.0;
        assert_eq!(issues(&file).len(), 2);
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
