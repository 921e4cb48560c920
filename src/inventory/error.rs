//! Errors of the inventory ledger: [`LedgerError`] for a rejected operation and
//! [`LedgerImbalance`] / [`FlowImbalance`] for a failed conservation audit.
//!
//! Every rejected operation leaves the ledger exactly as it was, so the caller may go on
//! (reroute the order, cancel the line, skip the event). An imbalance is different: it means a
//! unit appeared or vanished without an operation accounting for it, which is a bug in the
//! ledger or in the code that corrupted it, and the run's numbers cannot be trusted.
//!
//! This file owns only the error types; it must not touch ledger state.

use crate::ids::{NodeId, SkuId, Units};

/// Why the ledger rejected an operation. The ledger state is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The node id is not below the number of nodes the ledger was created with.
    #[error("unknown {node} (the ledger has {num_nodes} nodes) for {sku}")]
    UnknownNode {
        /// The offending node.
        node: NodeId,
        /// The sku the operation was about.
        sku: SkuId,
        /// How many nodes the ledger knows.
        num_nodes: usize,
    },

    /// The sku id is not below the number of skus the ledger was created with.
    #[error("unknown {sku} (the ledger has {num_skus} skus) at {node}")]
    UnknownSku {
        /// The node the operation was about.
        node: NodeId,
        /// The offending sku.
        sku: SkuId,
        /// How many skus the ledger knows.
        num_skus: usize,
    },

    /// The operation needs an existing position and the node does not carry the sku.
    #[error("{node} has no position for {sku}")]
    NoPosition {
        /// The node.
        node: NodeId,
        /// The sku.
        sku: SkuId,
    },

    /// More units were asked for than the position's available-to-promise.
    #[error("{node} {sku}: {requested} units requested but only {available} available")]
    InsufficientAtp {
        /// The node.
        node: NodeId,
        /// The sku.
        sku: SkuId,
        /// Units asked for.
        requested: Units,
        /// The live ATP at the time of the request.
        available: Units,
    },

    /// More units were released or picked than the position has committed to open orders
    /// (reserved plus oversold).
    #[error("{node} {sku}: {requested} units requested but only {committed} committed")]
    NotCommitted {
        /// The node.
        node: NodeId,
        /// The sku.
        sku: SkuId,
        /// Units asked for.
        requested: Units,
        /// Open commitments at the position.
        committed: Units,
    },

    /// More units were shipped, handed over or restocked than are staged.
    #[error("{node} {sku}: {requested} units requested but only {staged} staged")]
    NotStaged {
        /// The node.
        node: NodeId,
        /// The sku.
        sku: SkuId,
        /// Units asked for.
        requested: Units,
        /// Units staged at the position.
        staged: Units,
    },

    /// More units were said to arrive than are in transit to the position.
    #[error("{node} {sku}: {requested} units arriving but only {in_transit} in transit")]
    NotInTransit {
        /// The node.
        node: NodeId,
        /// The sku.
        sku: SkuId,
        /// Units said to arrive.
        requested: Units,
        /// Units in transit to the position.
        in_transit: Units,
    },

    /// More units were dispositioned than are in quarantine.
    #[error("{node} {sku}: {requested} units to disposition but only {quarantine} in quarantine")]
    NotInQuarantine {
        /// The node.
        node: NodeId,
        /// The sku.
        sku: SkuId,
        /// Units asked for.
        requested: Units,
        /// Units in quarantine at the position.
        quarantine: Units,
    },

    /// The operation would push a unit count past `u32::MAX`: the record (`on_hand`), the
    /// commitments, or the units physically held by the position (shelf, quarantine, staged
    /// and in transit together).
    #[error("{node} {sku}: unit count would overflow u32")]
    Overflow {
        /// The node.
        node: NodeId,
        /// The sku.
        sku: SkuId,
    },

    /// The ledger holds `u32::MAX` positions and cannot create another.
    #[error("cannot create a position for {node} {sku}: the position arena is full")]
    TooManyPositions {
        /// The node.
        node: NodeId,
        /// The sku.
        sku: SkuId,
    },
}

/// A position whose physical states do not add up to its net inflow: units appeared or
/// vanished without an operation accounting for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{node} {sku} is unbalanced: net inflow is {expected} units but shelf, quarantine, \
     staged and in transit hold {found}"
)]
pub struct LedgerImbalance {
    /// The node of the unbalanced position.
    pub node: NodeId,
    /// The sku of the unbalanced position.
    pub sku: SkuId,
    /// The position's net inflow (units in minus units out).
    pub expected: u64,
    /// The units its physical states hold.
    pub found: u64,
}

/// A sku whose network flows do not add up to the units its positions hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{sku} is unbalanced: inflows minus outflows are {expected} units but the positions \
     hold {found}"
)]
pub struct FlowImbalance {
    /// The unbalanced sku.
    pub sku: SkuId,
    /// Units received (stock and returns) minus units that left the network.
    pub expected: i128,
    /// Units its positions hold (shelf, quarantine, staged and in transit).
    pub found: u64,
}
