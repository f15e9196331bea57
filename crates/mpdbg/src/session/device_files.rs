//! Files that are only on the device (a board's own modules): the editor
//! gets a `sourceReference` for them and their text, read through the agent
//! while the program is stopped, to show read-only.
use super::Session;
use anyhow::{anyhow, bail, Result};
use std::collections::HashMap;

/// Bytes per read: their hex digits must fit the agent's repr limit (256).
const CHUNK: usize = 120;
/// A device file bigger than this is not shown.
const MAX_BYTES: usize = 256 * 1024;

#[derive(Default)]
pub struct DeviceFiles {
    /// Device paths; reference k + 1 names entry k.
    names: Vec<String>,
    texts: HashMap<String, String>,
}

impl DeviceFiles {
    /// The `sourceReference` of a device file (stable for the session).
    pub fn reference(&mut self, file: &str) -> i64 {
        let i = match self.names.iter().position(|n| n == file) {
            Some(i) => i,
            None => {
                self.names.push(file.to_string());
                self.names.len() - 1
            }
        };
        i as i64 + 1
    }

    fn name(&self, reference: i64) -> Option<String> {
        usize::try_from(reference - 1)
            .ok()
            .and_then(|i| self.names.get(i).cloned())
    }
}

/// Hex digits (a repr of a str of them) back to bytes.
fn unhex(repr: &str) -> Result<Vec<u8>> {
    let digits = repr.trim_matches(|c| c == '\'' || c == '"');
    if digits.len() % 2 != 0 {
        bail!("the device sent an odd number of hex digits");
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).map_err(|_| anyhow!("the device sent {digits:?}")))
        .collect()
}

impl Session {
    /// The text of the device file behind `reference`.
    pub fn device_source(&self, reference: i64) -> Result<String> {
        let file = {
            let files = self.device_files.lock().map_err(|_| anyhow!("device files poisoned"))?;
            let file = files
                .name(reference)
                .ok_or_else(|| anyhow!("no source with reference {reference}"))?;
            if let Some(text) = files.texts.get(&file) {
                return Ok(text.clone());
            }
            file
        };
        let quoted = crate::repl::py_str(&file);
        let mut bytes = Vec::new();
        loop {
            let expr = format!(
                "''.join('%02x' % b for b in (lambda f: (f.seek({}), f.read({CHUNK}), f.close())[1])(open({quoted}, 'rb')))",
                bytes.len()
            );
            let value = self
                .evaluate(0, &expr, false)
                .map_err(|e| anyhow!("cannot read {file} on the device (pause the program first): {e}"))?;
            let chunk = unhex(&value.value)?;
            if chunk.is_empty() {
                break;
            }
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_BYTES {
                bail!("{file} on the device is bigger than {} KB: not shown", MAX_BYTES / 1024);
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Ok(mut files) = self.device_files.lock() {
            files.texts.insert(file, text.clone());
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_stable_and_hex_decodes() {
        let mut f = DeviceFiles::default();
        assert_eq!(f.reference("/lib/a.py"), 1);
        assert_eq!(f.reference("/lib/b.py"), 2);
        assert_eq!(f.reference("/lib/a.py"), 1);
        assert_eq!(f.name(2).as_deref(), Some("/lib/b.py"));
        assert_eq!(f.name(0), None);
        assert_eq!(unhex("'6869'").unwrap(), b"hi");
        assert!(unhex("'6'").is_err() && unhex("'zz'").is_err());
    }
}
