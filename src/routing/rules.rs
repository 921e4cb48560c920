//! The parts a rule stack is made of: [`Filter`]s, [`SortBy`] keys, [`Split`] control and a
//! [`Fallback`], with the names scenario files and explanations use for them.

use crate::ids::NodeId;
use crate::network::NodeKind;

/// A test a candidate node must pass to serve a line. Filters run in the order written; the
/// first one that fails removes the node (and is named in the explanation).
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// The node can run the method the order needs (ship from dc or store, pickup,
    /// transfer). Always enforced, because a plan cannot use a method a node does not run;
    /// listing it sets where it appears among the filters of an explanation.
    Capability,
    /// The visible ATP covers every unit of the line.
    HasFullAtp,
    /// One more order keeps the node at or under this share of its daily capacity.
    UnderCapacity {
        /// Share of daily capacity, in (0, 1].
        max_utilization: f64,
    },
    /// The node is at most this far from the customer.
    WithinDistance {
        /// Great-circle miles.
        max_miles: f64,
    },
    /// The node is not one of these.
    Exclude {
        /// Nodes never used by this stack.
        nodes: Vec<NodeId>,
    },
    /// The node is of one of these kinds.
    NodeKind {
        /// Allowed kinds.
        kinds: Vec<NodeKind>,
    },
    /// After taking the line, the node keeps at least this much visible ATP (store
    /// protection on top of the buffer).
    MinAtpAfter {
        /// Units that must remain.
        units: u32,
    },
}

impl Filter {
    /// The snake_case name used in scenario files and explanations.
    pub fn name(&self) -> &'static str {
        match self {
            Filter::Capability => "capability",
            Filter::HasFullAtp => "has_full_atp",
            Filter::UnderCapacity { .. } => "under_capacity",
            Filter::WithinDistance { .. } => "within_distance",
            Filter::Exclude { .. } => "exclude",
            Filter::NodeKind { .. } => "node_kind",
            Filter::MinAtpAfter { .. } => "min_atp_after",
        }
    }
}

/// A value candidates are ranked by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// The node's priority rank (lower preferred).
    Priority,
    /// Distance to the customer, in miles.
    Distance,
    /// Marginal cost-to-serve of adding the line to the plan at this node: pick cost, plus
    /// pack and parcel base cost unless the plan already ships from the node, plus the
    /// parcel cost of the line's weight.
    Cost,
    /// Visible ATP of the SKU.
    Atp,
    /// Visible ATP over the node's expected daily demand of the SKU.
    DaysOfCover,
    /// Today's load over daily capacity.
    Utilization,
    /// Node kind: distribution centers before stores.
    DcFirst,
}

impl SortKey {
    /// The snake_case name used in scenario files and explanations.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Priority => "priority",
            SortKey::Distance => "distance",
            SortKey::Cost => "cost",
            SortKey::Atp => "atp",
            SortKey::DaysOfCover => "days_of_cover",
            SortKey::Utilization => "utilization",
            SortKey::DcFirst => "dc_first",
        }
    }
}

/// One sort key with its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortBy {
    /// What to rank by.
    pub key: SortKey,
    /// Largest first when true.
    pub descending: bool,
}

impl SortBy {
    /// Smallest first.
    pub fn asc(key: SortKey) -> Self {
        SortBy { key, descending: false }
    }

    /// Largest first.
    pub fn desc(key: SortKey) -> Self {
        SortBy { key, descending: true }
    }
}

/// How many nodes may serve one order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// One node serves the whole order, or the stack falls back.
    Never,
    /// At most this many nodes, chosen greedily to cover the most lines each.
    UpTo(u32),
    /// Each line goes to its best node; a line's units may come from several nodes.
    Free,
}

/// What happens to lines the stack's own rules cannot place.
#[derive(Clone, Debug, PartialEq)]
pub enum Fallback {
    /// Cancel them (reason `capacity` when only capacity stood in the way, else `no_stock`).
    Cancel,
    /// Try another rule stack on them.
    Stack(Box<super::RuleStack>),
}
