//! The ledger's clock and the epochs of the ATP snapshot online channels see.
//!
//! Key type: the crate-private `Clock`. Online channels see ATP as of the last visibility sync,
//! every `visibility_sync` seconds (zero: live). Epoch `now / visibility_sync` is named by a
//! `u32` tag that changes whenever the epoch or the interval does; a position stores the tag of
//! the epoch its snapshot belongs to, so nothing is copied at a sync. Tag 0 means "never
//! captured"; when the tags run out (after four billion syncs) they restart at 1 and the
//! ledger forgets every snapshot, so an old tag is never mistaken for the current one.
//!
//! The feed can also be frozen (an outage of the ATP sync): while frozen, time moves on but
//! the epoch does not, so online channels keep seeing the snapshot of the last sync (a live
//! feed freezes at the values of the moment it stops). Thawing resyncs: a new epoch starts
//! with the live values of that moment.
//!
//! This file knows nothing of positions beyond that protocol.

use crate::ids::SimTime;

/// Simulation time as the ledger knows it, and the current snapshot epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Clock {
    now: SimTime,
    sync: u64,
    epoch: u64,
    tag: u32,
    frozen: bool,
}

/// Whether the tags restarted, so every stored snapshot must be forgotten.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tags {
    Kept,
    Restarted,
}

impl Clock {
    /// A live clock at time zero.
    pub(crate) fn new() -> Clock {
        Clock { now: SimTime::ZERO, sync: 0, epoch: 0, tag: 1, frozen: false }
    }

    /// The current time.
    pub(crate) fn now(&self) -> SimTime {
        self.now
    }

    /// The visibility sync interval in seconds (zero: live).
    pub(crate) fn sync(&self) -> u64 {
        self.sync
    }

    /// The tag of the current epoch.
    pub(crate) fn tag(&self) -> u32 {
        self.tag
    }

    /// Whether online channels see live ATP (a zero interval, and the feed not frozen).
    pub(crate) fn is_live(&self) -> bool {
        self.sync == 0 && !self.frozen
    }

    /// Whether the feed is frozen at its last sync.
    pub(crate) fn is_frozen(&self) -> bool {
        self.frozen
    }

    /// Stops the syncs: the current epoch lasts until [`Clock::thaw`]. A live feed starts a
    /// new epoch, so the snapshot holds the values of this moment.
    pub(crate) fn freeze(&mut self) -> Tags {
        if self.frozen {
            return Tags::Kept;
        }
        self.frozen = true;
        if self.sync == 0 { self.next_tag() } else { Tags::Kept }
    }

    /// Resumes the syncs with one now: a new epoch starts with the live values.
    pub(crate) fn thaw(&mut self) -> Tags {
        if !self.frozen {
            return Tags::Kept;
        }
        self.frozen = false;
        self.epoch = self.now.0.checked_div(self.sync).unwrap_or(0);
        self.next_tag()
    }

    /// Moves the clock to `now`; an earlier time than the current one is ignored.
    pub(crate) fn advance_to(&mut self, now: SimTime) -> Tags {
        if now <= self.now {
            return Tags::Kept;
        }
        self.now = now;
        if self.frozen {
            return Tags::Kept;
        }

        // A live clock (interval zero) has no epochs.
        match now.0.checked_div(self.sync) {
            Some(epoch) if epoch != self.epoch => {
                self.epoch = epoch;
                self.next_tag()
            }
            _ => Tags::Kept,
        }
    }

    /// Changes the sync interval; the snapshot restarts from the live values now.
    pub(crate) fn set_sync(&mut self, secs: u64) -> Tags {
        self.sync = secs;
        self.epoch = self.now.0.checked_div(secs).unwrap_or(0);
        self.next_tag()
    }

    /// Names a new epoch.
    fn next_tag(&mut self) -> Tags {
        if self.tag == u32::MAX {
            self.tag = 1;
            return Tags::Restarted;
        }
        self.tag += 1;
        Tags::Kept
    }

    /// A clock whose tags are about to run out, to test the restart.
    #[cfg(test)]
    pub(crate) fn with_tag(tag: u32) -> Clock {
        Clock { tag, ..Clock::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_changes_only_with_the_epoch() {
        let mut clock = Clock::new();
        assert_eq!(clock.set_sync(900), Tags::Kept);
        let first = clock.tag();

        assert_eq!(clock.advance_to(SimTime(899)), Tags::Kept);
        assert_eq!(clock.tag(), first);
        assert_eq!(clock.advance_to(SimTime(900)), Tags::Kept);
        assert_ne!(clock.tag(), first);
    }

    #[test]
    fn going_backwards_is_ignored() {
        let mut clock = Clock::new();
        assert_eq!(clock.advance_to(SimTime(50)), Tags::Kept);
        assert_eq!(clock.advance_to(SimTime(10)), Tags::Kept);
        assert_eq!(clock.now(), SimTime(50));
    }

    #[test]
    fn a_frozen_clock_keeps_its_epoch_until_thawed() {
        let mut clock = Clock::new();
        assert_eq!(clock.set_sync(900), Tags::Kept);
        let first = clock.tag();
        assert_eq!(clock.freeze(), Tags::Kept);
        assert_eq!(clock.advance_to(SimTime(5_000)), Tags::Kept);
        assert_eq!(clock.tag(), first);
        assert!(!clock.is_live());

        assert_eq!(clock.thaw(), Tags::Kept);
        let resynced = clock.tag();
        assert_ne!(resynced, first);
        assert_eq!(clock.advance_to(SimTime(5_300)), Tags::Kept);
        assert_eq!(clock.tag(), resynced, "5,000 and 5,300 share epoch 5");
    }

    #[test]
    fn a_live_clock_freezes_into_a_new_epoch() {
        let mut clock = Clock::new();
        let live = clock.tag();
        assert!(clock.is_live());
        assert_eq!(clock.freeze(), Tags::Kept);
        assert!(!clock.is_live() && clock.is_frozen());
        assert_ne!(clock.tag(), live);
        assert_eq!(clock.thaw(), Tags::Kept);
        assert!(clock.is_live());
    }

    #[test]
    fn tags_restart_at_one() {
        let mut clock = Clock::with_tag(u32::MAX);
        assert_eq!(clock.set_sync(60), Tags::Restarted);
        assert_eq!(clock.tag(), 1);
    }
}
