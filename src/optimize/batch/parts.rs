//! The batch LP cut into independent parts, and the LP of one part.
//!
//! Orders are linked only by the shared rows of the model: an ATP row per (node, sku) and a
//! capacity row per node. A row that cannot bind is implied by the variables' bounds, so
//! dropping it leaves the feasible set, and hence the optimum value, unchanged:
//!
//! - an ATP row `sum x_oln <= atp` cannot bind when the upper bounds of its variables,
//!   `sum min(q_ol, atp)`, add up to at most `atp`;
//! - a capacity row `sum_o y_on <= cap` cannot bind when at most `cap` parcel openings
//!   (each at most 1) draw on it.
//!
//! What is left splits into connected components (union-find over orders, joined by the
//! rows that can bind); each is an LP of its own, and the batch optimum is the sum of
//! theirs. Why: microlp's simplex factorizes the basis of the whole model at every
//! refactorization, so one LP of 60 orders costs far more than 60 LPs of one order. On
//! `regional` almost every row is slack (the DCs hold weeks of cover, most store positions
//! serve one order of the batch), so a batch falls apart into single orders.
//!
//! A part of one order with no row left usually needs no LP either:
//!
//! - one line is a fractional knapsack ([`single_line`]): with `y_n = x_n / ub_n` at the
//!   optimum, each unit from `n` costs `c_n + F_n / ub_n`, and filling the cheapest first
//!   is optimal;
//! - several lines that one candidate holds in full go there in one parcel when a dual
//!   solution of the same value proves that optimal ([`single_parcel`]); on `regional`
//!   that proof is found for all but a few hundred of some 100,000 such orders, and the
//!   rest go to the LP.
//!
//! The optimum value is the whole model's (property-tested against it); where the optimum
//! is not unique, the solution found may be a different optimal one, so rounding can place
//! a tied order differently than the whole-batch LP would have.
//!
//! Parts are listed in order of their first order, their orders and rows in batch order, so
//! the model handed to the solver never depends on hashing.

use good_lp::{Expression, Solution, SolverModel, Variable, variable, variables};

use super::{BatchError, BatchInstance, BatchLp, BatchParams};

/// Which shared rows can bind, and each candidate's capacity row.
pub(super) struct Layout {
    /// Capacity row of candidate `c` of order `o`: `cap_row[o][c]`.
    cap_row: Vec<Vec<usize>>,
    /// Whether ATP row `p` is in the model.
    atp_kept: Vec<bool>,
    /// Whether capacity row `k` is in the model.
    cap_kept: Vec<bool>,
}

/// One independent LP: some orders and the kept rows only they touch.
pub(super) struct Part {
    /// Orders, ascending.
    pub orders: Vec<usize>,
    /// Kept ATP rows, ascending.
    pub atp_rows: Vec<usize>,
    /// Kept capacity rows, ascending.
    pub cap_rows: Vec<usize>,
}

impl Layout {
    /// Every row kept: the whole model, as one part.
    pub fn whole(instance: &BatchInstance) -> (Self, Vec<Part>) {
        let layout = Layout {
            cap_row: cap_rows_of(instance),
            atp_kept: vec![true; instance.positions.len()],
            cap_kept: vec![true; instance.capacity.len()],
        };
        let part = Part {
            orders: (0..instance.orders.len()).collect(),
            atp_rows: (0..instance.positions.len()).collect(),
            cap_rows: (0..instance.capacity.len()).collect(),
        };
        (layout, vec![part])
    }

