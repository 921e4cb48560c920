//! Property tests of the ledger: random sequences of operations on a few nodes and skus, run
//! against the ledger and against a plain reference model written from the rules in the module
//! documentation (explicit `reserved` and `oversold`, signed arithmetic, snapshots keyed by
//! epoch number, a frozen feed keeping its epoch).
//!
//! After every step they check that no operation panicked, that the ledger and the model agree
//! on every outcome, error and state, that a rejected operation changed nothing, and the
//! invariants: `reserved <= on_hand`, the ATP formula, in-transit batches summing to
//! `in_transit`, both audits, and network conservation (inflows equal units held plus outflows).
//!
//! Test-only; it must not be compiled into the library.

use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::ids::{NodeId, SimTime, SkuId, Units};
use crate::inventory::{Disposition, Flows, Ledger, LedgerError, PickOutcome};

const NODES: u32 = 3;
const SKUS: u32 = 2;
const MAX: i64 = u32::MAX as i64;

/// One random operation. Ids range one past the ledger's dimensions to exercise `Unknown*`.
#[derive(Clone, Debug)]
enum Op {
    Ensure(u32, u32),
    Receive(u32, u32, Units),
    ReceiveWithRecord(u32, u32, Units, Units),
    SetBuffer(u32, u32, Units),
    Reserve(u32, u32, Units),
    Release(u32, u32, Units),
    Pick(u32, u32, Units),
    Ship(u32, u32, Units),
    HandOver(u32, u32, Units),
    RestockStaged(u32, u32, Units),
    TransferOut(u32, u32, u32, Units, u64),
    SendInTransit(u32, u32, Units, u64),
    Arrive(u32, u32, Units),
    WalkIn(u32, u32, Units),
    Shrink(u32, u32, Units),
    Misscan(u32, u32, i64),
    CycleCount(u32, u32),
    ReceiveReturn(u32, u32, Units),
    Disposition(u32, u32, Units, bool),
    Clear(u32, u32),
    AdvanceTo(u64),
    SetSync(u64),
    Freeze,
    Thaw,
}

/// What an operation returned, in one comparable shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Done,
    Units(Units),
    Pick(PickOutcome),
    Correction(i64),
}

type Outcomes = Result<Outcome, LedgerError>;

fn units() -> impl Strategy<Value = Units> {
    prop_oneof![16 => 0..4u32, 6 => 4..15u32, 1 => (u32::MAX - 12)..=u32::MAX]
}

/// Node ids, now and then one past the last node.
fn node() -> impl Strategy<Value = u32> + Clone {
    prop_oneof![12 => 0..NODES, 1 => Just(NODES)]
}

/// Sku ids, now and then one past the last sku.
fn sku() -> impl Strategy<Value = u32> + Clone {
    prop_oneof![12 => 0..SKUS, 1 => Just(SKUS)]
}

/// Initial stock per valid (node, sku): `None` leaves the position uncreated.
fn initial_stock() -> impl Strategy<Value = Vec<Option<Units>>> {
    prop::collection::vec(prop::option::weighted(0.8, 0..20u32), (NODES * SKUS) as usize)
}

fn delta() -> impl Strategy<Value = i64> {
    prop_oneof![8 => -15..15i64, 1 => Just(MAX), 1 => Just(-MAX), 1 => Just(i64::MAX), 1 => Just(i64::MIN)]
}

