//! [`RadixQueue`]: the engine's future-event list, a radix heap over `(time, seq)` keys.
//!
//! A discrete-event simulation only ever takes the earliest event and only ever schedules at
//! or after the current time, so keys leave the queue in increasing order and every new key
//! is at least the last one taken. A radix heap exploits that: an entry sits in the bucket
//! numbered by the highest bit in which its key differs from the last key taken (bucket 0:
//! equal). Taking the minimum empties the lowest non-empty bucket, whose entries all move to
//! strictly lower buckets against the new last key, so each entry moves at most 128 times
//! and in practice a few. Pushes are an append; there is no sift through a binary heap of
//! 10^5 entries scattered over memory, which is what the simulator's queue (every parcel in
//! transit has its delivery pending) spent its time on.
//!
//! Keys are `time << 64 | seq`: time first, then insertion order, so ties in time pop in the
//! order they were scheduled, and every key is distinct.

/// A monotone priority queue of events keyed by `(time, seq)`.
#[derive(Debug)]
pub(super) struct RadixQueue<E> {
    /// The key of the last entry taken (0 before any).
    last: u128,
    /// `buckets[b]` holds entries whose key first differs from `last` at bit `b - 1`.
    buckets: Vec<Vec<(u128, E)>>,
    /// Bit `b` is set when `buckets[b]` is not empty, so the lowest non-empty bucket is a
    /// trailing-zeros count rather than a scan of 129 buckets.
    occupied: [u64; 3],
    len: usize,
}

/// The key of an event at `time` scheduled `seq`-th.
#[inline]
pub(super) fn key(time: u64, seq: u64) -> u128 {
    (u128::from(time) << 64) | u128::from(seq)
}

/// The time part of `key`.
#[inline]
pub(super) fn time_of(key: u128) -> u64 {
    (key >> 64) as u64
}

impl<E> RadixQueue<E> {
    /// An empty queue; `capacity` entries are reserved in the bucket entries land in first.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        let mut buckets: Vec<Vec<(u128, E)>> = (0..=128).map(|_| Vec::new()).collect();
        buckets[128].reserve(capacity);
        RadixQueue { last: 0, buckets, occupied: [0; 3], len: 0 }
    }

    /// How many entries are pending.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn bucket(&self, key: u128) -> usize {
        (128 - (key ^ self.last).leading_zeros()) as usize
    }

    /// Adds an entry. `key` must be at least the key of the last entry taken.
    #[inline]
    pub(super) fn push(&mut self, key: u128, event: E) {
        debug_assert!(key >= self.last, "radix heaps are monotone");
        let b = self.bucket(key);
        self.buckets[b].push((key, event));
        self.occupied[b / 64] |= 1 << (b % 64);
        self.len += 1;
    }

    /// The lowest non-empty bucket.
    #[inline]
    fn lowest(&self) -> Option<usize> {
        let word = self.occupied.iter().position(|&w| w != 0)?;
        Some(word * 64 + self.occupied[word].trailing_zeros() as usize)
    }

    /// Marks bucket `b` empty if it is.
    #[inline]
    fn note_if_empty(&mut self, b: usize) {
        if self.buckets[b].is_empty() {
            self.occupied[b / 64] &= !(1 << (b % 64));
        }
    }

    /// Takes the entry with the smallest key if its time is at most `horizon`.
    #[inline]
    pub(super) fn pop_due(&mut self, horizon: u64) -> Option<(u128, E)> {
        if self.buckets[0].is_empty() {
            let b = self.lowest()?;
            let min = self.buckets[b].iter().map(|&(key, _)| key).min()?;
            if time_of(min) > horizon {
                return None;
            }
            self.redistribute(b, min);
        }
        let &(key, _) = self.buckets[0].last()?;
        if time_of(key) > horizon {
            return None;
        }
        self.len -= 1;
        let taken = self.buckets[0].pop();
        self.note_if_empty(0);
        taken
    }

    /// Makes `min`, the smallest key of bucket `b` (the lowest non-empty one), the last key
    /// taken and moves the bucket's entries to the buckets they now belong in, all below
    /// `b`; `min` itself lands in bucket 0.
    fn redistribute(&mut self, b: usize, min: u128) {
        self.last = min;
        // Keep the bucket's allocation: it is the one the next entries far ahead land in.
        let mut moving = std::mem::take(&mut self.buckets[b]);
        for (key, event) in moving.drain(..) {
            let to = self.bucket(key);
            self.buckets[to].push((key, event));
            self.occupied[to / 64] |= 1 << (to % 64);
        }
        self.buckets[b] = moving;
        self.note_if_empty(b);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Against a sorted list: random pushes (never before the last key taken) and pops
        /// with random horizons give the entries in key order, and only those due.
        #[test]
        fn pops_in_key_order_like_a_sorted_list(
            steps in prop::collection::vec((any::<bool>(), 0u64..50, 0u64..60), 1..300),
        ) {
            let mut queue = RadixQueue::with_capacity(4);
            let mut reference: Vec<(u128, u32)> = Vec::new();
            let (mut now, mut seq) = (0u64, 0u64);
            for (i, (push, delay, horizon)) in steps.into_iter().enumerate() {
                if push {
                    let k = key(now + delay, seq);
                    seq += 1;
                    queue.push(k, i as u32);
                    reference.push((k, i as u32));
                    reference.sort();
                } else {
                    let horizon = now + horizon;
                    let expected = match reference.first() {
                        Some(&(k, _)) if time_of(k) <= horizon => Some(reference.remove(0)),
                        _ => None,
                    };
                    let got = queue.pop_due(horizon);
                    prop_assert_eq!(got, expected);
                    if let Some((k, _)) = got {
                        now = time_of(k);
                    }
                }
                prop_assert_eq!(queue.len(), reference.len());
            }
        }
    }

    #[test]
    fn keys_order_by_time_then_sequence() {
        assert!(key(1, 99) < key(2, 0));
        assert!(key(5, 1) < key(5, 2));
        assert_eq!(time_of(key(123_456, 7)), 123_456);
    }
}
