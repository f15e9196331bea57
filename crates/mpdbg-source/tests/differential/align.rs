//! Aligning the line events of one frame activation on both interpreters.
//!
//! MicroPython and CPython place `line` events differently in loops (and a
//! few other places), so the two event sequences are aligned like a diff:
//! events on the same line are paired, preferring pairs whose locals agree,
//! and the rest are events only one interpreter delivers.

use std::collections::BTreeMap;

/// A `line` event with named locals (name -> normalised repr).
#[derive(Clone, Debug, PartialEq)]
pub struct Ev {
    pub line: u32,
    pub names: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// CPython event `.0` paired with MicroPython event `.1`.
    Both(usize, usize),
    CpOnly(usize),
    MpOnly(usize),
}

/// Best alignment: maximise 3 points per paired event with equal locals and
/// 1 per paired event with different locals (so one pair with equal locals
/// beats two pairs with different ones, but any pair beats none).
pub fn align(cp: &[Ev], mp: &[Ev]) -> Vec<Step> {
    let (n, m) = (cp.len(), mp.len());
    let w = m + 1;
    let mut dp = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let mut best = dp[(i + 1) * w + j].max(dp[i * w + j + 1]);
            if cp[i].line == mp[j].line {
                let s = if cp[i].names == mp[j].names { 3 } else { 1 };
                best = best.max(dp[(i + 1) * w + j + 1] + s);
            }
            dp[i * w + j] = best;
        }
    }
    let mut steps = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && cp[i].line == mp[j].line {
            let s = if cp[i].names == mp[j].names { 3 } else { 1 };
            if dp[i * w + j] == dp[(i + 1) * w + j + 1] + s {
                steps.push(Step::Both(i, j));
                i += 1;
                j += 1;
                continue;
            }
        }
        if i < n && (j == m || dp[i * w + j] == dp[(i + 1) * w + j]) {
            steps.push(Step::CpOnly(i));
            i += 1;
        } else {
            steps.push(Step::MpOnly(j));
            j += 1;
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(line: u32, v: &str) -> Ev {
        let mut names = BTreeMap::new();
        if !v.is_empty() {
            names.insert("i".to_string(), v.to_string());
        }
        Ev { line, names }
    }

    #[test]
    fn extra_event_is_not_paired_against_the_wrong_values() {
        // MicroPython: 5, 6(i unbound), 5, 6(i=0); CPython: 5, 6(i=0)
        let mp = [ev(5, ""), ev(6, ""), ev(5, ""), ev(6, "0")];
        let cp = [ev(5, ""), ev(6, "0")];
        let steps = align(&cp, &mp);
        assert!(steps.contains(&Step::Both(1, 3)));
        assert_eq!(steps.iter().filter(|s| matches!(s, Step::MpOnly(_))).count(), 2);
    }
}