fn op() -> impl Strategy<Value = Op> {
    let (n, s) = (node(), sku());
    prop_oneof![
        1 => (n.clone(), s.clone()).prop_map(|(n, s)| Op::Ensure(n, s)),
        3 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::Receive(n, s, u)),
        1 => (n.clone(), s.clone(), units(), units())
            .prop_map(|(n, s, r, p)| Op::ReceiveWithRecord(n, s, r, p)),
        1 => (n.clone(), s.clone(), 0..6u32).prop_map(|(n, s, u)| Op::SetBuffer(n, s, u)),
        6 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::Reserve(n, s, u)),
        1 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::Release(n, s, u)),
        5 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::Pick(n, s, u)),
        2 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::Ship(n, s, u)),
        1 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::HandOver(n, s, u)),
        1 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::RestockStaged(n, s, u)),
        2 => (n.clone(), n.clone(), s.clone(), units(), 0..3_000u64)
            .prop_map(|(f, t, s, u, a)| Op::TransferOut(f, t, s, u, a)),
        1 => (n.clone(), s.clone(), units(), 0..3_000u64)
            .prop_map(|(n, s, u, a)| Op::SendInTransit(n, s, u, a)),
        2 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::Arrive(n, s, u)),
        2 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::WalkIn(n, s, u)),
        2 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::Shrink(n, s, u)),
        1 => (n.clone(), s.clone(), delta()).prop_map(|(n, s, d)| Op::Misscan(n, s, d)),
        1 => (n.clone(), s.clone()).prop_map(|(n, s)| Op::CycleCount(n, s)),
        1 => (n.clone(), s.clone(), units()).prop_map(|(n, s, u)| Op::ReceiveReturn(n, s, u)),
        1 => (n.clone(), s.clone(), units(), any::<bool>())
            .prop_map(|(n, s, u, r)| Op::Disposition(n, s, u, r)),
        1 => (n, s).prop_map(|(n, s)| Op::Clear(n, s)),
        2 => (0..3_000u64).prop_map(Op::AdvanceTo),
        1 => prop_oneof![Just(0u64), Just(60), Just(900)].prop_map(Op::SetSync),
        1 => Just(Op::Freeze),
        1 => Just(Op::Thaw),
    ]
}

fn disposition(restock: bool) -> Disposition {
    if restock { Disposition::Restock } else { Disposition::Liquidate }
}

/// Runs `op` on the ledger.
fn run(ledger: &mut Ledger, op: &Op) -> Outcomes {
    let (n, s) = (NodeId, SkuId);
    let done = |r: Result<(), LedgerError>| r.map(|()| Outcome::Done);
    match *op {
        Op::Ensure(a, b) => done(ledger.ensure(n(a), s(b))),
        Op::Receive(a, b, u) => done(ledger.receive(n(a), s(b), u)),
        Op::ReceiveWithRecord(a, b, r, p) => done(ledger.receive_with_record(n(a), s(b), r, p)),
        Op::SetBuffer(a, b, u) => done(ledger.set_buffer(n(a), s(b), u)),
        Op::Reserve(a, b, u) => done(ledger.reserve(n(a), s(b), u)),
        Op::Release(a, b, u) => done(ledger.release(n(a), s(b), u)),
        Op::Pick(a, b, u) => ledger.pick(n(a), s(b), u).map(Outcome::Pick),
        Op::Ship(a, b, u) => done(ledger.ship(n(a), s(b), u)),
        Op::HandOver(a, b, u) => done(ledger.hand_over(n(a), s(b), u)),
        Op::RestockStaged(a, b, u) => done(ledger.restock_staged(n(a), s(b), u)),
        Op::TransferOut(f, t, b, u, at) => {
            ledger.transfer_out(n(f), n(t), s(b), u, SimTime(at)).map(Outcome::Units)
        }
        Op::SendInTransit(a, b, u, at) => done(ledger.send_in_transit(n(a), s(b), u, SimTime(at))),
        Op::Arrive(a, b, u) => done(ledger.arrive(n(a), s(b), u)),
        Op::WalkIn(a, b, u) => ledger.walk_in_sale(n(a), s(b), u).map(Outcome::Units),
        Op::Shrink(a, b, u) => ledger.shrink(n(a), s(b), u).map(Outcome::Units),
        Op::Misscan(a, b, d) => done(ledger.misscan(n(a), s(b), d)),
        Op::CycleCount(a, b) => ledger.cycle_count(n(a), s(b)).map(Outcome::Correction),
        Op::ReceiveReturn(a, b, u) => done(ledger.receive_return(n(a), s(b), u)),
        Op::Disposition(a, b, u, r) => done(ledger.disposition(n(a), s(b), u, disposition(r))),
        Op::Clear(a, b) => ledger.clear(n(a), s(b)).map(Outcome::Units),
        Op::AdvanceTo(t) => {
            ledger.advance_to(SimTime(t));
            Ok(Outcome::Done)
        }
        Op::SetSync(secs) => {
            ledger.set_visibility_sync(secs);
            Ok(Outcome::Done)
        }
        Op::Freeze => {
            ledger.freeze_visibility();
            Ok(Outcome::Done)
        }
        Op::Thaw => {
            ledger.thaw_visibility();
            Ok(Outcome::Done)
        }
    }
}

