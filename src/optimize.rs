//! Cost-to-serve optimization: the routing models that rule stacks are held against, and
//! the bound that says how far from optimal each policy is.
//!
//! Three models, each documented exactly (variables, objective, constraints, complexity,
//! references) in its file:
//!
//! - `lp_batch` ([`LpBatch`], model in [`batch`]): ship-to-home orders collected over a
//!   window are assigned together by a linear program over each order's K cheapest
//!   candidate nodes (pick + parcel cost, a penalty per shipment, ATP per (node, sku),
//!   remaining daily capacity per node, every line served or cancelled at a penalty),
//!   solved by good_lp's `microlp` backend and rounded to plans that respect ATP and
//!   capacity; the optional `highs` cargo feature solves the mixed-integer model instead
//!   (binary parcel openings). A failed solve routes the batch with `greedy_cost`, counted
//!   in the KPI `lp_fallbacks`.
//! - `lp_dual` ([`LpDual`], prices by [`dual_prices`]): after Acimovic and Graves (2015), a
//!   transportation LP of forecast demand by region and SKU ([`Forecast`]) against the
//!   inventory, re-solved periodically; each order minimizes its immediate cost plus the
//!   dual prices of the units it takes.
//! - the hindsight bound ([`Hindsight`]): the realized ship-to-home orders of a replication
//!   assigned offline to the realized supply; a lower bound on every policy's objective.
//!
//! Duals: microlp returns none, so `lp_dual` uses [`solve_transport`], an exact min-cost
//! flow (successive shortest paths; the final node potentials are the duals), checked
//! against two textbook instances and by strong duality on random ones. The bound, which
//! needs only the optimum, uses [`solve_by_repair`] on the same problem: the greedy
//! assignment repaired by shortest paths between supply points, property-tested against
//! `solve_transport`. Clarabel
//! (interior point) was not added: its duals of these degenerate transportation LPs are
//! approximate and not unique (any point of the optimal dual face), so prices would need a
//! crossover step; the flow solution is exact, needs no dependency, and prices the bundled
//! benchmark's 1,000 SKUs in under a second (`benches/optimize.rs`).
//!
//! Invariants: this module draws no random numbers, does no I/O and never changes the
//! ledger; policies only read the [`NetworkView`](crate::routing::NetworkView). The
//! simulator owns batching (`sim/batch.rs`) and collects the bound's data (`sim/bound.rs`).

pub mod batch;
pub mod forecast;
pub mod hindsight;
pub mod lp_batch;
pub mod lp_dual;
pub mod transport;

pub use batch::{BatchError, BatchInstance, BatchLp, BatchParams, RoundedOrder};
pub use forecast::Forecast;
pub use hindsight::{BoundValue, Hindsight};
pub use lp_batch::LpBatch;
pub use lp_dual::{DualPrices, LpDual, LpDualParams, dual_prices};
pub use transport::{
    Classes, Repaired, Transport, TransportError, TransportSolution, solve_by_repair,
    solve_transport,
};
