//! The ledger's storage, lookups, clock and audits; the operations that change stock live in
//! `ledger/operations.rs`.
//!
//! Key type: [`Ledger`]. Positions live in one arena (`Vec<Position>`, 40 bytes each); each sku
//! has a stocking list of `(NodeId, arena index)` sorted by node, and walking the nodes that
//! stock a sku touches nothing else. Finding a position does not search that list: each sku
//! also has a bitmap of the nodes that hold it, so a lookup is one bit test and, when the bit
//! is set, a count of the set bits below it, which is the node's place in the list. (Every
//! ledger operation and every candidate a routing walk passes starts with a lookup; the
//! binary search it replaces was a chain of dependent cache misses.) The bitmaps are the only
//! table sized nodes x skus, at one bit a pair: 1.3 MB for 507 nodes and 20,000 skus, beside
//! 64 MB of positions. In-transit batches sit in a side table keyed by arena index.
//!
//! Every change goes through `apply`: it copies the position, captures the ATP snapshot of the
//! current epoch into the copy if none is there yet (its value at the start of the epoch, as
//! nothing changed it earlier in the epoch), runs the transition on the copy and writes the copy
//! back only if the transition succeeded. So a rejected operation changes nothing, and the
//! snapshot costs O(1) per change and nothing at a sync.
//!
//! This file must not know about orders, policies or the simulator, draw random numbers or do
//! I/O.

mod operations;

use std::mem::size_of;

use crate::ids::{NodeId, SimTime, SkuId, Units};

use super::clock::{Clock, Tags};
use super::error::{FlowImbalance, LedgerError, LedgerImbalance};
use super::flows::{Flow, Flows};
use super::position::{Position, Rejection};
use super::transit::Transit;

/// The OMS's record of stock per (node, sku), with the physical truth beside it.
///
/// See the [module documentation](crate::inventory) for the states and the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ledger {
    num_nodes: usize,
    num_skus: usize,
    positions: Vec<Position>,
    stocking: Vec<Vec<(NodeId, u32)>>,
    /// Per sku, `words` 64-bit words with bit `n` set when node `n` holds a position.
    held: Vec<u64>,
    /// Words per sku in `held`.
    words: usize,
    /// The same positions listed by node, sorted by sku: a daily pass over one store's
    /// shelves reads its list in order instead of searching each sku's list.
    carried: Vec<Vec<(SkuId, u32)>>,
    transit: Transit,
    flows: Flows,
    sku_flows: Vec<Flows>,
    clock: Clock,
}

impl Rejection {
    /// The ledger error for this rejection at (`node`, `sku`).
    fn at(self, node: NodeId, sku: SkuId) -> LedgerError {
        match self {
            Rejection::InsufficientAtp { requested, available } => {
                LedgerError::InsufficientAtp { node, sku, requested, available }
            }
            Rejection::NotCommitted { requested, committed } => {
                LedgerError::NotCommitted { node, sku, requested, committed }
            }
            Rejection::NotStaged { requested, staged } => {
                LedgerError::NotStaged { node, sku, requested, staged }
            }
            Rejection::NotInTransit { requested, in_transit } => {
                LedgerError::NotInTransit { node, sku, requested, in_transit }
            }
            Rejection::NotInQuarantine { requested, quarantine } => {
                LedgerError::NotInQuarantine { node, sku, requested, quarantine }
            }
            Rejection::Overflow => LedgerError::Overflow { node, sku },
        }
    }
}

impl Ledger {
    /// An empty ledger for nodes `0..num_nodes` and skus `0..num_skus`, live (no snapshot), at
    /// time zero.
    pub fn new(num_nodes: usize, num_skus: usize) -> Ledger {
        Ledger::with_capacity(num_nodes, num_skus, 0)
    }

    /// An empty ledger with room for `positions` positions before the arena grows.
    pub fn with_capacity(num_nodes: usize, num_skus: usize, positions: usize) -> Ledger {
        Ledger {
            num_nodes,
            num_skus,
            positions: Vec::with_capacity(positions),
            stocking: vec![Vec::new(); num_skus],
            held: vec![0; num_skus * num_nodes.div_ceil(64)],
            words: num_nodes.div_ceil(64),
            carried: vec![Vec::new(); num_nodes],
            transit: Transit::default(),
            flows: Flows::default(),
            sku_flows: vec![Flows::default(); num_skus],
            clock: Clock::new(),
        }
    }

