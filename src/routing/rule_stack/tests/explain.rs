//! Explanations: the policy and its sort keys, every candidate with the filter that removed
//! it and its sort values, the chosen nodes and the fallback text.

use super::*;
use crate::routing::presets;
use crate::routing::testkit::*;
use crate::routing::{CandidateTrace, Explanation, Policy};

/// Three tees to Cleveland: Columbus has 5 (126.3 mi), Chicago 5 but a full day (307.3
/// mi), Pittsburgh only 2 (114.9 mi).
fn three_tees() -> World {
    let mut world = World::new(&[(COLUMBUS, TEE, 5), (CHICAGO, TEE, 5), (PITTSBURGH, TEE, 2)]);
    world.load(CHICAGO, 2, 2);
    world
}

#[test]
fn an_explanation_lists_candidates_removals_values_and_the_choice() {
    let world = three_tees();
    let (_, explanation) = world.explain(&mut presets::nearest(), &web(CLEVELAND, &[(TEE, 3)]));
    assert_eq!(explanation.policy, "nearest");
    assert_eq!(explanation.sort_keys, ["distance"]);
    assert_eq!(explanation.lines.len(), 1);

    let line = &explanation.lines[0];
    assert_eq!(line.line, 0);
    let removed: Vec<_> = line.candidates.iter().map(|c| (c.node, c.removed_by)).collect();
    let expected =
        [(COLUMBUS, None), (CHICAGO, Some("under_capacity")), (PITTSBURGH, Some("has_full_atp"))];
    assert_eq!(removed, expected);
    for (candidate, miles) in line.candidates.iter().zip([126.3, 307.3, 114.9]) {
        assert_eq!(candidate.sort_values.len(), 1);
        assert_miles(candidate.sort_values[0], miles);
    }
    assert_eq!(line.chosen, [(COLUMBUS, 3)]);
    assert_eq!(line.fallback, None);
}

#[test]
fn an_explanation_without_a_choice_says_why_the_line_was_cancelled() {
    // Five tees: Columbus and Chicago have five, but a 100-mile radius removes both (Chicago
    // is full as well): no_stock. With Chicago the only holder of five and no radius,
    // capacity alone blocked: capacity.
    let mut stack = presets::nearest();
    stack.filters.push(Filter::WithinDistance { max_miles: 100.0 });
    let world = three_tees();
    let (_, explanation) = world.explain(&mut stack, &web(CLEVELAND, &[(TEE, 5)]));
    assert!(explanation.lines[0].chosen.is_empty());
    assert_eq!(explanation.lines[0].fallback.as_deref(), Some("cancel (no_stock)"));

    let mut world = World::new(&[(CHICAGO, TEE, 5), (PITTSBURGH, TEE, 2)]);
    world.load(CHICAGO, 2, 2);
    let (_, explanation) = world.explain(&mut presets::nearest(), &web(CLEVELAND, &[(TEE, 5)]));
    assert_eq!(explanation.lines[0].fallback.as_deref(), Some("cancel (capacity)"));
}

#[test]
fn an_explanation_shows_descending_keys_as_their_natural_values() {
    // ATP descending then distance: Columbus 5 ATP and 126.3 mi comes first.
    let keys = vec![SortBy::desc(SortKey::Atp), SortBy::asc(SortKey::Distance)];
    let mut stack = stack(vec![Filter::HasFullAtp], keys, Split::Free);
    let world = World::new(&[(COLUMBUS, TEE, 5), (PITTSBURGH, TEE, 2)]);
    let (_, explanation) = world.explain(&mut stack, &web(CLEVELAND, &[(TEE, 1)]));
    assert_eq!(explanation.sort_keys, ["atp", "distance"]);

    let candidates: &[CandidateTrace] = &explanation.lines[0].candidates;
    assert_eq!(candidates[0].sort_values[0], 5.0);
    assert_miles(candidates[0].sort_values[1], 126.3);
    assert_eq!(candidates[1].sort_values[0], 2.0);
    assert_miles(candidates[1].sort_values[1], 114.9);
    assert_eq!(explanation.lines[0].chosen, [(COLUMBUS, 1)]);
}

