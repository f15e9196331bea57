//! DAP's `restart`: the program launched again with the same configuration
//! (or the one the editor sends with the request), breakpoints and
//! exception filters. The old session ends without telling the editor.
use crate::session::{BreakpointRequest, BreakpointResult, FunctionBreakpointRequest, Session};
use std::collections::BTreeMap;
use std::path::Path;

/// The requests with the ids the editor was given, for the relaunch to keep.
pub fn with_ids(requests: Vec<BreakpointRequest>, results: &[BreakpointResult]) -> Vec<BreakpointRequest> {
    requests
        .into_iter()
        .zip(results)
        .map(|(r, res)| BreakpointRequest {
            id: (res.id > 0).then_some(res.id),
            ..r
        })
        .collect()
}

/// What the editor configured, to set up a relaunched program the same way.
#[derive(Default)]
pub struct Remembered {
    pub launch: Option<serde_json::Value>,
    pub line_breakpoints: BTreeMap<String, Vec<BreakpointRequest>>,
    pub function_breakpoints: Vec<FunctionBreakpointRequest>,
    pub exception_filters: Option<(bool, bool)>,
}

impl Remembered {
    /// Gives a freshly launched session the breakpoints and filters.
    pub fn apply(&self, session: &Session) -> anyhow::Result<()> {
        for (path, requests) in &self.line_breakpoints {
            session.set_breakpoints(Path::new(path), requests);
        }
        if !self.function_breakpoints.is_empty() {
            session.set_function_breakpoints(&self.function_breakpoints);
        }
        if let Some((raised, uncaught)) = self.exception_filters {
            session.set_exception_filters(raised, uncaught)?;
        }
        Ok(())
    }
}
