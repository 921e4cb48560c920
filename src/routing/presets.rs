//! The preset rule stacks a scenario can name: `dc_first`, `nearest`, `min_split` and
//! `greedy_cost`. Each is an ordinary [`RuleStack`], so a planner can start from one and
//! override its filters, sort keys, split control or fallback in the scenario file.
//!
//! Every preset keeps a node under its daily capacity and requires full visible ATP per line;
//! they differ in how they rank and split.

use super::RuleStack;
use super::rules::{Fallback, Filter, SortBy, SortKey, Split};

/// The names [`preset`] accepts.
pub const NAMES: [&str; 4] = ["dc_first", "nearest", "min_split", "greedy_cost"];

/// The preset named `name`, under the policy name `policy`.
pub fn preset(name: &str, policy: &str) -> Option<RuleStack> {
    let stack = match name {
        "dc_first" => dc_first(),
        "nearest" => nearest(),
        "min_split" => min_split(),
        "greedy_cost" => greedy_cost(),
        _ => return None,
    };
    Some(RuleStack { name: policy.to_string(), ..stack })
}

fn base_filters() -> Vec<Filter> {
    vec![Filter::Capability, Filter::HasFullAtp, Filter::UnderCapacity { max_utilization: 1.0 }]
}

/// Distribution centers first, nearest DC first; stores only for lines no DC can take
/// (then nearest store). The traditional "DC is home, stores are overflow" rule.
pub fn dc_first() -> RuleStack {
    RuleStack::new(
        "dc_first",
        base_filters(),
        vec![SortBy::asc(SortKey::DcFirst), SortBy::asc(SortKey::Distance)],
        Split::Free,
        Fallback::Cancel,
    )
}

/// The nearest node that has the line, line by line: fastest delivery, most splits.
pub fn nearest() -> RuleStack {
    RuleStack::new(
        "nearest",
        base_filters(),
        vec![SortBy::asc(SortKey::Distance)],
        Split::Free,
        Fallback::Cancel,
    )
}

/// As few shipments as possible: one node for the whole order when one can, else a greedy
/// cover by the nodes that serve the most lines, nearest first on ties.
pub fn min_split() -> RuleStack {
    RuleStack::new(
        "min_split",
        base_filters(),
        vec![SortBy::asc(SortKey::Distance)],
        Split::UpTo(u32::MAX),
        Fallback::Cancel,
    )
}

/// The myopically cheapest plan now: each line goes where adding it costs least given the
/// lines already placed (so consolidating at one node wins when it is cheaper).
pub fn greedy_cost() -> RuleStack {
    RuleStack::new(
        "greedy_cost",
        base_filters(),
        vec![SortBy::asc(SortKey::Cost), SortBy::asc(SortKey::Distance)],
        Split::Free,
        Fallback::Cancel,
    )
}

#[cfg(test)]
mod tests;
