//! Statistics over replications and inside one: running sums, fixed-bin histograms for
//! percentiles, and 95% confidence intervals (Student t), plain and paired.
//!
//! Pure functions and small accumulators: no I/O, no randomness, nothing of the domain.

/// A 95% confidence interval for a mean over independent replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The sample mean.
    pub mean: f64,
    /// Lower end of the 95% interval (NaN with fewer than two values).
    pub low: f64,
    /// Upper end of the 95% interval (NaN with fewer than two values).
    pub high: f64,
    /// How many values it summarizes.
    pub n: usize,
}

impl Interval {
    /// Whether the interval excludes zero (a paired difference that is significant at 5%).
    pub fn excludes_zero(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

/// The 97.5% quantile of Student's t distribution with `df` degrees of freedom, which gives
/// two-sided 95% intervals.
///
/// Exact to four decimals from a table up to 30 degrees of freedom; beyond, the
/// Cornish-Fisher expansion around the normal quantile, whose error is below 1e-4 there.
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
        2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739,
        2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];
    if df == 0 {
        return f64::NAN;
    }
    if df <= TABLE.len() {
        return TABLE[df - 1];
    }
    let z: f64 = 1.959_963_985;
    let n = df as f64;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * n)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n * n * n)
}

/// Mean and 95% Student-t interval of independent values (one per replication).
pub fn mean_interval(values: &[f64]) -> Interval {
    let n = values.len();
    if n == 0 {
        return Interval { mean: f64::NAN, low: f64::NAN, high: f64::NAN, n };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Interval { mean, low: f64::NAN, high: f64::NAN, n };
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t_975(n - 1) * (var / n as f64).sqrt();
    Interval { mean, low: mean - half, high: mean + half, n }
}

/// The paired 95% interval of `a - b` over common replications (common random numbers make
/// the pairs correlated, which is what narrows this interval).
///
/// # Panics
/// If the slices differ in length: pairs come from the same replications by construction.
pub fn paired_interval(a: &[f64], b: &[f64]) -> Interval {
    assert_eq!(a.len(), b.len(), "paired values come from the same replications");
    let diffs: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    mean_interval(&diffs)
}

/// A histogram with fixed-width bins from zero, for percentiles without keeping every value.
/// Values beyond the last bin fall into an overflow bin that reports the largest value seen.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    width: f64,
    bins: Vec<u64>,
    overflow: u64,
    count: u64,
    sum: f64,
    max: f64,
}

impl Histogram {
    /// `bins` bins of `width` each, covering `[0, bins * width)`.
    pub fn new(width: f64, bins: usize) -> Self {
        Histogram { width, bins: vec![0; bins], overflow: 0, count: 0, sum: 0.0, max: 0.0 }
    }

    /// Records one non-negative value (negative values count as zero).
    #[inline]
    pub fn record(&mut self, value: f64) {
        let value = value.max(0.0);
        let bin = (value / self.width) as usize;
        match self.bins.get_mut(bin) {
            Some(slot) => *slot += 1,
            None => self.overflow += 1,
        }
        self.count += 1;
        self.sum += value;
        self.max = self.max.max(value);
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The exact mean of the recorded values (NaN when empty).
    pub fn mean(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.sum / self.count as f64 }
    }

    /// The `q` quantile (0..=1), interpolated inside its bin; NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        let rank = q.clamp(0.0, 1.0) * self.count as f64;
        let mut seen = 0.0;
        for (i, &c) in self.bins.iter().enumerate() {
            let c = c as f64;
            if c > 0.0 && seen + c >= rank {
                let within = ((rank - seen) / c).clamp(0.0, 1.0);
                return ((i as f64 + within) * self.width).min(self.max);
            }
            seen += c;
        }
        self.max
    }

    /// Adds another histogram of the same shape.
    ///
    /// # Panics
    /// If the shapes differ; histograms of one metric are always built with one shape.
    pub fn merge(&mut self, other: &Histogram) {
        assert!(self.bins.len() == other.bins.len() && self.width == other.width, "same shape");
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a += b;
        }
        self.overflow += other.overflow;
        self.count += other.count;
        self.sum += other.sum;
        self.max = self.max.max(other.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        assert!((t_975(1) - 12.7062).abs() < 1e-4);
        assert!((t_975(9) - 2.2622).abs() < 1e-4);
        assert!((t_975(40) - 2.0211).abs() < 2e-4);
        assert!((t_975(120) - 1.9799).abs() < 2e-4);
        assert!(t_975(0).is_nan());
    }

    #[test]
    fn interval_of_a_hand_computed_sample() {
        // mean 5, sample sd sqrt(2.5), n 5: half width 2.7764 * sqrt(2.5 / 5).
        let i = mean_interval(&[3.0, 4.0, 5.0, 6.0, 7.0]);
        let half = 2.7764 * (0.5f64).sqrt();
        assert!((i.mean - 5.0).abs() < 1e-12);
        assert!((i.low - (5.0 - half)).abs() < 1e-3);
        assert!((i.high - (5.0 + half)).abs() < 1e-3);
    }

    #[test]
    fn paired_interval_uses_differences() {
        // Differences 1, 2, 3: mean 2, sd 1, n 3: half width 4.3027 / sqrt(3) = 2.484,
        // so the interval still covers zero.
        let i = paired_interval(&[11.0, 22.0, 33.0], &[10.0, 20.0, 30.0]);
        let half = 4.3027 / 3f64.sqrt();
        assert!((i.mean - 2.0).abs() < 1e-12);
        assert!((i.high - (2.0 + half)).abs() < 1e-3);
        assert!(!i.excludes_zero());

        // Differences 1.9, 2.0, 2.1: sd 0.1, half width 0.248: significant.
        let i = paired_interval(&[11.9, 22.0, 32.1], &[10.0, 20.0, 30.0]);
        assert!((i.mean - 2.0).abs() < 1e-9);
        assert!(i.excludes_zero());
    }

    #[test]
    fn one_value_has_no_interval() {
        let i = mean_interval(&[4.0]);
        assert_eq!(i.mean, 4.0);
        assert!(i.low.is_nan() && i.high.is_nan());
        assert!(!i.excludes_zero());
    }

    #[test]
    fn histogram_quantiles_are_close_to_exact() {
        let mut h = Histogram::new(0.1, 1000);
        for v in 0..1000 {
            h.record(v as f64 / 10.0);
        }
        assert!((h.quantile(0.5) - 50.0).abs() < 0.2);
        assert!((h.quantile(0.9) - 90.0).abs() < 0.2);
        assert!((h.mean() - 49.95).abs() < 1e-9);
        h.record(1e9);
        assert_eq!(h.quantile(1.0), 1e9);
    }
}