    /// Only the rows that can bind kept, and the parts they leave.
    pub fn decomposed(instance: &BatchInstance) -> (Self, Vec<Part>) {
        let cap_row = cap_rows_of(instance);
        let mut atp_load = vec![0u64; instance.positions.len()];
        let mut cap_load = vec![0u64; instance.capacity.len()];
        for (o, order) in instance.orders.iter().enumerate() {
            for (c, cand) in order.candidates.iter().enumerate() {
                cap_load[cap_row[o][c]] += 1;
                for (l, &q) in order.units.iter().enumerate() {
                    if let Some(p) = cand.position[l] {
                        atp_load[p] += u64::from(q.min(instance.positions[p].2));
                    }
                }
            }
        }
        let atp_kept: Vec<bool> = atp_load
            .iter()
            .zip(&instance.positions)
            .map(|(&load, p)| load > u64::from(p.2))
            .collect();
        let cap_kept: Vec<bool> = cap_load
            .iter()
            .zip(&instance.capacity)
            .map(|(&load, c)| load > u64::from(c.1))
            .collect();
        let layout = Layout { cap_row, atp_kept, cap_kept };
        let parts = layout.parts(instance);
        (layout, parts)
    }

    /// Connected components of the orders over the kept rows.
    fn parts(&self, instance: &BatchInstance) -> Vec<Part> {
        let mut sets = DisjointSets::new(instance.orders.len());
        // The first order seen on each kept row; later ones are joined to it.
        let mut atp_first: Vec<Option<usize>> = vec![None; self.atp_kept.len()];
        let mut cap_first: Vec<Option<usize>> = vec![None; self.cap_kept.len()];
        for (o, order) in instance.orders.iter().enumerate() {
            for (c, cand) in order.candidates.iter().enumerate() {
                let k = self.cap_row[o][c];
                if self.cap_kept[k] {
                    sets.join_first(&mut cap_first[k], o);
                }
                for p in cand.position.iter().flatten().copied() {
                    if self.atp_kept[p] {
                        sets.join_first(&mut atp_first[p], o);
                    }
                }
            }
        }

        // Number the parts by their first order.
        let mut part_of_root: Vec<Option<usize>> = vec![None; instance.orders.len()];
        let mut parts: Vec<Part> = Vec::new();
        let mut part_of_order = Vec::with_capacity(instance.orders.len());
        for o in 0..instance.orders.len() {
            let root = sets.find(o);
            let i = *part_of_root[root].get_or_insert_with(|| {
                parts.push(Part { orders: Vec::new(), atp_rows: Vec::new(), cap_rows: Vec::new() });
                parts.len() - 1
            });
            parts[i].orders.push(o);
            part_of_order.push(i);
        }
        for (p, first) in atp_first.iter().enumerate() {
            if let Some(o) = first {
                parts[part_of_order[*o]].atp_rows.push(p);
            }
        }
        for (k, first) in cap_first.iter().enumerate() {
            if let Some(o) = first {
                parts[part_of_order[*o]].cap_rows.push(k);
            }
        }
        parts
    }
}

/// The capacity row of every candidate (a linear search per candidate: a batch's
/// candidates span a few dozen nodes).
fn cap_rows_of(instance: &BatchInstance) -> Vec<Vec<usize>> {
    instance
        .orders
        .iter()
        .map(|order| order.candidates.iter().map(|c| instance.capacity_index(c.node)).collect())
        .collect()
}

/// Union-find with path halving and union by size.
struct DisjointSets {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> Self {
        DisjointSets { parent: (0..n).collect(), size: vec![1; n] }
    }

    fn find(&mut self, mut a: usize) -> usize {
        while self.parent[a] != a {
            self.parent[a] = self.parent[self.parent[a]];
            a = self.parent[a];
        }
        a
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        let (big, small) = if self.size[a] >= self.size[b] { (a, b) } else { (b, a) };
        self.parent[small] = big;
        self.size[big] += self.size[small];
    }

    /// Joins `o` to the row's first order, or makes it the first.
    fn join_first(&mut self, first: &mut Option<usize>, o: usize) {
        match *first {
            Some(f) => self.union(f, o),
            None => *first = Some(o),
        }
    }
}

