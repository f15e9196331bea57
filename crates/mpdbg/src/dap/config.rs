//! The `launch` and `attach` arguments an editor sends, parsed once into a
//! typed struct. Lenient as editors need: unknown fields (VS Code adds
//! `__sessionId`, `type`, `name`, `debugOptions`...) are ignored, a `null`
//! field counts as absent, and `args` may be one string or a list.
use crate::deploy::ProgramDeploy;
use crate::session::LaunchConfig;
use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Deserializer};
use std::path::PathBuf;

/// The fields mpdbg reads from a launch (or attach) configuration.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LaunchArgs {
    pub program: Option<String>,
    #[serde(deserialize_with = "string_or_list")]
    pub args: Vec<String>,
    pub cwd: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub stop_on_entry: bool,
    /// An interpreter of the user's instead of the built-in debug MicroPython.
    pub micropython: Option<String>,
    /// The local interpreter's heap, e.g. "64K".
    pub heap_size: Option<String>,
    /// The secret a `--token` listener requires before it obeys a client.
    pub token: Option<String>,
    /// `local` (default), `auto`, `qemu`, or a serial port.
    pub device: Option<String>,
    /// A UART bridge's baud rate.
    pub baud: Option<u32>,
    /// `sync` (default), `ram` or `none`.
    pub deploy: Option<ProgramDeploy>,
    /// The project folder on the board (default: the board's start-up folder).
    pub remote_root: Option<String>,
    /// debugpy's form: host folder <-> board folder, before the project root.
    #[serde(deserialize_with = "null_as_default")]
    pub path_mappings: Vec<PathMapping>,
    /// Soft-reset the board before the run (default true).
    pub reset: Option<bool>,
    /// Whether files may be written to the board (default true).
    pub write_flash: Option<bool>,
    /// Glob patterns a sync leaves out.
    #[serde(deserialize_with = "string_or_list")]
    pub ignore: Vec<String>,
}

/// One of debugpy's `pathMappings`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PathMapping {
    pub local_root: String,
    pub remote_root: String,
}

impl LaunchArgs {
    pub fn parse(raw: &serde_json::Value) -> Result<LaunchArgs> {
        LaunchArgs::deserialize(raw).context("the launch configuration has a field of the wrong type")
    }

    /// The session's configuration; fails when a required field is missing.
    pub fn launch_config(&self) -> Result<LaunchConfig> {
        let non_empty = |v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(PathBuf::from);
        Ok(LaunchConfig {
            program: non_empty(&self.program).ok_or_else(|| anyhow!("the launch configuration has no \"program\""))?,
            args: self.args.clone(),
            cwd: non_empty(&self.cwd),
            stop_on_entry: self.stop_on_entry,
            micropython: non_empty(&self.micropython),
            heap_size: self.heap_size.clone().filter(|s| !s.is_empty()),
            device: self.device.as_deref().unwrap_or("local").parse()?,
            baud: self.baud,
            deploy: self.deploy,
            remote_root: self.remote_root.clone().filter(|s| !s.is_empty()),
            path_mappings: self
                .path_mappings
                .iter()
                .filter(|m| !m.local_root.is_empty() && !m.remote_root.is_empty())
                .map(|m| (PathBuf::from(&m.local_root), m.remote_root.clone()))
                .collect(),
            reset: self.reset.unwrap_or(true),
            write_flash: self.write_flash.unwrap_or(true),
            ignore: self.ignore.clone(),
        })
    }
}

fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `"args": ["a", "b"]` or `"args": "a b"` (as some editors' prompts give).
fn string_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Args {
        List(Vec<serde_json::Value>),
        Line(String),
    }
    Ok(match Option::<Args>::deserialize(d)? {
        None => Vec::new(),
        Some(Args::Line(s)) => s.split_whitespace().map(str::to_string).collect(),
        Some(Args::List(items)) => items
            .into_iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::DeviceSpec;
    use serde_json::json;

    #[test]
    fn unknown_and_null_fields_are_ignored() {
        let a = LaunchArgs::parse(&json!({
            "type": "mpdbg", "name": "x", "__sessionId": "1", "program": "p.py",
            "stopOnEntry": null, "cwd": null, "debugOptions": ["RedirectOutput"]
        }))
        .unwrap();
        assert_eq!(a.program.as_deref(), Some("p.py"));
        assert!(!a.stop_on_entry);
        assert_eq!(a.launch_config().unwrap().cwd, None);
    }

    #[test]
    fn args_as_a_line_or_a_list() {
        let line = LaunchArgs::parse(&json!({ "args": "a  b" })).unwrap();
        assert_eq!(line.args, ["a", "b"]);
        let list = LaunchArgs::parse(&json!({ "args": ["a b", 3] })).unwrap();
        assert_eq!(list.args, ["a b", "3"]);
    }

    #[test]
    fn board_fields() {
        let a = LaunchArgs::parse(&json!({
            "program": "main.py", "device": "/dev/ttyACM0", "baud": 9600, "deploy": "ram",
            "remoteRoot": "/flash", "reset": false, "writeFlash": null,
            "pathMappings": [{ "localRoot": "/w/lib", "remoteRoot": "/lib" }]
        }))
        .unwrap();
        let c = a.launch_config().unwrap();
        assert_eq!(c.device, DeviceSpec::Port("/dev/ttyACM0".into()));
        assert_eq!(
            (c.baud, c.deploy, c.reset, c.write_flash),
            (Some(9600), Some(ProgramDeploy::Ram), false, true)
        );
        assert_eq!(c.path_mappings, [(PathBuf::from("/w/lib"), "/lib".to_string())]);
        assert_eq!(c.remote_root.as_deref(), Some("/flash"));
        let local = LaunchArgs::parse(&json!({ "program": "p.py" }))
            .unwrap()
            .launch_config()
            .unwrap();
        assert_eq!(local.device, DeviceSpec::Local);
        assert!(LaunchArgs::parse(&json!({ "deploy": "flash" })).is_err());
        let bad = LaunchArgs::parse(&json!({ "program": "p.py", "device": "esp32" })).unwrap();
        assert!(bad.launch_config().unwrap_err().to_string().contains("unknown device"));
    }

    #[test]
    fn wrong_types_and_missing_program_are_errors() {
        assert!(LaunchArgs::parse(&json!({ "stopOnEntry": "yes" })).is_err());
        let none = LaunchArgs::parse(&json!({})).unwrap();
        let err = none.launch_config().unwrap_err().to_string();
        assert!(err.contains("\"program\""), "{err}");
    }
}
