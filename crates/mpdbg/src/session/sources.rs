//! Source models of the files the device runs, read from the host's copy.
use mpdbg_source::{CodeMatch, DeviceFacts, FrameQuery, SourceModel, Verdict};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::device::{DeviceFrame, Locals};

type Cached = (Option<SystemTime>, Arc<Result<SourceModel, String>>);

/// The largest source file mpdbg reads (a 5,000-line program is ~200 KB).
pub const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Default)]
pub struct Sources {
    models: HashMap<PathBuf, Cached>,
    /// Files the editor may fetch with `source`: the program's and those of
    /// frames the session has shown, never any other file of the host.
    shown: HashSet<PathBuf>,
}

/// Opens a source file: a regular file of at most [`MAX_SOURCE_BYTES`].
/// Devices (`/dev/zero`), FIFOs and directories are refused without blocking.
fn open_source(path: &Path) -> Result<(std::fs::File, u64), String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading would block until a writer comes.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(format!(
            "{} is {} bytes, over mpdbg's limit of {MAX_SOURCE_BYTES} bytes for a source file",
            path.display(),
            meta.len()
        ));
    }
    Ok((file, meta.len()))
}

/// Why breakpoints cannot be set in `path` at all, if they cannot.
pub fn unusable_source(path: &Path) -> Option<String> {
    open_source(path).err()
}

/// Reads a source file (see [`open_source`] for what is refused).
pub fn read_source(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let (file, len) = open_source(path)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(format!("{} grew past mpdbg's limit while it was read", path.display()));
    }
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}

/// How a frame's slots are named.
pub struct SlotNames {
    /// One entry per slot; `None` hides the slot (a comprehension's iterator).
    pub names: Vec<Option<String>>,
    /// Set when the names are slot numbers, with the reason to tell the user.
    pub warning: Option<String>,
}

impl Sources {
    pub fn for_program(program: &Path) -> Sources {
        let mut sources = Sources::default();
        sources.show(program);
        sources
    }

    /// The model of `path`, re-read when the file changed.
    pub fn model(&mut self, path: &Path) -> Arc<Result<SourceModel, String>> {
        let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if let Some((t, m)) = self.models.get(path) {
            if *t == mtime {
                return m.clone();
            }
        }
        let model = read_source(path).and_then(|text| {
            SourceModel::analyze(&text)
                .map_err(|e| format!("{}:{}:{}: {}", path.display(), e.line(), e.column(), e.message()))
        });
        let model = Arc::new(model);
        self.models.insert(path.to_path_buf(), (mtime, model.clone()));
        model
    }

    /// Lets the editor fetch `path` (the program, a frame's file).
    pub fn show(&mut self, path: &Path) {
        if !self.shown.contains(path) {
            self.shown.insert(path.to_path_buf());
        }
    }

    /// The text of a file the session has shown; any other path is refused.
    pub fn text(&self, path: &Path) -> Result<String, String> {
        if !self.shown.contains(path) {
            return Err(format!(
                "{} is not a source of this debug session; mpdbg serves only the program's files and those of frames it showed",
                path.display()
            ));
        }
        read_source(path)
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