    /// Releases spare capacity of the arena and the stocking lists (after a bulk build).
    pub fn shrink_to_fit(&mut self) {
        self.positions.shrink_to_fit();
        self.stocking.iter_mut().for_each(Vec::shrink_to_fit);
        self.carried.iter_mut().for_each(Vec::shrink_to_fit);
    }

    /// The number of nodes the ledger knows.
    pub fn num_nodes(&self) -> usize {
        self.num_nodes
    }

    /// The number of skus the ledger knows.
    pub fn num_skus(&self) -> usize {
        self.num_skus
    }

    /// The number of positions created so far.
    pub fn num_positions(&self) -> usize {
        self.positions.len()
    }

    /// Heap and inline bytes the ledger holds, computed from the capacities of its tables.
    pub fn memory_bytes(&self) -> usize {
        let lists: usize =
            self.stocking.iter().map(|list| list.capacity() * size_of::<(NodeId, u32)>()).sum();
        let by_node: usize =
            self.carried.iter().map(|list| list.capacity() * size_of::<(SkuId, u32)>()).sum();

        size_of::<Ledger>()
            + self.positions.capacity() * size_of::<Position>()
            + self.stocking.capacity() * size_of::<Vec<(NodeId, u32)>>()
            + lists
            + self.held.capacity() * size_of::<u64>()
            + self.carried.capacity() * size_of::<Vec<(SkuId, u32)>>()
            + by_node
            + self.sku_flows.capacity() * size_of::<Flows>()
            + self.transit.heap_bytes()
    }

    /// The current simulation time.
    pub fn now(&self) -> SimTime {
        self.clock.now()
    }

    /// Moves the clock to `now`. A time earlier than the current one is ignored (the clock never
    /// goes back), so a late caller cannot undo a snapshot epoch.
    pub fn advance_to(&mut self, now: SimTime) {
        let tags = self.clock.advance_to(now);
        self.renumber(tags);
    }

    /// The interval between visibility syncs, in seconds (zero: online channels see live ATP).
    pub fn visibility_sync(&self) -> u64 {
        self.clock.sync()
    }

    /// Sets the interval between visibility syncs (zero: live). Epoch `now / secs` starts with
    /// the live values of this moment.
    pub fn set_visibility_sync(&mut self, secs: u64) {
        let tags = self.clock.set_sync(secs);
        self.renumber(tags);
    }

    /// Freezes the feed online channels see (an outage of the ATP sync): until
    /// [`Ledger::thaw_visibility`], [`Ledger::visible_atp`] shows the values of the last sync
    /// (of this moment for a live feed), whatever happens to the record. Freezing a frozen
    /// feed changes nothing.
    pub fn freeze_visibility(&mut self) {
        let tags = self.clock.freeze();
        self.renumber(tags);
    }

    /// Ends a freeze: the feed resyncs at once to the live values and syncs on its interval
    /// again. Thawing a feed that is not frozen changes nothing.
    pub fn thaw_visibility(&mut self) {
        let tags = self.clock.thaw();
        self.renumber(tags);
    }

    /// Whether the feed is frozen ([`Ledger::freeze_visibility`]).
    pub fn visibility_frozen(&self) -> bool {
        self.clock.is_frozen()
    }

    /// Forgets every snapshot when the epoch tags restart.
    fn renumber(&mut self, tags: Tags) {
        if tags == Tags::Restarted {
            self.positions.iter_mut().for_each(Position::forget_snapshot);
        }
    }

    /// The position of `node` for `sku`, if the node carries it (`None` for unknown ids too).
    pub fn position(&self, node: NodeId, sku: SkuId) -> Option<&Position> {
        let index = self.find(node, sku).ok().flatten()?;
        Some(&self.positions[index as usize])
    }

    /// Live available-to-promise (0 when there is no position).
    pub fn atp(&self, node: NodeId, sku: SkuId) -> Units {
        self.position(node, sku).map_or(0, Position::atp)
    }

    /// ATP as online channels see it: the value at the last visibility sync if the position
    /// changed since, else the live value (0 when there is no position).
    pub fn visible_atp(&self, node: NodeId, sku: SkuId) -> Units {
        self.position(node, sku).map_or(0, |position| self.visible_atp_of(position))
    }

    /// The visible ATP of `position` (one of this ledger's, as from
    /// [`Ledger::stocking_positions`]), without looking it up again.
    #[inline]
    pub fn visible_atp_of(&self, position: &Position) -> Units {
        if self.clock.is_live() {
            return position.atp();
        }
        position.snapshot(self.clock.tag()).unwrap_or_else(|| position.atp())
    }

