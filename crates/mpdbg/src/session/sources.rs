//! Source models of the files the device runs, read from the host's copy.
use mpdbg_source::{CodeMatch, DeviceFacts, FrameQuery, SourceModel, Verdict};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::device::{DeviceFrame, Locals};

type Cached = (Option<SystemTime>, Arc<Result<SourceModel, String>>);

#[derive(Default)]
pub struct Sources {
    models: HashMap<PathBuf, Cached>,
}

/// How a frame's slots are named.
pub struct SlotNames {
    /// One entry per slot; `None` hides the slot (a comprehension's iterator).
    pub names: Vec<Option<String>>,
    /// Set when the names are slot numbers, with the reason to tell the user.
    pub warning: Option<String>,
}

impl Sources {
    /// The model of `path`, re-read when the file changed.
    pub fn model(&mut self, path: &Path) -> Arc<Result<SourceModel, String>> {
        let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if let Some((t, m)) = self.models.get(path) {
            if *t == mtime {
                return m.clone();
            }
        }
        let model = match std::fs::read_to_string(path) {
            Ok(text) => SourceModel::analyze(&text)
                .map_err(|e| format!("{}:{}:{}: {}", path.display(), e.line(), e.column(), e.message())),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        };
        let model = Arc::new(model);
        self.models.insert(path.to_path_buf(), (mtime, model.clone()));
        model
    }

    /// Names for a frame's slots, from the source when it matches the device.
    pub fn slot_names(&mut self, host_path: Option<&Path>, frame: &DeviceFrame, locals: &Locals) -> SlotNames {
        let numbered = |warning: String| SlotNames {
            names: (0..locals.slots.len()).map(|k| Some(format!("#{k}"))).collect(),
            warning: Some(warning),
        };
        let Some(path) = host_path else {
            return numbered(format!("no source on the host for {}", frame.file));
        };
        let model = self.model(path);
        let model = match model.as_ref() {
            Ok(m) => m,
            Err(e) => return numbered(format!("cannot name locals: {e}")),
        };
        let query = FrameQuery {
            name: &frame.name,
            line: frame.line,
            def_line: Some(frame.def_line),
            ..Default::default()
        };
        let id = match model.find_code(&query) {
            CodeMatch::Unique(id) => id,
            CodeMatch::Ambiguous {
                candidates,
                same_slots: true,
            } if !candidates.is_empty() => candidates[0],
            CodeMatch::Ambiguous { .. } => return numbered("several functions fit this frame".into()),
            CodeMatch::NotFound => {
                return numbered(format!(
                    "source differs from the device's code: no {} at line {}",
                    frame.name, frame.line
                ))
            }
        };
        let facts = DeviceFacts {
            n_locals: Some(locals.n_locals),
            n_pos_args: Some(locals.n_pos_args),
            n_kwonly_args: Some(locals.n_kwonly_args),
            flags: Some(locals.scope_flags),
            arg_names: Some(locals.arg_names.clone()),
            def_line: Some(frame.def_line),
            lines: None,
            cell_slots: Some((0..128u32).filter(|k| locals.cell_mask >> k & 1 == 1).collect()),
        };
        let verdict = model.check(id, &facts);
        if let Verdict::Differs(_) = verdict {
            return numbered(verdict.to_string());
        }
        let Some(code) = model.code(id) else {
            return numbered("internal: code object vanished".into());
        };
        // A comprehension's iterator parameter (MicroPython's empty name) is
        // `.0`, as CPython and debugpy show it.
        let names = (0..locals.slots.len())
            .map(|k| match code.slot_name(k) {
                Some("") => Some(".0".to_string()),
                Some(n) if !n.starts_with('.') => Some(n.to_string()),
                _ => None,
            })
            .collect();
        SlotNames { names, warning: None }
    }
}