/// Solves `part` and writes its variables into `lp`; returns its objective.
///
/// `slots` maps global rows to the part's rows; the part's entries are overwritten here
/// (each kept row belongs to one part, so no reset is needed).
pub(super) fn solve_part(
    instance: &BatchInstance,
    layout: &Layout,
    part: &Part,
    params: &BatchParams,
    slots: &mut Slots,
    lp: &mut BatchLp,
) -> Result<f64, BatchError> {
    if part.atp_rows.is_empty()
        && part.cap_rows.is_empty()
        && let [o] = part.orders[..]
    {
        // Under `highs` openings are binary and the knapsack argument does not hold; a
        // certified single parcel is integral, so it is the mixed-integer optimum too.
        let knapsack =
            if cfg!(feature = "highs") { None } else { single_line(instance, o, params, lp) };
        if let Some(objective) = knapsack.or_else(|| single_parcel(instance, o, params, lp)) {
            return Ok(objective);
        }
    }
    part_lp(instance, layout, part, params, slots, lp)
}

/// Scratch maps from a global row to its row in the part being built.
pub(super) struct Slots {
    atp: Vec<usize>,
    cap: Vec<usize>,
}

impl Slots {
    pub fn new(instance: &BatchInstance) -> Self {
        Slots { atp: vec![0; instance.positions.len()], cap: vec![0; instance.capacity.len()] }
    }
}

/// The exact LP optimum of a single-line order with no shared row, by filling the cheapest
/// units first (see the module docs); `None` (use the LP) for more lines or a negative or
/// non-finite cost, where that argument does not hold.
fn single_line(
    instance: &BatchInstance,
    o: usize,
    params: &BatchParams,
    lp: &mut BatchLp,
) -> Option<f64> {
    let order = &instance.orders[o];
    let [q] = order.units[..] else { return None };
    let usable = |v: f64| v.is_finite() && v >= 0.0;
    let costs_usable = usable(params.cancel_penalty)
        && order
            .candidates
            .iter()
            .all(|c| usable(c.fixed + params.split_penalty) && usable(c.per_unit[0]));
    if !costs_usable {
        return None;
    }

    // Each candidate with ATP as (cost per unit with its parcel spread over `ub`, ub).
    let mut offers: Vec<(f64, usize, f64)> = order
        .candidates
        .iter()
        .enumerate()
        .filter_map(|(c, cand)| {
            let p = cand.position[0]?;
            let ub = f64::from(q.min(instance.positions[p].2));
            let fixed = cand.fixed + params.split_penalty;
            (ub > 0.0).then(|| (cand.per_unit[0] + fixed / ub, c, ub))
        })
        .collect();
    offers.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

    let mut remaining = f64::from(q);
    let mut objective = 0.0;
    for &(unit_cost, c, ub) in &offers {
        if remaining <= 0.0 || unit_cost >= params.cancel_penalty {
            break;
        }
        let units = ub.min(remaining);
        let cand = &order.candidates[c];
        lp.x[o][c][0] = units;
        lp.y[o][c] = units / ub;
        objective += cand.per_unit[0] * units + (cand.fixed + params.split_penalty) * units / ub;
        remaining -= units;
    }
    lp.u[o][0] = remaining;
    Some(objective + params.cancel_penalty * remaining)
}

