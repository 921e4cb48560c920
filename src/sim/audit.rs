//! The conservation audit: every unit that entered the network is still in a ledger state,
//! was delivered or handed to a customer, is with a carrier, was lost to shrink, or was
//! liquidated or cleared.
//!
//! The ledger proves its own books (each position's states match its net inflow, and its
//! flow totals match the units it holds); this module reconciles the ledger's flows with
//! what the simulator did with units after they left a node, SKU by SKU, so a process that
//! drops or invents units is caught at the end of the replication that did it.

use crate::catalog::Catalog;
use crate::ids::{SkuId, Units};
use crate::inventory::Ledger;

use super::world::Shipment;

/// Unit counts the simulator keeps for one SKU.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SkuFlows {
    /// Initial stock received.
    pub initial: u64,
    /// Units ordered from vendors (received into in-transit when ordered).
    pub vendor: u64,
    /// Parcels handed to the carrier and not yet delivered.
    pub with_carrier: u64,
    /// Parcels delivered.
    pub delivered: u64,
    /// Units moving to (or waiting at) a pickup store for an order.
    pub transfers_open: u64,
    /// Transferred units the customer collected.
    pub transfers_collected: u64,
    /// Transferred units put on the pickup store's shelf after a no-show.
    pub transfers_restocked: u64,
}

/// The simulator's side of the books, per SKU.
#[derive(Clone, Debug, Default)]
pub struct SimFlows {
    skus: Vec<SkuFlows>,
}

/// Where the books disagree.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("units not conserved for SKU {sku}: {detail}")]
pub struct Imbalance {
    /// The SKU's name.
    pub sku: String,
    /// Which identity failed, with both sides.
    pub detail: String,
}

impl SimFlows {
    /// Empty books for `skus` SKUs.
    pub fn new(skus: usize) -> Self {
        SimFlows { skus: vec![SkuFlows::default(); skus] }
    }

    fn each(&mut self, ship: &Shipment, f: impl Fn(&mut SkuFlows, u64)) {
        for (line, &picked) in ship.lines.iter().zip(&ship.picked) {
            f(&mut self.skus[line.sku.index()], u64::from(picked));
        }
    }

    /// Initial stock of `units` of `sku`.
    pub fn initial(&mut self, sku: SkuId, units: Units) {
        self.skus[sku.index()].initial += u64::from(units);
    }

    /// A vendor order of `units` of `sku`.
    pub fn vendor(&mut self, sku: SkuId, units: Units) {
        self.skus[sku.index()].vendor += u64::from(units);
    }

    /// A parcel left with the carrier.
    pub fn parcel_sent(&mut self, ship: &Shipment) {
        self.each(ship, |f, u| f.with_carrier += u);
    }

    /// A parcel was delivered.
    pub fn parcel_delivered(&mut self, ship: &Shipment) {
        self.each(ship, |f, u| {
            f.with_carrier -= u;
            f.delivered += u;
        });
    }

    /// Units left their node for a pickup store.
    pub fn transfer_sent(&mut self, ship: &Shipment) {
        self.each(ship, |f, u| f.transfers_open += u);
    }

    /// Transferred units were collected.
    pub fn transfer_collected(&mut self, ship: &Shipment) {
        self.each(ship, |f, u| {
            f.transfers_open -= u;
            f.transfers_collected += u;
        });
    }

    /// Transferred units went on the pickup store's shelf (no-show).
    pub fn transfer_restocked(&mut self, ship: &Shipment) {
        self.each(ship, |f, u| {
            f.transfers_open -= u;
            f.transfers_restocked += u;
        });
    }

    /// Reconciles these books with `ledger`, SKU by SKU, after the ledger's own audits.
    pub fn check(&self, ledger: &Ledger, catalog: &Catalog) -> Result<(), Imbalance> {
        let name = |i: usize| catalog.sku(SkuId::from_index(i)).name.clone();
        ledger.audit().map_err(|e| Imbalance { sku: String::new(), detail: e.to_string() })?;
        ledger
            .audit_flows()
            .map_err(|e| Imbalance { sku: String::new(), detail: e.to_string() })?;
        for (i, f) in self.skus.iter().enumerate() {
            let Some(l) = ledger.sku_flows(SkuId::from_index(i)) else { continue };
            let left_by_carrier = f.with_carrier
                + f.delivered
                + f.transfers_open
                + f.transfers_collected
                + f.transfers_restocked;
            if l.shipped != left_by_carrier {
                let detail = format!(
                    "the ledger shipped {} units but the simulator accounts for {left_by_carrier} \
                     (with carriers {}, delivered {}, transfers open {}, collected {}, restocked {})",
                    l.shipped,
                    f.with_carrier,
                    f.delivered,
                    f.transfers_open,
                    f.transfers_collected,
                    f.transfers_restocked
                );
                return Err(Imbalance { sku: name(i), detail });
            }
            let entered = f.initial + f.vendor + f.transfers_restocked;
            if l.received != entered {
                let detail = format!(
                    "the ledger received {} units but the simulator put in {entered} \
                     (initial {}, vendor {}, restocked transfers {})",
                    l.received, f.initial, f.vendor, f.transfers_restocked
                );
                return Err(Imbalance { sku: name(i), detail });
            }
        }
        Ok(())
    }
}