/// The reference model of one position: explicit `reserved` and `oversold`, signed counts.
#[derive(Clone, Debug, Default)]
struct Model {
    on_hand: i64,
    physical: i64,
    reserved: i64,
    oversold: i64,
    buffer: i64,
    quarantine: i64,
    staged: i64,
    batches: Vec<(u64, i64)>,
    snapshot: Option<((u64, u64), i64)>,
}

impl Model {
    fn atp(&self) -> i64 {
        (self.on_hand - self.reserved - self.buffer).max(0)
    }

    fn in_transit(&self) -> i64 {
        self.batches.iter().map(|b| b.1).sum()
    }

    /// The oversold rule, both ways: reservations beyond the record become oversold, and
    /// oversold commitments the record backs again become reservations.
    fn settle(&mut self) {
        if self.reserved > self.on_hand {
            self.oversold += self.reserved - self.on_hand;
            self.reserved = self.on_hand;
        }
        let backed = self.oversold.min(self.on_hand - self.reserved);
        self.oversold -= backed;
        self.reserved += backed;
    }

    fn fits(&self) -> bool {
        let held = self.physical + self.quarantine + self.staged + self.in_transit();
        self.on_hand <= MAX && held <= MAX && self.reserved + self.oversold <= MAX
    }

    /// Consumes `units` of commitments, oversold first.
    fn consume(&mut self, units: i64) {
        let from_oversold = units.min(self.oversold);
        self.oversold -= from_oversold;
        self.reserved -= units - from_oversold;
    }

    fn add_batch(&mut self, arrival: u64, units: i64) {
        if units == 0 {
            return;
        }
        match self.batches.iter_mut().find(|b| b.0 == arrival) {
            Some(batch) => batch.1 += units,
            None => self.batches.push((arrival, units)),
        }
        self.batches.sort_by_key(|b| b.0);
    }

    fn take_earliest(&mut self, mut units: i64) {
        for batch in &mut self.batches {
            let taken = units.min(batch.1);
            batch.1 -= taken;
            units -= taken;
        }
        self.batches.retain(|b| b.1 > 0);
    }
}

/// The reference model of the whole ledger.
#[derive(Clone, Debug, Default)]
struct World {
    positions: BTreeMap<(u32, u32), Model>,
    flows: Flows,
    now: u64,
    sync: u64,
    generation: u64,
    /// The epoch the feed is frozen in, while an ATP sync outage lasts.
    frozen: Option<(u64, u64)>,
}

type Change<'a> = Box<dyn FnOnce(&mut Model, &mut Flows) -> Outcomes + 'a>;

impl World {
    fn check_ids(&self, node: u32, sku: u32) -> Result<(), LedgerError> {
        let (node, sku) = (NodeId(node), SkuId(sku));
        if node.0 >= NODES {
            return Err(LedgerError::UnknownNode { node, sku, num_nodes: NODES as usize });
        }
        if sku.0 >= SKUS {
            return Err(LedgerError::UnknownSku { node, sku, num_skus: SKUS as usize });
        }
        Ok(())
    }

    fn epoch(&self) -> Option<(u64, u64)> {
        if self.frozen.is_some() {
            return self.frozen;
        }
        (self.sync > 0).then(|| (self.generation, self.now / self.sync))
    }

    /// Records `before`'s ATP as the snapshot of the current epoch unless `after` has one.
    fn capture(&self, before: &Model, after: &mut Model) {
        let Some(epoch) = self.epoch() else { return };
        if after.snapshot.map(|s| s.0) != Some(epoch) {
            after.snapshot = Some((epoch, before.atp()));
        }
    }