/// The LP optimum of an order with no shared row when one parcel from one candidate is
/// optimal, proved by a dual solution of equal value; `None` (use the LP) when no such
/// proof is found.
///
/// The dual of the order's LP (see the module docs of `batch`) is: maximize
/// `sum_l q_l v_l - sum_n s_n` over `v_l <= P`, `s_n >= 0` and `s_n >= sum_l ub_ln (v_l -
/// c_ln)^+ - F_n`, with `F_n` the parcel's cost and split penalty and `c_ln` the cost per
/// unit. The candidate `m` that holds every line in full and is cheapest that way gives
/// the primal value `F_m + sum_l c_lm q_l`. Spreading its parcel cost over the lines,
/// `v_l = c_lm + d_l` with `d_l >= 0` and `sum_l q_l d_l = F_m`, gives the same dual value
/// when every candidate `n` has `sum_l ub_ln (v_l - c_ln)^+ <= F_n` (then `s = 0`) and
/// `v_l <= P`; by weak duality both are then optimal. A few spreads are tried: all of
/// `F_m` on one line, for each line, and an even split between the lines.
fn single_parcel(
    instance: &BatchInstance,
    o: usize,
    params: &BatchParams,
    lp: &mut BatchLp,
) -> Option<f64> {
    let order = &instance.orders[o];
    let fixed = |c: usize| order.candidates[c].fixed + params.split_penalty;
    let covers = |c: usize| {
        let cand = &order.candidates[c];
        order
            .units
            .iter()
            .enumerate()
            .all(|(l, &q)| cand.position[l].is_some_and(|p| instance.positions[p].2 >= q))
    };
    let parcel_cost = |c: usize| {
        let cand = &order.candidates[c];
        let units: f64 =
            order.units.iter().enumerate().map(|(l, &q)| cand.per_unit[l] * f64::from(q)).sum();
        fixed(c) + units
    };
    let m = (0..order.candidates.len())
        .filter(|&c| covers(c))
        .map(|c| (parcel_cost(c), c))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?
        .1;
    let lines = order.units.len();
    if lines == 0 || !parcel_cost(m).is_finite() || fixed(m) < 0.0 {
        return None;
    }

    // The dual values `v_l` of one spread of `F_m`, and whether they prove optimality.
    let certifies = |spread: &dyn Fn(usize) -> f64| {
        let v: Vec<f64> = (0..lines).map(|l| order.candidates[m].per_unit[l] + spread(l)).collect();
        let within_penalty = v.iter().all(|&v| v <= params.cancel_penalty);
        within_penalty
            // `m`'s own row holds with equality by construction (not re-summed, so rounding
            // cannot reject it).
            && order.candidates.iter().enumerate().filter(|&(c, _)| c != m).all(|(c, cand)| {
                let gain: f64 = (0..lines)
                    .filter_map(|l| {
                        let p = cand.position[l]?;
                        let ub = f64::from(order.units[l].min(instance.positions[p].2));
                        Some(ub * (v[l] - cand.per_unit[l]).max(0.0))
                    })
                    .sum();
                gain <= fixed(c)
            })
    };
    let q = |l: usize| f64::from(order.units[l]);
    let even = |l: usize| fixed(m) / (lines as f64 * q(l));
    let proved = certifies(&even)
        || (0..lines).any(|j| certifies(&|l| if l == j { fixed(m) / q(j) } else { 0.0 }));
    if !proved {
        return None;
    }
    for (l, &units) in order.units.iter().enumerate() {
        lp.x[o][m][l] = f64::from(units);
    }
    lp.y[o][m] = 1.0;
    Some(parcel_cost(m))
}

