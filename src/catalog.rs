//! The catalog: every sellable [`Sku`] with its price, cost, weight, category, season end and
//! clearance price, indexed by [`SkuId`].
//!
//! Resolved data only: no randomness (generated catalogs are built by `scenario`), no I/O.

use std::collections::HashMap;

use crate::ids::SkuId;

/// One sellable item.
#[derive(Clone, Debug, PartialEq)]
pub struct Sku {
    /// The name used in scenario files, traces and reports.
    pub name: String,
    /// Full selling price.
    pub price: f64,
    /// What the retailer paid for a unit.
    pub unit_cost: f64,
    /// Shipping weight of one unit, in kilograms.
    pub weight_kg: f64,
    /// Index into [`Catalog::categories`].
    pub category: u16,
    /// The day the season ends and every remaining unit is cleared; `None` for staples.
    pub season_end_day: Option<u32>,
    /// Price at which units are cleared at season end.
    pub clearance_price: f64,
    /// Relative demand weight (larger sells more).
    pub popularity: f64,
}

impl Sku {
    /// Margin lost on a unit that was not sold.
    pub fn margin(&self) -> f64 {
        self.price - self.unit_cost
    }

    /// Markdown cost of clearing one unit at season end.
    pub fn markdown(&self) -> f64 {
        (self.price - self.clearance_price).max(0.0)
    }
}

/// All SKUs of a scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    skus: Vec<Sku>,
    categories: Vec<String>,
    by_name: HashMap<String, SkuId>,
}

impl Catalog {
    /// A catalog of `skus` whose categories index into `categories`. Names are expected to
    /// be unique (the scenario validates them); a repeated name resolves to its first SKU.
    pub fn new(skus: Vec<Sku>, categories: Vec<String>) -> Self {
        let mut by_name = HashMap::with_capacity(skus.len());
        for (i, sku) in skus.iter().enumerate() {
            by_name.entry(sku.name.clone()).or_insert(SkuId::from_index(i));
        }
        Catalog { skus, categories, by_name }
    }

    /// The SKU with id `id`.
    ///
    /// # Panics
    /// If `id` is not from this catalog; ids are only made by the catalog's owner.
    #[inline]
    pub fn sku(&self, id: SkuId) -> &Sku {
        &self.skus[id.index()]
    }

    /// How many SKUs there are.
    pub fn len(&self) -> usize {
        self.skus.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.skus.is_empty()
    }

    /// Every SKU id, in order.
    pub fn ids(&self) -> impl Iterator<Item = SkuId> + '_ {
        (0..self.skus.len()).map(SkuId::from_index)
    }

    /// Every SKU, in id order.
    pub fn skus(&self) -> &[Sku] {
        &self.skus
    }

    /// Category names.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The SKU named `name`.
    pub fn find(&self, name: &str) -> Option<SkuId> {
        self.by_name.get(name).copied()
    }
}