    /// The nodes with a position for `sku`, in node order (none for an unknown sku).
    pub fn stocking_nodes(&self, sku: SkuId) -> impl Iterator<Item = NodeId> + '_ {
        self.stocking_list(sku).iter().map(|&(node, _)| node)
    }

    /// How many nodes have a position for `sku` (0 for an unknown sku).
    pub fn stocking_count(&self, sku: SkuId) -> usize {
        self.stocking_list(sku).len()
    }

    /// The positions for `sku` with their nodes, in node order (none for an unknown sku).
    pub fn stocking_positions(&self, sku: SkuId) -> impl Iterator<Item = (NodeId, &Position)> {
        self.stocking_list(sku).iter().map(|&(node, index)| (node, &self.positions[index as usize]))
    }

    /// The positions `node` holds with their skus, in sku order (none for an unknown node).
    pub fn node_positions(&self, node: NodeId) -> impl Iterator<Item = (SkuId, &Position)> {
        let list = self.carried.get(node.index()).map_or(&[][..], Vec::as_slice);
        list.iter().map(|&(sku, index)| (sku, &self.positions[index as usize]))
    }

    /// Every position with its node and sku, in sku then node order.
    pub fn positions(&self) -> impl Iterator<Item = (NodeId, SkuId, &Position)> {
        self.stocking.iter().enumerate().flat_map(move |(sku, list)| {
            let sku = SkuId::from_index(sku);
            list.iter().map(move |&(node, index)| (node, sku, &self.positions[index as usize]))
        })
    }

    /// The batches in transit to `node` for `sku`, earliest arrival first.
    pub fn in_transit_batches(&self, node: NodeId, sku: SkuId) -> &[(SimTime, Units)] {
        match self.find(node, sku) {
            Ok(Some(index)) => self.transit.batches(index),
            _ => &[],
        }
    }

    /// Network totals by kind of flow, over all skus.
    pub fn flows(&self) -> &Flows {
        &self.flows
    }

    /// Flow totals for one sku (`None` for an unknown sku).
    pub fn sku_flows(&self, sku: SkuId) -> Option<&Flows> {
        self.sku_flows.get(sku.index())
    }

    /// Units held by all positions: shelf, quarantine, staged and in transit.
    pub fn units_held(&self) -> u64 {
        self.positions.iter().map(Position::held).sum()
    }

    /// Checks every position: its shelf, quarantine, staged and in-transit units add up to its
    /// net inflow. Names the first unbalanced position, in sku then node order.
    pub fn audit(&self) -> Result<(), LedgerImbalance> {
        for (node, sku, position) in self.positions() {
            let expected = u64::from(position.net_inflow());
            let found = position.held();
            if expected != found {
                return Err(LedgerImbalance { node, sku, expected, found });
            }
        }
        Ok(())
    }

    /// Checks every sku: the units its positions hold equal its inflows minus its outflows.
    pub fn audit_flows(&self) -> Result<(), FlowImbalance> {
        for (index, flows) in self.sku_flows.iter().enumerate() {
            let sku = SkuId::from_index(index);
            let found: u64 = self.stocking_positions(sku).map(|(_, p)| p.held()).sum();
            let expected = flows.expected_held();
            if expected != i128::from(found) {
                return Err(FlowImbalance { sku, expected, found });
            }
        }
        Ok(())
    }

    /// The stocking list of `sku` (empty for an unknown sku).
    fn stocking_list(&self, sku: SkuId) -> &[(NodeId, u32)] {
        self.stocking.get(sku.index()).map_or(&[], Vec::as_slice)
    }

    /// Checks both ids against the ledger's dimensions.
    fn check_ids(&self, node: NodeId, sku: SkuId) -> Result<(), LedgerError> {
        if node.index() >= self.num_nodes {
            return Err(LedgerError::UnknownNode { node, sku, num_nodes: self.num_nodes });
        }
        if sku.index() >= self.num_skus {
            return Err(LedgerError::UnknownSku { node, sku, num_skus: self.num_skus });
        }
        Ok(())
    }

    /// The arena index of (`node`, `sku`), `None` if the node does not carry the sku.
    fn find(&self, node: NodeId, sku: SkuId) -> Result<Option<u32>, LedgerError> {
        self.check_ids(node, sku)?;
        let bits = &self.held[sku.index() * self.words..(sku.index() + 1) * self.words];
        let (word, bit) = (node.index() / 64, node.index() % 64);
        if bits[word] & (1 << bit) == 0 {
            return Ok(None);
        }
        // The node's place in the stocking list: the nodes below it that hold the sku.
        let below = bits[..word].iter().map(|w| w.count_ones() as usize).sum::<usize>()
            + (bits[word] & ((1 << bit) - 1)).count_ones() as usize;
        Ok(Some(self.stocking[sku.index()][below].1))
    }

    /// The arena index of an existing position, or `NoPosition`.
    fn existing(&self, node: NodeId, sku: SkuId) -> Result<u32, LedgerError> {
        self.find(node, sku)?.ok_or(LedgerError::NoPosition { node, sku })
    }

    /// Checks that the arena has room for one more position.
    fn check_room(&self, node: NodeId, sku: SkuId) -> Result<(), LedgerError> {
        if u32::try_from(self.positions.len()).is_err() {
            return Err(LedgerError::TooManyPositions { node, sku });
        }
        Ok(())
    }

    /// Stores a new position and lists it; `check_room` has passed.
    fn insert(&mut self, node: NodeId, sku: SkuId, position: Position) -> u32 {
        let index = u32::try_from(self.positions.len()).expect("check_room guards the arena size");
        self.positions.push(position);

        let list = &mut self.stocking[sku.index()];
        let at = list.partition_point(|&(n, _)| n < node);
        list.insert(at, (node, index));
        self.held[sku.index() * self.words + node.index() / 64] |= 1 << (node.index() % 64);
        let list = &mut self.carried[node.index()];
        let at = list.partition_point(|&(s, _)| s < sku);
        list.insert(at, (sku, index));
        index
    }

    /// A copy of the position at `index` with the current epoch's snapshot captured.
    fn draft(&self, index: Option<u32>) -> Position {
        let mut draft = index.map_or_else(Position::default, |i| self.positions[i as usize]);
        if !self.clock.is_live() {
            draft.capture(self.clock.tag());
        }
        draft
    }

    /// Runs `change` on a draft of the existing position at (`node`, `sku`) and keeps the draft
    /// if the change succeeds. Returns the arena index and the change's result.
    fn apply<T>(
        &mut self,
        node: NodeId,
        sku: SkuId,
        change: impl FnOnce(&mut Position) -> Result<T, Rejection>,
    ) -> Result<(u32, T), LedgerError> {
        let index = self.existing(node, sku)?;
        self.run(node, sku, Some(index), change)
    }

    /// As `apply`, but an absent position starts empty and is created if the change succeeds.
    fn apply_or_create<T>(
        &mut self,
        node: NodeId,
        sku: SkuId,
        change: impl FnOnce(&mut Position) -> Result<T, Rejection>,
    ) -> Result<(u32, T), LedgerError> {
        let index = self.find(node, sku)?;
        if index.is_none() {
            self.check_room(node, sku)?;
        }
        self.run(node, sku, index, change)
    }

    /// Runs `change` on a draft of the position at `index` (a new one for `None`) and stores
    /// the draft if the change succeeds.
    fn run<T>(
        &mut self,
        node: NodeId,
        sku: SkuId,
        index: Option<u32>,
        change: impl FnOnce(&mut Position) -> Result<T, Rejection>,
    ) -> Result<(u32, T), LedgerError> {
        let mut draft = self.draft(index);
        let outcome = change(&mut draft).map_err(|r| r.at(node, sku))?;

        let index = match index {
            Some(index) => {
                self.positions[index as usize] = draft;
                index
            }
            None => self.insert(node, sku, draft),
        };
        Ok((index, outcome))
    }

    /// Counts `units` of `flow` for `sku` and for the network.
    fn count(&mut self, sku: SkuId, flow: Flow, units: Units) {
        self.flows.add(flow, units);
        self.sku_flows[sku.index()].add(flow, units);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(i: u32) -> NodeId {
        NodeId(i)
    }

    fn s(i: u32) -> SkuId {
        SkuId(i)
    }

    #[test]
    fn unknown_ids_are_reported_with_both_ids() {
        let mut ledger = Ledger::new(2, 3);
        let node = ledger.receive(n(2), s(0), 1).unwrap_err();
        assert_eq!(node, LedgerError::UnknownNode { node: n(2), sku: s(0), num_nodes: 2 });
        assert!(node.to_string().contains("node#2") && node.to_string().contains("sku#0"));

        let sku = ledger.reserve(n(1), s(3), 1).unwrap_err();
        assert_eq!(sku, LedgerError::UnknownSku { node: n(1), sku: s(3), num_skus: 3 });
        assert_eq!(ledger.atp(n(9), s(9)), 0);
        assert!(ledger.position(n(9), s(0)).is_none());
    }

    #[test]
    fn a_frozen_feed_shows_the_last_sync_until_thawed() {
        let mut ledger = Ledger::new(1, 1);
        ledger.receive(n(0), s(0), 10).unwrap();
        ledger.freeze_visibility();
        assert!(ledger.visibility_frozen());
        ledger.advance_to(SimTime(3_600));
        ledger.reserve(n(0), s(0), 4).unwrap();
        ledger.advance_to(SimTime(7_200));
        ledger.shrink(n(0), s(0), 6).unwrap();
        ledger.cycle_count(n(0), s(0)).unwrap();
        assert_eq!((ledger.atp(n(0), s(0)), ledger.visible_atp(n(0), s(0))), (0, 10));

        ledger.thaw_visibility();
        assert!(!ledger.visibility_frozen());
        assert_eq!(ledger.visible_atp(n(0), s(0)), 0);
    }

    #[test]
    fn stocking_lists_stay_in_node_order() {
        let mut ledger = Ledger::new(10, 2);
        for node in [7, 2, 9, 0, 4] {
            ledger.ensure(n(node), s(1)).unwrap();
        }
        ledger.ensure(n(2), s(1)).unwrap();

        let nodes: Vec<u32> = ledger.stocking_nodes(s(1)).map(|node| node.0).collect();
        assert_eq!(nodes, [0, 2, 4, 7, 9]);
        assert_eq!(ledger.num_positions(), 5);
        assert_eq!(ledger.stocking_nodes(s(0)).count(), 0);
        assert_eq!(ledger.stocking_nodes(s(5)).count(), 0);
    }

    #[test]
    fn node_lists_stay_in_sku_order_and_match_the_sku_lists() {
        let mut ledger = Ledger::new(3, 8);
        for (node, sku, units) in [(1, 6, 4), (1, 2, 1), (0, 5, 3), (1, 0, 2), (1, 2, 7)] {
            ledger.receive(n(node), s(sku), units).unwrap();
        }
        let held: Vec<(u32, Units)> =
            ledger.node_positions(n(1)).map(|(sku, p)| (sku.0, p.on_hand())).collect();
        assert_eq!(held, [(0, 2), (2, 8), (6, 4)]);
        for (sku, p) in ledger.node_positions(n(1)) {
            assert_eq!(Some(p), ledger.position(n(1), sku));
        }
        assert_eq!(ledger.node_positions(n(2)).count(), 0);
        assert_eq!(ledger.node_positions(n(9)).count(), 0);
    }

    #[test]
    fn lookups_find_each_position_across_bitmap_words() {
        // 200 nodes span four words; nodes join in a scrambled order.
        let mut ledger = Ledger::new(200, 3);
        let nodes: Vec<u32> = (0..200).map(|i| (i * 71) % 200).filter(|n| n % 3 != 1).collect();
        for &node in &nodes {
            ledger.receive(n(node), s(2), node + 1).unwrap();
        }
        for node in 0..200 {
            let expected = (node % 3 != 1).then_some(node + 1);
            assert_eq!(ledger.position(n(node), s(2)).map(Position::on_hand), expected);
            assert_eq!(ledger.position(n(node), s(1)), None);
        }
        assert_eq!(ledger.position(n(200), s(2)), None);
        assert_eq!(ledger.position(n(0), s(3)), None);
    }

    #[test]
    fn stocking_positions_pair_nodes_with_their_state() {
        let mut ledger = Ledger::new(3, 1);
        ledger.receive(n(2), s(0), 5).unwrap();
        ledger.receive(n(0), s(0), 1).unwrap();

        let on_hand: Vec<(u32, Units)> =
            ledger.stocking_positions(s(0)).map(|(node, p)| (node.0, p.on_hand())).collect();
        assert_eq!(on_hand, [(0, 1), (2, 5)]);

        let all: Vec<(u32, u32)> =
            ledger.positions().map(|(node, sku, _)| (node.0, sku.0)).collect();
        assert_eq!(all, [(0, 0), (2, 0)]);
    }

    #[test]
    fn snapshot_hides_changes_until_the_next_sync() {
        let mut ledger = Ledger::new(1, 1);
        ledger.receive(n(0), s(0), 10).unwrap();
        ledger.set_visibility_sync(900);

        ledger.advance_to(SimTime(100));
        ledger.reserve(n(0), s(0), 4).unwrap();
        assert_eq!((ledger.atp(n(0), s(0)), ledger.visible_atp(n(0), s(0))), (6, 10));

        ledger.advance_to(SimTime(899));
        assert_eq!(ledger.visible_atp(n(0), s(0)), 10);
        ledger.advance_to(SimTime(900));
        assert_eq!(ledger.visible_atp(n(0), s(0)), 6);
    }

    #[test]
    fn live_visibility_shows_changes_at_once() {
        let mut ledger = Ledger::new(1, 1);
        ledger.receive(n(0), s(0), 10).unwrap();
        ledger.advance_to(SimTime(100));
        ledger.reserve(n(0), s(0), 4).unwrap();
        assert_eq!(ledger.visible_atp(n(0), s(0)), 6);
    }

    #[test]
    fn snapshot_keeps_the_value_at_the_start_of_the_epoch() {
        let mut ledger = Ledger::new(1, 1);
        ledger.set_visibility_sync(60);
        ledger.receive(n(0), s(0), 5).unwrap();
        assert_eq!(ledger.visible_atp(n(0), s(0)), 0);

        ledger.advance_to(SimTime(60));
        ledger.reserve(n(0), s(0), 1).unwrap();
        ledger.reserve(n(0), s(0), 1).unwrap();
        assert_eq!(ledger.visible_atp(n(0), s(0)), 5);

        // A clock that goes back is ignored: the epoch stays.
        ledger.advance_to(SimTime(10));
        assert_eq!((ledger.now(), ledger.visible_atp(n(0), s(0))), (SimTime(60), 5));
    }

    #[test]
    fn a_failed_operation_does_not_capture_a_snapshot() {
        let mut ledger = Ledger::new(1, 1);
        ledger.receive(n(0), s(0), 5).unwrap();
        ledger.set_visibility_sync(60);
        let before = ledger.position(n(0), s(0)).copied();

        assert!(ledger.reserve(n(0), s(0), 6).is_err());
        assert_eq!(ledger.position(n(0), s(0)).copied(), before);
    }

    #[test]
    fn restarted_tags_forget_old_snapshots() {
        let mut ledger = Ledger::new(1, 1);
        ledger.clock = Clock::with_tag(u32::MAX - 1);
        ledger.receive(n(0), s(0), 5).unwrap();
        ledger.set_visibility_sync(60);
        ledger.reserve(n(0), s(0), 2).unwrap();
        assert_eq!(ledger.visible_atp(n(0), s(0)), 5);

        ledger.advance_to(SimTime(60));
        assert_eq!(ledger.clock.tag(), 1);
        assert_eq!(ledger.visible_atp(n(0), s(0)), 3);
    }

    #[test]
    fn audit_names_the_corrupted_position() {
        let mut ledger = Ledger::new(3, 3);
        ledger.receive(n(0), s(1), 4).unwrap();
        ledger.receive(n(2), s(2), 4).unwrap();
        assert_eq!(ledger.audit(), Ok(()));
        assert_eq!(ledger.audit_flows(), Ok(()));

        ledger.corrupt_for_test(n(2), s(2)).unwrap();
        let imbalance = ledger.audit().unwrap_err();
        assert_eq!(imbalance, LedgerImbalance { node: n(2), sku: s(2), expected: 4, found: 5 });
        assert!(imbalance.to_string().contains("node#2 sku#2 is unbalanced"));
        assert_eq!(ledger.audit_flows().unwrap_err().sku, s(2));
    }

    #[test]
    fn memory_grows_with_positions_only() {
        let empty = Ledger::new(1_000, 100).memory_bytes();
        let mut ledger = Ledger::with_capacity(1_000, 100, 10);
        for node in 0..10 {
            ledger.ensure(n(node), s(0)).unwrap();
        }
        ledger.shrink_to_fit();
        // The arena, the sku's stocking list and the node's list; the bitmaps are sized when
        // the ledger is made.
        let per_position =
            size_of::<Position>() + size_of::<(NodeId, u32)>() + size_of::<(SkuId, u32)>();
        assert_eq!(ledger.memory_bytes(), empty + 10 * per_position);
    }
}
