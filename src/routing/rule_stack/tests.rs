//! Hand-checked tests of the rule stack's parts on the fixture world of `routing::testkit`
//! (distances and prices are tabulated there), one file per behaviour: filters, sort keys,
//! split control, fallbacks, pickup orders and explanations.

mod explain;
mod fallback;
mod filters;
mod pickup;
mod sorting;
mod split;

use super::RuleStack;
use crate::routing::{Fallback, Filter, SortBy, SortKey, Split};

/// A stack named `test` with these filters and keys, cancelling what it cannot place.
fn stack(filters: Vec<Filter>, sort: Vec<SortBy>, split: Split) -> RuleStack {
    RuleStack::new("test", filters, sort, split, Fallback::Cancel)
}

/// A free-split stack ranking by distance alone, with these filters.
fn nearest_with(filters: Vec<Filter>) -> RuleStack {
    stack(filters, vec![SortBy::asc(SortKey::Distance)], Split::Free)
}
