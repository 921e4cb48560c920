//! The collector of [`TraceIssue`]s while a trace is read: keeps the first few, counts the
//! rest, and turns them into a [`TraceError`]. Knows nothing of what the issues mean.

use std::path::Path;

use super::{TraceError, TraceIssue};

/// Issues found so far: the first `cap` kept, the others only counted.
#[derive(Debug)]
pub struct Issues {
    list: Vec<TraceIssue>,
    more: u64,
    cap: usize,
}

impl Issues {
    /// An empty collector keeping at most `cap` issues.
    pub fn new(cap: usize) -> Issues {
        Issues { list: Vec::new(), more: 0, cap }
    }

    /// Records an issue; returns its position in the kept list, or `None` if it was only
    /// counted.
    pub fn push(&mut self, line: u64, field: &str, message: String) -> Option<usize> {
        if self.list.len() < self.cap {
            self.list.push(TraceIssue { line, field: field.to_string(), message });
            Some(self.list.len() - 1)
        } else {
            self.more += 1;
            None
        }
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.more == 0
    }

    /// The kept issue at `slot`, to complete its message later.
    pub fn get_mut(&mut self, slot: usize) -> Option<&mut TraceIssue> {
        self.list.get_mut(slot)
    }

    /// Forgets the kept issues at `slots` (found not to be issues after all).
    pub fn withdraw(&mut self, slots: &[usize]) {
        let mut index = 0;
        self.list.retain(|_| {
            let keep = !slots.contains(&index);
            index += 1;
            keep
        });
    }

    /// The kept issues in line order (stable for equal lines), and how many more there were.
    pub fn into_parts(mut self) -> (Vec<TraceIssue>, u64) {
        self.list.sort_by_key(|issue| issue.line);
        (self.list, self.more)
    }

    /// The issues as an error about `path`, in line order.
    pub fn into_error(self, path: &Path) -> TraceError {
        let (issues, more) = self.into_parts();
        TraceError::Invalid { path: path.to_path_buf(), issues, more }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_and_counts_the_rest() {
        let mut issues = Issues::new(2);
        assert!(issues.is_empty());
        assert_eq!(issues.push(9, "a", "x".into()), Some(0));
        assert_eq!(issues.push(3, "b", "y".into()), Some(1));
        assert_eq!(issues.push(5, "c", "z".into()), None);
        assert!(!issues.is_empty());

        let TraceError::Invalid { issues: list, more, .. } = issues.into_error(Path::new("t"))
        else {
            panic!("expected Invalid");
        };
        assert_eq!(list.iter().map(|i| i.line).collect::<Vec<_>>(), [3, 9]);
        assert_eq!(more, 1);
    }

    #[test]
    fn withdrawn_issues_disappear() {
        let mut issues = Issues::new(5);
        for line in 1..=4 {
            issues.push(line, "order_id", String::new());
        }
        issues.get_mut(1).unwrap().message = "kept".into();
        issues.withdraw(&[0, 2]);
        let TraceError::Invalid { issues: list, .. } = issues.into_error(Path::new("t")) else {
            panic!("expected Invalid");
        };
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].message, "kept");
        assert_eq!(list[1].line, 4);
    }
}