    fn lookup(&self, node: u32, sku: u32, create: bool) -> Result<Model, LedgerError> {
        self.check_ids(node, sku)?;
        match self.positions.get(&(node, sku)) {
            Some(model) => Ok(model.clone()),
            None if create => Ok(Model::default()),
            None => Err(LedgerError::NoPosition { node: NodeId(node), sku: SkuId(sku) }),
        }
    }

    fn change(&mut self, node: u32, sku: u32, create: bool, f: Change<'_>) -> Outcomes {
        let before = self.lookup(node, sku, create)?;
        let mut after = before.clone();
        let mut flows = self.flows;

        let outcome = f(&mut after, &mut flows)?;
        if !after.fits() {
            return Err(LedgerError::Overflow { node: NodeId(node), sku: SkuId(sku) });
        }
        self.capture(&before, &mut after);
        self.positions.insert((node, sku), after);
        self.flows = flows;
        Ok(outcome)
    }

    fn apply(&mut self, op: &Op) -> Outcomes {
        let ids = |n: u32, s: u32| (NodeId(n), SkuId(s));
        match *op {
            Op::Ensure(a, b) => self.change(a, b, true, Box::new(|_, _| Ok(Outcome::Done))),
            Op::Receive(a, b, u) => self.receive(a, b, u, u),
            Op::ReceiveWithRecord(a, b, r, p) => self.receive(a, b, r, p),
            Op::SetBuffer(a, b, u) => self.change(
                a,
                b,
                true,
                Box::new(move |m, _| {
                    m.buffer = i64::from(u);
                    Ok(Outcome::Done)
                }),
            ),
            Op::Reserve(a, b, u) => self.change(
                a,
                b,
                false,
                Box::new(move |m, _| {
                    let (node, sku) = ids(a, b);
                    let available = m.atp();
                    if i64::from(u) > available {
                        let available = available as Units;
                        return Err(LedgerError::InsufficientAtp {
                            node,
                            sku,
                            requested: u,
                            available,
                        });
                    }
                    m.reserved += i64::from(u);
                    Ok(Outcome::Done)
                }),
            ),
            Op::Release(a, b, u) => self.change(
                a,
                b,
                false,
                Box::new(move |m, _| {
                    check_committed(m, a, b, u)?;
                    m.consume(i64::from(u));
                    m.settle();
                    Ok(Outcome::Done)
                }),
            ),
            Op::Pick(a, b, u) => self.change(a, b, false, Box::new(move |m, _| pick(m, a, b, u))),
            Op::Ship(a, b, u) | Op::HandOver(a, b, u) => {
                let shipped = matches!(op, Op::Ship(..));
                self.change(
                    a,
                    b,
                    false,
                    Box::new(move |m, flows| {
                        check_staged(m, a, b, u)?;
                        m.staged -= i64::from(u);
                        match shipped {
                            true => flows.shipped += u64::from(u),
                            false => flows.handed_over += u64::from(u),
                        }
                        Ok(Outcome::Done)
                    }),
                )
            }
            Op::RestockStaged(a, b, u) => self.change(
                a,
                b,
                false,
                Box::new(move |m, _| {
                    check_staged(m, a, b, u)?;
                    m.staged -= i64::from(u);
                    m.physical += i64::from(u);
                    m.on_hand += i64::from(u);
                    m.settle();
                    Ok(Outcome::Done)
                }),
            ),
            Op::TransferOut(f, t, b, u, at) => self.transfer(f, t, b, u, at),
            Op::SendInTransit(a, b, u, at) => self.change(
                a,
                b,
                true,
                Box::new(move |m, flows| {
                    m.add_batch(at, i64::from(u));
                    flows.received += u64::from(u);
                    Ok(Outcome::Done)
                }),
            ),
            Op::Arrive(a, b, u) => self.change(
                a,
                b,
                false,
                Box::new(move |m, _| {
                    let in_transit = m.in_transit();
                    if i64::from(u) > in_transit {
                        let (node, sku) = ids(a, b);
                        let in_transit = in_transit as Units;
                        return Err(LedgerError::NotInTransit {
                            node,
                            sku,
                            requested: u,
                            in_transit,
                        });
                    }
                    m.take_earliest(i64::from(u));
                    m.physical += i64::from(u);
                    m.on_hand += i64::from(u);
                    m.settle();
                    Ok(Outcome::Done)
                }),
            ),
            Op::WalkIn(a, b, u) => self.change(
                a,
                b,
                false,
                Box::new(move |m, flows| {
                    let sold = i64::from(u).min(m.physical);
                    m.physical -= sold;
                    m.on_hand = (m.on_hand - sold).max(0);
                    m.settle();
                    flows.walk_in_sold += sold as u64;
                    Ok(Outcome::Units(sold as Units))
                }),
            ),
            Op::Shrink(a, b, u) => self.change(
                a,
                b,
                false,
                Box::new(move |m, flows| {
                    let lost = i64::from(u).min(m.physical);
                    m.physical -= lost;
                    flows.shrunk += lost as u64;
                    Ok(Outcome::Units(lost as Units))
                }),
            ),
            Op::Misscan(a, b, d) => self.change(
                a,
                b,
                false,
                Box::new(move |m, _| {
                    m.on_hand = m.on_hand.saturating_add(d).max(0);
                    m.settle();
                    Ok(Outcome::Done)
                }),
            ),
            Op::CycleCount(a, b) => self.change(
                a,
                b,
                false,
                Box::new(|m, _| {
                    let correction = m.physical - m.on_hand;
                    m.on_hand = m.physical;
                    m.settle();
                    Ok(Outcome::Correction(correction))
                }),
            ),
            Op::ReceiveReturn(a, b, u) => self.change(
                a,
                b,
                true,
                Box::new(move |m, flows| {
                    m.quarantine += i64::from(u);
                    flows.returns_received += u64::from(u);
                    Ok(Outcome::Done)
                }),
            ),
            Op::Disposition(a, b, u, restock) => self.change(
                a,
                b,
                false,
                Box::new(move |m, flows| dispose(m, flows, a, b, u, restock)),
            ),
            Op::Clear(a, b) => self.change(
                a,
                b,
                false,
                Box::new(|m, flows| {
                    let shelf = (m.physical - m.reserved - m.oversold).max(0);
                    let cleared = shelf;
                    m.physical -= shelf;
                    m.on_hand = (m.on_hand - shelf).max(0);
                    m.settle();
                    flows.cleared += cleared as u64;
                    Ok(Outcome::Units(cleared as Units))
                }),
            ),
            Op::AdvanceTo(t) => {
                self.now = self.now.max(t);
                Ok(Outcome::Done)
            }
            Op::SetSync(secs) => {
                self.sync = secs;
                self.generation += 1;
                if self.frozen.is_some() {
                    // A new interval starts a new epoch, which stays frozen.
                    self.frozen = Some((self.generation, u64::MAX));
                }
                Ok(Outcome::Done)
            }
            Op::Freeze => {
                if self.frozen.is_none() {
                    // A live feed freezes into a new epoch; a synced one in its current one.
                    if self.sync == 0 {
                        self.generation += 1;
                    }
                    let epoch = self.now.checked_div(self.sync).unwrap_or(u64::MAX);
                    self.frozen = Some((self.generation, epoch));
                }
                Ok(Outcome::Done)
            }
            Op::Thaw => {
                if self.frozen.take().is_some() {
                    self.generation += 1;
                }
                Ok(Outcome::Done)
            }
        }
    }

