//! In-transit batches: units on their way to a position, each batch with its arrival time.
//!
//! Key type: the crate-private `Transit`, a side table keyed by position index, so only
//! positions with stock in transit pay for it. Batches are kept sorted by arrival time and
//! batches with the same arrival are merged. The position's own `in_transit` count is the
//! total; the ledger keeps the two equal. This file knows nothing of the record or the shelf.

use std::collections::HashMap;

use crate::ids::{SimTime, Units};

/// Batches in transit, per position index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Transit {
    batches: HashMap<u32, Vec<(SimTime, Units)>>,
}

impl Transit {
    /// The batches on their way to `position`, earliest first.
    pub(crate) fn batches(&self, position: u32) -> &[(SimTime, Units)] {
        self.batches.get(&position).map_or(&[], Vec::as_slice)
    }

    /// Adds a batch. The caller has checked that the position's total fits in `Units`.
    pub(crate) fn add(&mut self, position: u32, arrival: SimTime, units: Units) {
        if units == 0 {
            return;
        }
        let batches = self.batches.entry(position).or_default();
        let at = batches.partition_point(|&(time, _)| time < arrival);
        match batches.get_mut(at) {
            Some((time, held)) if *time == arrival => *held += units,
            _ => batches.insert(at, (arrival, units)),
        }
    }

    /// Removes `units` from the earliest batches. The caller has checked that the position has
    /// that many in transit.
    pub(crate) fn take_earliest(&mut self, position: u32, mut units: Units) {
        let Some(batches) = self.batches.get_mut(&position) else {
            return;
        };
        let mut emptied = 0;
        for (_, held) in batches.iter_mut() {
            let taken = units.min(*held);
            *held -= taken;
            units -= taken;
            if *held > 0 {
                break;
            }
            emptied += 1;
        }

        batches.drain(..emptied);
        if batches.is_empty() {
            self.batches.remove(&position);
        }
    }

    /// Heap bytes held, estimated from capacities.
    pub(crate) fn heap_bytes(&self) -> usize {
        let entry = size_of::<(u32, Vec<(SimTime, Units)>)>() + 1;
        let lists: usize =
            self.batches.values().map(|b| b.capacity() * size_of::<(SimTime, Units)>()).sum();
        self.batches.capacity() * entry + lists
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_stay_sorted_and_merge_equal_arrivals() {
        let mut transit = Transit::default();
        transit.add(3, SimTime(50), 2);
        transit.add(3, SimTime(10), 4);
        transit.add(3, SimTime(50), 1);
        transit.add(3, SimTime(20), 0);

        assert_eq!(transit.batches(3), &[(SimTime(10), 4), (SimTime(50), 3)]);
        assert!(transit.batches(4).is_empty());
    }

    #[test]
    fn arrivals_take_the_earliest_batches() {
        let mut transit = Transit::default();
        transit.add(0, SimTime(10), 4);
        transit.add(0, SimTime(20), 3);

        transit.take_earliest(0, 5);
        assert_eq!(transit.batches(0), &[(SimTime(20), 2)]);

        transit.take_earliest(0, 2);
        assert!(transit.batches(0).is_empty());
        assert!(transit.batches.is_empty());
    }
}
