//! File type of `[[disruptions]]`: faults in the model (a node outage, a carrier delay
//! wave, an outage of the ATP sync, a shrink event), as the file spells them.
//!
//! One flat struct for every kind, so that a key missing for its kind, or given to a kind
//! that does not use it, gets a located message from `validate::disruptions` instead of a
//! serde shape error. Data only.

use serde::Deserialize;

use super::NodeKind;

/// One fault, `[[disruptions]]`. Which keys a kind needs is listed in
/// [`DisruptionKind::required`] and [`DisruptionKind::allowed`].
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisruptionFile {
    /// What goes wrong.
    pub kind: DisruptionKind,
    /// When it starts, in days since the start (fractions allowed); not for `shrink`.
    pub start_day: Option<f64>,
    /// When it ends, in days; after `start_day`, at most `horizon_days`.
    pub end_day: Option<f64>,
    /// When a `shrink` event happens, in days.
    pub at_day: Option<f64>,
    /// Nodes affected (`node_outage`, `shrink`), by name.
    pub nodes: Option<Vec<String>>,
    /// Every node of this kind is affected (`shrink`), instead of `nodes`.
    pub node_kind: Option<NodeKind>,
    /// Free text saying why (`node_outage`), e.g. "weather".
    pub reason: Option<String>,
    /// Days added to the transit of parcels leaving in the window (`carrier_delay`).
    pub extra_days: Option<f64>,
    /// Transit multiplied by this instead (`carrier_delay`), >= 1.
    pub factor: Option<f64>,
    /// Zones (1-based) the wave hits (`carrier_delay`); all when left out.
    pub zones: Option<Vec<i64>>,
    /// Share of the units on the shelf that vanish (`shrink`), in [0, 1].
    pub share: Option<f64>,
}

/// The kinds of fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisruptionKind {
    /// Nodes are offline: nothing is routed there, queued work is rerouted.
    NodeOutage,
    /// Parcels leaving in the window take longer than promised.
    CarrierDelay,
    /// The ATP feed online channels see stops refreshing.
    AtpSyncOutage,
    /// Units vanish from shelves at once, unknown to the record.
    Shrink,
}

impl DisruptionKind {
    /// The name the file uses.
    pub fn as_str(self) -> &'static str {
        match self {
            DisruptionKind::NodeOutage => "node_outage",
            DisruptionKind::CarrierDelay => "carrier_delay",
            DisruptionKind::AtpSyncOutage => "atp_sync_outage",
            DisruptionKind::Shrink => "shrink",
        }
    }

    /// Keys this kind must have (besides `kind`); for alternatives see `validate`.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            DisruptionKind::NodeOutage => &["start_day", "end_day", "nodes"],
            DisruptionKind::CarrierDelay | DisruptionKind::AtpSyncOutage => {
                &["start_day", "end_day"]
            }
            DisruptionKind::Shrink => &["at_day", "share"],
        }
    }

    /// Keys this kind may have (besides `kind`).
    pub fn allowed(self) -> &'static [&'static str] {
        match self {
            DisruptionKind::NodeOutage => &["start_day", "end_day", "nodes", "reason"],
            DisruptionKind::CarrierDelay => {
                &["start_day", "end_day", "extra_days", "factor", "zones"]
            }
            DisruptionKind::AtpSyncOutage => &["start_day", "end_day"],
            DisruptionKind::Shrink => &["at_day", "nodes", "node_kind", "share"],
        }
    }
}

impl DisruptionFile {
    /// The keys given, besides `kind`, by name.
    pub fn keys_given(&self) -> Vec<&'static str> {
        let given = [
            ("start_day", self.start_day.is_some()),
            ("end_day", self.end_day.is_some()),
            ("at_day", self.at_day.is_some()),
            ("nodes", self.nodes.is_some()),
            ("node_kind", self.node_kind.is_some()),
            ("reason", self.reason.is_some()),
            ("extra_days", self.extra_days.is_some()),
            ("factor", self.factor.is_some()),
            ("zones", self.zones.is_some()),
            ("share", self.share.is_some()),
        ];
        given.into_iter().filter(|(_, g)| *g).map(|(k, _)| k).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractional_and_whole_days_both_parse() {
        let text = "kind = \"node_outage\"\nstart_day = 10\nend_day = 12.5\nnodes = [\"DC\"]\n";
        let d: DisruptionFile = toml::from_str(text).expect("parses");
        assert_eq!((d.start_day, d.end_day), (Some(10.0), Some(12.5)));
        assert_eq!(d.keys_given(), ["start_day", "end_day", "nodes"]);
    }

    #[test]
    fn every_required_key_is_allowed() {
        use DisruptionKind::*;
        for kind in [NodeOutage, CarrierDelay, AtpSyncOutage, Shrink] {
            for key in kind.required() {
                assert!(kind.allowed().contains(key), "{} {key}", kind.as_str());
            }
        }
    }
}