    fn receive(&mut self, node: u32, sku: u32, record: Units, physical: Units) -> Outcomes {
        let change: Change<'_> = Box::new(move |m, flows| {
            m.on_hand += i64::from(record);
            m.physical += i64::from(physical);
            m.settle();
            flows.received += u64::from(physical);
            Ok(Outcome::Done)
        });
        self.change(node, sku, true, change)
    }

    fn transfer(&mut self, from: u32, to: u32, sku: u32, units: Units, arrival: u64) -> Outcomes {
        let source = self.lookup(from, sku, false)?;
        let target = self.lookup(to, sku, true)?;
        let (from_id, to_id, sku_id) = (NodeId(from), NodeId(to), SkuId(sku));

        let mut outgoing = source.clone();
        let available = outgoing.atp();
        if i64::from(units) > available {
            let available = available as Units;
            let (node, sku, requested) = (from_id, sku_id, units);
            return Err(LedgerError::InsufficientAtp { node, sku, requested, available });
        }
        let moved = i64::from(units).min(outgoing.physical);
        outgoing.physical -= moved;
        outgoing.on_hand -= moved;
        if moved < i64::from(units) {
            outgoing.on_hand = outgoing.physical;
        }
        outgoing.settle();
        self.capture(&source, &mut outgoing);

        let (before, mut incoming) =
            if from == to { (source, outgoing.clone()) } else { (target.clone(), target) };
        incoming.add_batch(arrival, moved);
        if !incoming.fits() {
            return Err(LedgerError::Overflow { node: to_id, sku: sku_id });
        }
        self.capture(&before, &mut incoming);

        self.positions.insert((from, sku), outgoing);
        self.positions.insert((to, sku), incoming);
        self.flows.transferred += moved as u64;
        Ok(Outcome::Units(moved as Units))
    }
}

