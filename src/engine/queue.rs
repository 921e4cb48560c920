//! [`RadixQueue`]: the engine's future-event list, a radix heap over event times.
//!
//! A discrete-event simulation only ever takes the earliest event and only ever schedules at
//! or after the current time, so times leave the queue in increasing order and every new time
//! is at least the last one taken. A radix heap exploits that: an entry sits in the bucket
//! numbered by the highest bit in which its time differs from the last time taken (bucket 0:
//! equal). Taking the minimum empties the lowest non-empty bucket, whose entries all move to
//! strictly lower buckets against the new last time, so each entry moves at most 64 times
//! and in practice a few. Pushes are an append; there is no sift through a binary heap of
//! 10^5 entries scattered over memory, which is what the simulator's queue (every parcel in
//! transit has its delivery pending) spent its time on.
//!
//! Ties in time pop in the order they were scheduled, without a sequence number in the key:
//! entries of one time always share a bucket (their bucket depends on the time alone, and a
//! bucket above the one being emptied keeps its meaning when the last time moves), every move
//! appends in order, so within a bucket they stay in scheduling order; bucket 0 is read from
//! the front. Keys of eight bytes instead of sixteen halve the entries' size and the
//! arithmetic on them.

/// A monotone priority queue of events keyed by time, first in first out within a time.
#[derive(Debug)]
pub(super) struct RadixQueue<E> {
    /// The last time taken (0 before any).
    last: u64,
    /// `buckets[b]` holds entries whose time first differs from `last` at bit `b - 1`.
    buckets: Vec<Vec<(u64, E)>>,
    /// How many entries at the front of `buckets[0]` were already taken.
    taken: usize,
    /// Bit `b` is set when `buckets[b]` holds entries not yet taken, so the lowest non-empty
    /// bucket is a trailing-zeros count rather than a scan of 65 buckets.
    occupied: u128,
    len: usize,
}

impl<E: Copy> RadixQueue<E> {
    /// An empty queue; `capacity` entries are reserved in the bucket entries land in first.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        let mut buckets: Vec<Vec<(u64, E)>> = (0..=64).map(|_| Vec::new()).collect();
        buckets[64].reserve(capacity);
        RadixQueue { last: 0, buckets, taken: 0, occupied: 0, len: 0 }
    }

    /// How many entries are pending.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn bucket(&self, time: u64) -> usize {
        (64 - (time ^ self.last).leading_zeros()) as usize
    }

    /// Adds an entry. `time` must be at least the last time taken.
    #[inline]
    pub(super) fn push(&mut self, time: u64, event: E) {
        debug_assert!(time >= self.last, "radix heaps are monotone");
        let b = self.bucket(time);
        self.buckets[b].push((time, event));
        self.occupied |= 1 << b;
        self.len += 1;
    }

    /// Takes the earliest entry (the first scheduled among the earliest) if its time is at
    /// most `horizon`.
    #[inline]
    pub(super) fn pop_due(&mut self, horizon: u64) -> Option<(u64, E)> {
        if self.occupied & 1 == 0 {
            if self.occupied == 0 {
                return None;
            }
            let b = self.occupied.trailing_zeros() as usize;
            let min = self.buckets[b].iter().map(|&(time, _)| time).min()?;
            if min > horizon {
                return None;
            }
            self.redistribute(b, min);
        } else if self.last > horizon {
            return None;
        }
        let zero = &mut self.buckets[0];
        let entry = zero[self.taken];
        self.taken += 1;
        if self.taken == zero.len() {
            zero.clear();
            self.taken = 0;
            self.occupied &= !1;
        }
        self.len -= 1;
        Some(entry)
    }

    /// Makes `min`, the smallest time in bucket `b` (the lowest non-empty one, bucket 0 being
    /// empty), the last time taken and moves the bucket's entries, in order, to the buckets
    /// they now belong in, all below `b`; the entries at `min` land in bucket 0.
    fn redistribute(&mut self, b: usize, min: u64) {
        self.last = min;
        // Keep the bucket's allocation: it is the one the next entries far ahead land in.
        let mut moving = std::mem::take(&mut self.buckets[b]);
        for &(time, event) in &moving {
            let to = self.bucket(time);
            self.buckets[to].push((time, event));
            self.occupied |= 1 << to;
        }
        moving.clear();
        self.buckets[b] = moving;
        self.occupied &= !(1 << b);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Against a sorted list: random pushes (never before the last time taken) and pops
        /// with random horizons give the entries in time order, ties in the order they were
        /// pushed, and only those due. Few distinct times, so ties are common.
        #[test]
        fn pops_in_time_then_push_order_like_a_sorted_list(
            steps in prop::collection::vec((any::<bool>(), 0u64..50, 0u64..60), 1..300),
        ) {
            let mut queue = RadixQueue::with_capacity(4);
            let mut reference: Vec<(u64, u32)> = Vec::new();
            let mut now = 0u64;
            for (i, (push, delay, horizon)) in steps.into_iter().enumerate() {
                if push {
                    let time = now + delay / 8;
                    queue.push(time, i as u32);
                    reference.push((time, i as u32));
                    // Stable: equal times keep their push order.
                    reference.sort_by_key(|&(t, _)| t);
                } else {
                    let horizon = now + horizon;
                    let expected = match reference.first() {
                        Some(&(t, _)) if t <= horizon => Some(reference.remove(0)),
                        _ => None,
                    };
                    let got = queue.pop_due(horizon);
                    prop_assert_eq!(got, expected);
                    if let Some((t, _)) = got {
                        now = t;
                    }
                }
                prop_assert_eq!(queue.len(), reference.len());
            }
        }
    }

    #[test]
    fn far_times_and_ties_across_moves_keep_their_order() {
        let mut queue = RadixQueue::with_capacity(0);
        for (i, time) in [u64::MAX, 7, 1 << 40, 7, 0, 1 << 40, u64::MAX].into_iter().enumerate() {
            queue.push(time, i);
        }
        let order: Vec<(u64, usize)> = std::iter::from_fn(|| queue.pop_due(u64::MAX)).collect();
        let expected =
            [(0, 4), (7, 1), (7, 3), (1 << 40, 2), (1 << 40, 5), (u64::MAX, 0), (u64::MAX, 6)];
        assert_eq!(order, expected);
        assert_eq!(queue.len(), 0);
    }
}
