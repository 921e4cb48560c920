//! Random streams and per-order luck, arranged for common random numbers.
//!
//! Every replication derives its seed from the scenario seed and its index. Demand comes from
//! one generator per (replication, purpose), so every policy sees the same customers. What
//! happens to an order afterwards (a pick failure, a late carrier, a return, a no-show, a
//! pick's duration) is not drawn from a shared stream, whose position would depend on what
//! earlier orders did under the policy, but computed by hashing (replication seed, order,
//! purpose, detail): a policy that routes one order differently never shifts another
//! order's luck, and an order served by the same node under two policies meets the same
//! luck there.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used for every stream.
pub type Stream = Xoshiro256PlusPlus;

/// What a random draw is for; part of the hash, so purposes never share numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Arrivals and order contents of one channel (a stream; the detail is the channel).
    Demand = 1,
    /// Initial record errors and assortments (a stream).
    Stock = 2,
    /// Shrink and cycle-count choices (a stream).
    Shrink = 3,
    /// Whether a line's pick fails at a node.
    PickFailure = 10,
    /// How long a pick takes.
    PickTime = 11,
    /// Whether the carrier is late.
    CarrierLate = 12,
    /// Whether a line is returned.
    Return = 13,
    /// How long after delivery the return starts.
    ReturnLag = 14,
    /// Whether the return goes to a store.
    ReturnToStore = 15,
    /// What happens to the returned units.
    Disposition = 16,
    /// Whether the BOPIS customer never collects.
    NoShow = 17,
    /// How long the BOPIS customer takes to collect.
    PickupDelay = 18,
}

/// SplitMix64's finalizer: a fast, well-mixed 64-bit hash step.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of replication `rep` of a scenario seeded `scenario_seed`.
pub fn replication_seed(scenario_seed: u64, rep: u32) -> u64 {
    mix(mix(scenario_seed) ^ u64::from(rep).wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

/// A generator for one (replication, purpose, detail) stream.
pub fn stream(rep_seed: u64, purpose: Purpose, detail: u64) -> Stream {
    Stream::seed_from_u64(mix(rep_seed ^ mix(purpose as u64) ^ mix(detail.wrapping_add(1) << 8)))
}

/// Per-order luck of one replication.
#[derive(Clone, Copy, Debug)]
pub struct Luck {
    seed: u64,
}

impl Luck {
    /// Luck for the replication whose seed is `rep_seed`.
    pub fn new(rep_seed: u64) -> Self {
        Luck { seed: mix(rep_seed ^ 0x5EED_1E55_u64) }
    }

    /// A uniform number in [0, 1) for (order, purpose, detail).
    #[inline]
    pub fn uniform(&self, order: u64, purpose: Purpose, detail: u64) -> f64 {
        let h = mix(self.seed ^ mix(order) ^ mix((purpose as u64) << 32 ^ detail));
        (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Whether an event of probability `p` happens.
    #[inline]
    pub fn chance(&self, order: u64, purpose: Purpose, detail: u64, p: f64) -> bool {
        self.uniform(order, purpose, detail) < p
    }

    /// An exponential duration with mean `mean`.
    #[inline]
    pub fn exponential(&self, order: u64, purpose: Purpose, detail: u64, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform(order, purpose, detail)).ln()
    }

    /// A standard normal number (Box-Muller on two hashed uniforms).
    pub fn normal(&self, order: u64, purpose: Purpose, detail: u64) -> f64 {
        let u1 = 1.0 - self.uniform(order, purpose, detail);
        let u2 = self.uniform(order, purpose, detail ^ 0xA5A5_A5A5);
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniforms_are_in_range_and_roughly_uniform() {
        let luck = Luck::new(replication_seed(7, 0));
        let n = 100_000;
        let mut sum = 0.0;
        for i in 0..n {
            let u = luck.uniform(i, Purpose::Return, 0);
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.01);
    }

    #[test]
    fn luck_depends_on_every_part_of_the_key() {
        let luck = Luck::new(1);
        let base = luck.uniform(5, Purpose::PickTime, 3);
        assert_eq!(base, luck.uniform(5, Purpose::PickTime, 3));
        assert_ne!(base, luck.uniform(6, Purpose::PickTime, 3));
        assert_ne!(base, luck.uniform(5, Purpose::CarrierLate, 3));
        assert_ne!(base, luck.uniform(5, Purpose::PickTime, 4));
        assert_ne!(base, Luck::new(2).uniform(5, Purpose::PickTime, 3));
    }

    #[test]
    fn exponential_mean_matches() {
        let luck = Luck::new(3);
        let n = 200_000;
        let mean: f64 =
            (0..n).map(|i| luck.exponential(i, Purpose::PickTime, 0, 2.0)).sum::<f64>() / n as f64;
        assert!((mean - 2.0).abs() < 0.03);
    }

    #[test]
    fn replication_seeds_differ() {
        assert_ne!(replication_seed(1, 0), replication_seed(1, 1));
        assert_ne!(replication_seed(1, 0), replication_seed(2, 0));
    }
}