fn check_committed(m: &Model, node: u32, sku: u32, units: Units) -> Result<(), LedgerError> {
    let committed = m.reserved + m.oversold;
    if i64::from(units) > committed {
        let (node, sku, committed) = (NodeId(node), SkuId(sku), committed as Units);
        return Err(LedgerError::NotCommitted { node, sku, requested: units, committed });
    }
    Ok(())
}

fn check_staged(m: &Model, node: u32, sku: u32, units: Units) -> Result<(), LedgerError> {
    if i64::from(units) > m.staged {
        let (node, sku, staged) = (NodeId(node), SkuId(sku), m.staged as Units);
        return Err(LedgerError::NotStaged { node, sku, requested: units, staged });
    }
    Ok(())
}

fn pick(m: &mut Model, node: u32, sku: u32, units: Units) -> Outcomes {
    check_committed(m, node, sku, units)?;
    m.consume(i64::from(units));
    let picked = i64::from(units).min(m.physical);
    let short = i64::from(units) - picked;

    m.physical -= picked;
    m.staged += picked;
    m.on_hand = (m.on_hand - picked).max(0);
    m.settle();
    if short > 0 {
        m.on_hand = m.physical;
        m.settle();
    }
    Ok(Outcome::Pick(PickOutcome { picked: picked as Units, short: short as Units }))
}

fn dispose(
    m: &mut Model,
    flows: &mut Flows,
    node: u32,
    sku: u32,
    u: Units,
    restock: bool,
) -> Outcomes {
    if i64::from(u) > m.quarantine {
        let (node, sku, quarantine) = (NodeId(node), SkuId(sku), m.quarantine as Units);
        return Err(LedgerError::NotInQuarantine { node, sku, requested: u, quarantine });
    }
    m.quarantine -= i64::from(u);
    if restock {
        m.physical += i64::from(u);
        m.on_hand += i64::from(u);
        m.settle();
    } else {
        flows.liquidated += u64::from(u);
    }
    Ok(Outcome::Done)
}

/// Checks the ledger against the model and its own invariants.
fn check(ledger: &Ledger, world: &World) -> Result<(), TestCaseError> {
    for (&(node, sku), model) in &world.positions {
        let (node, sku) = (NodeId(node), SkuId(sku));
        let p = ledger.position(node, sku).ok_or_else(|| TestCaseError::fail("missing"))?;
        let got = [p.on_hand(), p.physical(), p.reserved(), p.oversold(), p.buffer()];
        let want = [model.on_hand, model.physical, model.reserved, model.oversold, model.buffer];
        prop_assert_eq!(got.map(i64::from), want, "{} {}", node, sku);

        let got = [p.quarantine(), p.staged(), p.in_transit(), p.atp()];
        let want = [model.quarantine, model.staged, model.in_transit(), model.atp()];
        prop_assert_eq!(got.map(i64::from), want, "{} {}", node, sku);

        let batches: Vec<(u64, i64)> = ledger
            .in_transit_batches(node, sku)
            .iter()
            .map(|&(t, u)| (t.0, i64::from(u)))
            .collect();
        prop_assert_eq!(&batches, &model.batches);

        let visible = match (world.epoch(), model.snapshot) {
            (Some(epoch), Some((captured, atp))) if epoch == captured => atp,
            _ => model.atp(),
        };
        prop_assert_eq!(i64::from(ledger.visible_atp(node, sku)), visible);
        check_invariants(ledger, node, sku)?;
    }

    for sku in 0..SKUS {
        let listed: Vec<u32> = ledger.stocking_nodes(SkuId(sku)).map(|n| n.0).collect();
        let modelled: Vec<u32> =
            world.positions.keys().filter(|k| k.1 == sku).map(|k| k.0).collect();
        prop_assert_eq!(listed, modelled);
    }
    prop_assert_eq!(ledger.num_positions(), world.positions.len());
    prop_assert_eq!(ledger.flows(), &world.flows);
    prop_assert_eq!(ledger.now(), SimTime(world.now));
    check_conservation(ledger)
}

