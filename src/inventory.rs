//! The inventory ledger: the OMS's record of stock per (node, sku), with the physical truth
//! the simulator needs to model shrink and record errors.
//!
//! # States of a position
//!
//! | state | meaning |
//! |---|---|
//! | `on_hand` | units the record says are on the shelf (sellable) |
//! | `physical` | units really on the shelf |
//! | `reserved` | commitments to accepted orders the record backs; always `<= on_hand` |
//! | `oversold` | commitments the record no longer backs |
//! | `buffer` | units held back from online channels (a setting, not stock) |
//! | `quarantine` | returned units received, not yet dispositioned |
//! | `staged` | units picked, waiting for the carrier or the customer |
//! | `in_transit` | units on their way, in batches with arrival times |
//!
//! `ATP = max(0, on_hand - reserved - buffer)`. Open commitments are `reserved + oversold`;
//! the ledger stores them as one count and splits them by the record:
//! `reserved = min(committed, on_hand)`. Lowering the record below the reservations (a
//! walk-in sale, a mis-scan, a cycle count, the write-down after a short pick) therefore moves
//! the excess to `oversold`, and raising it again (a receipt, an arrival, a count that finds
//! more) backs oversold commitments before it adds to ATP.
//!
//! # Snapshot
//!
//! Online channels see [`Ledger::visible_atp`]: the ATP as of the last visibility sync, taken
//! every `visibility_sync` seconds (zero: live). It is kept lazily: the first change to a
//! position in an epoch records the position's ATP from before the change. An outage of the
//! sync ([`Ledger::freeze_visibility`]) keeps the last snapshot until
//! [`Ledger::thaw_visibility`] resyncs it.
//!
//! # Conservation
//!
//! Each position counts its net inflow so that `physical + quarantine + staged + in_transit`
//! equals it ([`Ledger::audit`]); the network counts inflows and outflows by kind in
//! [`Flows`], per sku and in total ([`Ledger::audit_flows`]).
//!
//! ```
//! use omnilab::ids::{NodeId, SkuId};
//! use omnilab::inventory::Ledger;
//!
//! let (store, sku) = (NodeId(0), SkuId(0));
//! let mut ledger = Ledger::new(1, 1);
//! ledger.receive(store, sku, 5)?;
//! ledger.reserve(store, sku, 4)?;
//! assert_eq!(ledger.walk_in_sale(store, sku, 3)?, 3);
//!
//! let position = ledger.position(store, sku).expect("received above");
//! assert_eq!((position.reserved(), position.oversold(), position.atp()), (2, 2, 0));
//! assert!(ledger.audit().is_ok());
//! # Ok::<(), omnilab::inventory::LedgerError>(())
//! ```
//!
//! This module is pure state and rules: no randomness, no I/O, no knowledge of orders,
//! routing policies or the simulator.

mod clock;
mod error;
mod flows;
mod ledger;
mod position;
#[cfg(test)]
mod properties;
mod transit;

pub use error::{FlowImbalance, LedgerError, LedgerImbalance};
pub use flows::Flows;
pub use ledger::Ledger;
pub use position::{Disposition, PickOutcome, Position};