/// The model of the module docs of `batch` over the part's orders and rows.
///
/// Variables and rows are added in the order the whole-batch model always used (per order:
/// each candidate's opening then its lines, then the cancellations; per line its linking
/// rows then its demand row; then ATP rows, then capacity rows), so the part that is the
/// whole batch is exactly the original model.
fn part_lp(
    instance: &BatchInstance,
    layout: &Layout,
    part: &Part,
    params: &BatchParams,
    slots: &mut Slots,
    lp: &mut BatchLp,
) -> Result<f64, BatchError> {
    let mut vars = variables!();
    let opening =
        if cfg!(feature = "highs") { variable().binary() } else { variable().min(0.0).max(1.0) };
    let mut objective = Expression::with_capacity(part.orders.len() * 8);
    let mut x: Vec<Vec<Vec<Option<Variable>>>> = Vec::with_capacity(part.orders.len());
    let mut y: Vec<Vec<Variable>> = Vec::with_capacity(part.orders.len());
    let mut u: Vec<Vec<Variable>> = Vec::with_capacity(part.orders.len());
    for &o in &part.orders {
        let order = &instance.orders[o];
        let mut xo = Vec::with_capacity(order.candidates.len());
        let mut yo = Vec::with_capacity(order.candidates.len());
        for c in &order.candidates {
            let open = vars.add(opening.clone());
            objective.add_mul(c.fixed + params.split_penalty, open);
            yo.push(open);
            let xc = order
                .units
                .iter()
                .enumerate()
                .map(|(l, &q)| {
                    let p = c.position[l]?;
                    let ub = f64::from(q.min(instance.positions[p].2));
                    let v = vars.add(variable().min(0.0).max(ub));
                    objective.add_mul(c.per_unit[l], v);
                    Some(v)
                })
                .collect();
            xo.push(xc);
        }
        let uo: Vec<Variable> = order
            .units
            .iter()
            .map(|&q| {
                let v = vars.add(variable().min(0.0).max(f64::from(q)));
                objective.add_mul(params.cancel_penalty, v);
                v
            })
            .collect();
        x.push(xo);
        y.push(yo);
        u.push(uo);
    }

    let mut model = vars.minimise(objective.clone()).using(solver());
    add_constraints(instance, layout, part, slots, &mut model, &x, &y, &u);
    let solution = model.solve().map_err(|e| BatchError::Solver(e.to_string()))?;
    let value = |v: &Variable| solution.value(*v);
    for (i, &o) in part.orders.iter().enumerate() {
        for (c, xc) in x[i].iter().enumerate() {
            for (l, v) in xc.iter().enumerate() {
                lp.x[o][c][l] = v.as_ref().map_or(0.0, value);
            }
            lp.y[o][c] = value(&y[i][c]);
        }
        for (l, v) in u[i].iter().enumerate() {
            lp.u[o][l] = value(v);
        }
    }
    Ok(objective.eval_with(&solution))
}

/// Demand, linking, and the part's ATP and capacity rows.
#[allow(clippy::too_many_arguments)]
fn add_constraints<M: SolverModel>(
    instance: &BatchInstance,
    layout: &Layout,
    part: &Part,
    slots: &mut Slots,
    model: &mut M,
    x: &[Vec<Vec<Option<Variable>>>],
    y: &[Vec<Variable>],
    u: &[Vec<Variable>],
) {
    for (i, &p) in part.atp_rows.iter().enumerate() {
        slots.atp[p] = i;
    }
    for (i, &k) in part.cap_rows.iter().enumerate() {
        slots.cap[k] = i;
    }
    let mut atp_rows: Vec<Expression> = vec![Expression::default(); part.atp_rows.len()];
    let mut cap_rows: Vec<Expression> = vec![Expression::default(); part.cap_rows.len()];
    for (i, &o) in part.orders.iter().enumerate() {
        let order = &instance.orders[o];
        for (l, &q) in order.units.iter().enumerate() {
            let mut served: Expression = u[i][l].into();
            for (c, cand) in order.candidates.iter().enumerate() {
                let Some(v) = x[i][c][l] else { continue };
                served.add_mul(1.0, v);
                let p = cand.position[l].expect("a variable exists only where ATP does");
                let ub = f64::from(q.min(instance.positions[p].2));
                model.add_constraint((v - ub * y[i][c]).leq(0.0));
                if layout.atp_kept[p] {
                    atp_rows[slots.atp[p]].add_mul(1.0, v);
                }
            }
            model.add_constraint(served.eq(f64::from(q)));
        }
        for (&k, &open) in layout.cap_row[o].iter().zip(&y[i]) {
            if layout.cap_kept[k] {
                cap_rows[slots.cap[k]].add_mul(1.0, open);
            }
        }
    }
    for (row, &p) in atp_rows.into_iter().zip(&part.atp_rows) {
        model.add_constraint(row.leq(f64::from(instance.positions[p].2)));
    }
    for (row, &k) in cap_rows.into_iter().zip(&part.cap_rows) {
        model.add_constraint(row.leq(f64::from(instance.capacity[k].1)));
    }
}

#[cfg(not(feature = "highs"))]
fn solver() -> impl good_lp::Solver {
    good_lp::microlp
}

#[cfg(feature = "highs")]
fn solver() -> impl good_lp::Solver {
    good_lp::highs
}

#[cfg(test)]
mod tests;