#[test]
fn a_cover_explanation_traces_every_line() {
    // min_split on tee + jeans to Evanston: Chicago has the tee (11.9 mi), Columbus both
    // (283.7 mi). Both lines list their candidates; both are chosen at Columbus.
    let world = World::new(&[(CHICAGO, TEE, 5), (COLUMBUS, TEE, 5), (COLUMBUS, JEANS, 5)]);
    let order = web(EVANSTON, &[(TEE, 1), (JEANS, 1)]);
    let (_, explanation) = world.explain(&mut presets::min_split(), &order);
    let lines: Vec<usize> = explanation.lines.iter().map(|l| l.line).collect();
    assert_eq!(lines, [0, 1]);

    let tee: Vec<_> = explanation.lines[0].candidates.iter().map(|c| c.node).collect();
    assert_eq!(tee, [COLUMBUS, CHICAGO]);
    assert_eq!(explanation.lines[0].chosen, [(COLUMBUS, 1)]);
    assert_eq!(explanation.lines[1].chosen, [(COLUMBUS, 1)]);
}

#[test]
fn a_pickup_lists_the_store_as_its_first_candidate() {
    // The store is 0 miles from itself; Columbus, not needed, is not weighed.
    let world = World::new(&[(PITTSBURGH, TEE, 3), (COLUMBUS, TEE, 5)]);
    let (_, explanation) = world.explain(&mut presets::nearest(), &bopis(PITTSBURGH, &[(TEE, 1)]));
    let line = &explanation.lines[0];
    let expected = CandidateTrace { node: PITTSBURGH, removed_by: None, sort_values: vec![0.0] };
    assert_eq!(line.candidates, [expected]);
    assert_eq!(line.chosen, [(PITTSBURGH, 1)]);
}

#[test]
fn planning_with_or_without_an_explanation_gives_the_same_plan() {
    let world = three_tees();
    let order = web(CLEVELAND, &[(TEE, 3), (JEANS, 1)]);
    for name in presets::NAMES {
        let mut stack = presets::preset(name, name).expect("a preset");
        let mut explanation = Explanation::default();
        let explained = stack.plan(&order, &world.view(), Some(&mut explanation));
        assert_eq!(explained, world.plan(&mut stack, &order), "{name}");
    }
}

#[test]
fn a_fallback_stack_appends_its_candidates_and_names_itself() {
    // Stores only by distance, then `dc_first`: the jeans (Columbus only) are first removed
    // by node_kind, then chosen by the fallback, whose candidates follow with its own two
    // sort values (dc_first 0, 126.3 mi).
    let first =
        nearest_with(vec![Filter::NodeKind { kinds: vec![crate::network::NodeKind::Store] }]);
    let mut stack = RuleStack { fallback: Fallback::Stack(Box::new(presets::dc_first())), ..first };
    let world = World::new(&[(COLUMBUS, JEANS, 5)]);
    let (_, explanation) = world.explain(&mut stack, &web(CLEVELAND, &[(JEANS, 1)]));
    assert_eq!(explanation.sort_keys, ["distance"]);

    let line = &explanation.lines[0];
    let removed: Vec<_> = line.candidates.iter().map(|c| (c.node, c.removed_by)).collect();
    assert_eq!(removed, [(COLUMBUS, Some("node_kind")), (COLUMBUS, None)]);
    assert_eq!(line.candidates[1].sort_values.len(), 2);
    assert_eq!(line.candidates[1].sort_values[0], 0.0);
    assert_miles(line.candidates[1].sort_values[1], 126.3);
    assert_eq!(line.chosen, [(COLUMBUS, 1)]);
    assert_eq!(line.fallback.as_deref(), Some("dc_first"));
}