/// The invariants a position keeps whatever happened to it.
fn check_invariants(ledger: &Ledger, node: NodeId, sku: SkuId) -> Result<(), TestCaseError> {
    let p = ledger.position(node, sku).ok_or_else(|| TestCaseError::fail("missing"))?;
    prop_assert!(p.reserved() <= p.on_hand());
    prop_assert_eq!(p.reserved() + p.oversold(), p.committed());

    let formula = i64::from(p.on_hand()) - i64::from(p.reserved()) - i64::from(p.buffer());
    prop_assert_eq!(i64::from(p.atp()), formula.max(0));
    prop_assert_eq!(ledger.atp(node, sku), p.atp());

    let batches: u64 = ledger.in_transit_batches(node, sku).iter().map(|b| u64::from(b.1)).sum();
    prop_assert_eq!(batches, u64::from(p.in_transit()));
    Ok(())
}

/// Audits, and units conserved over the network and per sku.
fn check_conservation(ledger: &Ledger) -> Result<(), TestCaseError> {
    prop_assert_eq!(ledger.audit(), Ok(()));
    prop_assert_eq!(ledger.audit_flows(), Ok(()));

    let flows = ledger.flows();
    prop_assert_eq!(flows.inflow(), ledger.units_held() + flows.outflow());
    let per_sku: u64 = (0..SKUS).map(|s| ledger.sku_flows(SkuId(s)).map_or(0, Flows::inflow)).sum();
    prop_assert_eq!(per_sku, flows.inflow());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn ledger_agrees_with_the_model_and_keeps_its_invariants(
        initial in initial_stock(),
        ops in prop::collection::vec(op(), 1..80),
    ) {
        let mut ledger = Ledger::new(NODES as usize, SKUS as usize);
        let mut world = World::default();
        let stock = (0..NODES).flat_map(|n| (0..SKUS).map(move |s| (n, s))).zip(initial);
        for ((node, sku), units) in stock {
            if let Some(units) = units {
                let op = Op::Receive(node, sku, units);
                prop_assert_eq!(run(&mut ledger, &op), world.apply(&op));
            }
        }

        for op in &ops {
            let before = ledger.clone();
            let got = run(&mut ledger, op);
            let want = world.apply(op);
            prop_assert_eq!(got, want, "{:?}", op);
            if got.is_err() {
                prop_assert!(ledger == before, "a rejected {:?} changed the ledger", op);
            }
            check(&ledger, &world)?;
        }
    }

    #[test]
    fn corruption_is_found_and_named(
        ops in prop::collection::vec(op(), 1..40),
        node in 0..NODES,
        sku in 0..SKUS,
    ) {
        let mut ledger = Ledger::new(NODES as usize, SKUS as usize);
        for op in &ops {
            let _ = run(&mut ledger, op);
        }
        ledger.ensure(NodeId(node), SkuId(sku)).unwrap();
        ledger.corrupt_for_test(NodeId(node), SkuId(sku)).unwrap();

        let imbalance = ledger.audit().unwrap_err();
        prop_assert_eq!((imbalance.node, imbalance.sku), (NodeId(node), SkuId(sku)));
        prop_assert_eq!(ledger.audit_flows().unwrap_err().sku, SkuId(sku));
    }
}
