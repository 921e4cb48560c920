//! File types of `[[policies]]`: the policy kind (a rule stack, `lp_batch` or `lp_dual`),
//! presets, rule-stack filters and sort keys (typed enums, tagged by `filter` and `key`),
//! split control and fallback, the optimizers' parameters, and `[bound]`.
//!
//! Data only, as the file spells it; checks live in `validate::policies`, and what the rules
//! mean is decided by the routing module.

use serde::Deserialize;

use super::NodeKind;

/// A routing policy, `[[policies]]`: a preset, a custom rule stack, or a preset with some
/// keys overridden.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Unique, `[A-Za-z0-9_-]+`.
    pub name: String,
    /// A rule stack (the default) or an optimizer.
    #[serde(default)]
    pub kind: PolicyKind,
    /// The preset rule stack to start from.
    pub preset: Option<Preset>,
    /// Filters, applied in order; replaces the preset's.
    pub filters: Option<Vec<Filter>>,
    /// Sort keys, applied in order; replaces the preset's.
    pub sort: Option<Vec<SortKey>>,
    /// Split control; replaces the preset's.
    pub split: Option<Split>,
    /// The most shipments per order with `split = "up_to"`.
    pub max_shipments: Option<i64>,
    /// What to do when no node passes the filters; replaces the preset's.
    pub fallback: Option<Fallback>,
    /// `lp_batch`: minutes orders are collected before they are assigned together.
    pub window_minutes: Option<f64>,
    /// `lp_batch`: candidate nodes kept per order.
    pub candidates: Option<i64>,
    /// `lp_batch`: penalty per shipment on top of its cost.
    pub split_penalty: Option<f64>,
    /// `lp_batch` and `lp_dual`: penalty per unit not served.
    pub cancel_penalty: Option<f64>,
    /// `lp_dual`: days between two solves of the pricing LP.
    pub resolve_every_days: Option<f64>,
    /// `lp_dual`: days of forecast demand inventory is priced against.
    pub forecast_days: Option<f64>,
}

/// What a `[[policies]]` entry is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// A rule stack: a preset, a custom stack, or a preset with keys overridden.
    #[default]
    RuleStack,
    /// Orders collected over a window and assigned together by a linear program.
    LpBatch,
    /// Each order routed at its cost plus the dual prices of the units it takes.
    LpDual,
}

impl PolicyKind {
    /// The name scenario files use.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::RuleStack => "rule_stack",
            PolicyKind::LpBatch => "lp_batch",
            PolicyKind::LpDual => "lp_dual",
        }
    }
}

/// The hindsight bound, `[bound]`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundFile {
    /// Whether `omnilab run` computes the bound (also turned on by `--bound`).
    #[serde(default)]
    pub enabled: bool,
    /// Penalty per unit not served, in the bound and in every policy's objective.
    #[serde(default = "default_cancel_penalty")]
    pub cancel_penalty: f64,
}

impl Default for BoundFile {
    fn default() -> Self {
        BoundFile { enabled: false, cancel_penalty: default_cancel_penalty() }
    }
}

fn default_cancel_penalty() -> f64 {
    50.0
}

/// A preset rule stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// DCs first, stores only when no DC can serve.
    DcFirst,
    /// The nearest node that can serve.
    Nearest,
    /// The fewest shipments.
    MinSplit,
    /// The cheapest plan now (myopic).
    GreedyCost,
}

/// A rule-stack filter, `{ filter = "<name>", ... }`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "filter", rename_all = "snake_case", deny_unknown_fields)]
pub enum Filter {
    /// The node can run the method the order needs.
    Capability {},
    /// The node's visible ATP covers the line.
    HasFullAtp {},
    /// The node's utilization today is at most `max_utilization`.
    UnderCapacity {
        /// Largest picks-over-capacity share, (0, 1].
        max_utilization: f64,
    },
    /// The node is within `max_miles` of the customer.
    WithinDistance {
        /// Largest distance in miles.
        max_miles: f64,
    },
    /// The node is not one of `nodes`.
    Exclude {
        /// Names of excluded nodes.
        nodes: Vec<String>,
    },
    /// The node is of one of `kinds`.
    NodeKind {
        /// Allowed kinds.
        kinds: Vec<NodeKind>,
    },
    /// The node keeps at least `units` of ATP after taking the line.
    MinAtpAfter {
        /// Units that must remain.
        units: i64,
    },
}

/// A rule-stack sort key, `{ key = "<name>", order = "asc" | "desc" }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortKey {
    /// What to sort candidate nodes by.
    pub key: SortField,
    /// Ascending unless stated.
    #[serde(default)]
    pub order: SortOrder,
}

/// What a sort key compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortField {
    /// The node's priority rank.
    Priority,
    /// Distance to the customer.
    Distance,
    /// Cost of serving the line from the node.
    Cost,
    /// The node's ATP of the SKU.
    Atp,
    /// The node's days of cover of the SKU.
    DaysOfCover,
    /// The node's capacity utilization today.
    Utilization,
    /// Distribution centers before stores.
    DcFirst,
}

/// Sort direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// Split-shipment control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// One node serves the whole order.
    Never,
    /// At most `max_shipments` shipments.
    UpTo,
    /// As many shipments as needed.
    Free,
}

/// What a rule stack does when no node passes its filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// Cancel the unserved lines.
    Cancel,
    /// Route with the `dc_first` preset.
    DcFirst,
    /// Route with the `nearest` preset.
    Nearest,
    /// Route with the `min_split` preset.
    MinSplit,
    /// Route with the `greedy_cost` preset.
    GreedyCost,
}
