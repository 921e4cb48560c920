//! Explanation records: why a policy routed an order where it did. Built only when asked for
//! (`omnilab run --explain`), so routing pays nothing for them otherwise.

use crate::ids::{NodeId, Units};

/// One candidate node for one line.
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateTrace {
    /// The node considered.
    pub node: NodeId,
    /// The first filter that removed it, or `None` if it passed every filter.
    pub removed_by: Option<&'static str>,
    /// Its value for each sort key, in the stack's order (ascending is better; descending
    /// keys are shown as their natural value).
    pub sort_values: Vec<f64>,
}

/// The decision for one line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineTrace {
    /// Index of the line in the order.
    pub line: usize,
    /// Every node that stocks the SKU, in the order considered; a fallback stack's candidates
    /// follow the first stack's.
    ///
    /// FIXME: a fallback stack's candidates carry the sort values of its own keys, which
    /// `Explanation::sort_keys` (the first stack's) does not name; recording the key names
    /// per stack would make such traces self-describing.
    pub candidates: Vec<CandidateTrace>,
    /// Where the units went.
    pub chosen: Vec<(NodeId, Units)>,
    /// The fallback that placed (or cancelled) the line, if the stack's own rules did not.
    pub fallback: Option<String>,
}

/// The decision for one order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explanation {
    /// The policy that decided.
    pub policy: String,
    /// The sort keys, by name, matching `CandidateTrace::sort_values`.
    pub sort_keys: Vec<&'static str>,
    /// One trace per line.
    pub lines: Vec<LineTrace>,
}

impl Explanation {
    /// The trace of line `line`, created on first use.
    pub fn line_mut(&mut self, line: usize) -> &mut LineTrace {
        if let Some(i) = self.lines.iter().position(|l| l.line == line) {
            return &mut self.lines[i];
        }
        self.lines.push(LineTrace { line, ..LineTrace::default() });
        self.lines.last_mut().expect("just pushed")
    }
}
