//! A multi-server station: `c` servers taking jobs first come first served, with the waiting
//! line's time-average length measured over a window. It is the engine's reusable queueing
//! process: the simulator's pick crews are stations, and so is the M/M/c model the speed
//! benches compare with SimPy's `Resource`.
//!
//! The station only keeps the books; the caller owns the clock and schedules the service
//! completions on the engine. A caller that pauses service (a node closed for the night)
//! simply does not call [`Station::start_next`] until it reopens.

use std::collections::VecDeque;

use crate::ids::SimTime;

/// `c` servers and a first-come-first-served waiting line of jobs `J`.
#[derive(Clone, Debug)]
pub struct Station<J> {
    servers: u32,
    busy: u32,
    line: VecDeque<(J, SimTime)>,
    window: (SimTime, SimTime),
    last_change: SimTime,
    line_area: f64,
}

impl<J> Station<J> {
    /// A station with `servers` servers (at least one), measuring the waiting line between
    /// `window.0` and `window.1`.
    pub fn new(servers: u32, window: (SimTime, SimTime)) -> Self {
        Station {
            servers: servers.max(1),
            busy: 0,
            line: VecDeque::new(),
            window,
            last_change: SimTime::ZERO,
            line_area: 0.0,
        }
    }

    /// Servers busy now.
    #[inline]
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Jobs waiting now.
    #[inline]
    pub fn waiting(&self) -> usize {
        self.line.len()
    }

    /// The integral of the waiting line's length over the measured window so far, in
    /// job-seconds; divided by the window's length it is the time-average line (Little's law
    /// pairs it with the mean wait).
    pub fn line_area(&self) -> f64 {
        self.line_area
    }

    /// Adds the line length since its last change to the measured area.
    #[inline]
    fn track(&mut self, now: SimTime) {
        let from = self.last_change.max(self.window.0);
        let to = now.min(self.window.1);
        if to > from {
            self.line_area += self.line.len() as f64 * to.since(from) as f64;
        }
        self.last_change = now;
    }

    /// Brings the measured line area up to `now` (call once at the end of a run).
    pub fn close_books(&mut self, now: SimTime) {
        self.track(now);
    }

    /// `job` joins the end of the line at `now`.
    #[inline]
    pub fn join(&mut self, now: SimTime, job: J) {
        self.track(now);
        self.line.push_back((job, now));
    }

    /// If a server is idle and a job waits, the job at the head of the line starts service at
    /// `now`: returns it with the seconds it waited. The caller schedules its completion.
    #[inline]
    pub fn start_next(&mut self, now: SimTime) -> Option<(J, u64)> {
        if self.busy >= self.servers || self.line.is_empty() {
            return None;
        }
        self.track(now);
        let (job, joined) = self.line.pop_front()?;
        self.busy += 1;
        Some((job, now.since(joined)))
    }

    /// A server finishes its job and is idle again.
    #[inline]
    pub fn finish(&mut self) {
        debug_assert!(self.busy > 0, "a station finished a job no server held");
        self.busy = self.busy.saturating_sub(1);
    }

    /// Empties the waiting line at `now` (jobs in service go on), returning the jobs in line
    /// order.
    pub fn take_line(&mut self, now: SimTime) -> Vec<J> {
        self.track(now);
        self.line.drain(..).map(|(job, _)| job).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_start_first_come_first_served_up_to_the_servers() {
        let mut station = Station::new(2, (SimTime::ZERO, SimTime(1_000)));
        for (t, job) in [(0, 'a'), (1, 'b'), (2, 'c')] {
            station.join(SimTime(t), job);
        }
        assert_eq!(station.start_next(SimTime(3)), Some(('a', 3)));
        assert_eq!(station.start_next(SimTime(3)), Some(('b', 2)));
        assert_eq!(station.start_next(SimTime(3)), None, "both servers are busy");
        station.finish();
        assert_eq!(station.start_next(SimTime(10)), Some(('c', 8)));
        assert_eq!((station.busy(), station.waiting()), (2, 0));
    }

    #[test]
    fn the_line_area_counts_only_the_window() {
        let mut station = Station::new(1, (SimTime(10), SimTime(30)));
        station.join(SimTime(0), 1);
        station.join(SimTime(5), 2);
        // Two waiting from 5 to 20, but only 10..20 is measured: 20 job-seconds.
        assert_eq!(station.start_next(SimTime(20)), Some((1, 20)));
        // One waiting from 20 to 40, measured until 30: 10 more.
        assert_eq!(station.take_line(SimTime(40)), vec![2]);
        assert_eq!(station.line_area(), 30.0);
    }

    #[test]
    fn a_station_has_at_least_one_server() {
        let mut station = Station::new(0, (SimTime::ZERO, SimTime::ZERO));
        station.join(SimTime::ZERO, ());
        assert_eq!(station.start_next(SimTime::ZERO), Some(((), 0)));
    }
}
