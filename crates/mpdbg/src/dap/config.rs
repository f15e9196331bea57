//! The `launch` and `attach` arguments an editor sends, parsed once into a
//! typed struct. Lenient as editors need: unknown fields (VS Code adds
//! `__sessionId`, `type`, `name`, `debugOptions`...) are ignored, a `null`
//! field counts as absent, and `args` may be one string or a list.
use crate::deploy::ProgramDeploy;
use crate::session::{AttachConfig, LaunchConfig};
use crate::target::DeviceSpec;
use anyhow::{anyhow, bail, Context, Result};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// A sync also removes board files under `remoteRoot` the project lacks.
    #[serde(deserialize_with = "null_as_default")]
    pub delete_extra: bool,
    /// Only the program's own frames (its folder), as debugpy: on by default.
    pub just_my_code: Option<bool>,
    /// Variables for the program: a string sets one, `null` removes it.
    #[serde(deserialize_with = "env_map")]
    pub env: BTreeMap<String, Option<String>>,
    /// Run the program without the debugger (VS Code's Ctrl+F5).
    #[serde(deserialize_with = "null_as_default")]
    pub no_debug: bool,
    /// Where the user asked the program's input and output to be.
    #[serde(deserialize_with = "null_as_default")]
    pub console: Console,
    /// A file of `NAME=value` lines for the program's environment (`env` wins).
    pub env_file: Option<String>,
    /// Attach: where the program's `listen()` waits (debugpy's form).
    pub connect: Option<Connect>,
    /// Attach: debugpy also takes `host` and `port` at the top level.
    pub host: Option<String>,
    pub port: Option<u16>,
    // debugpy settings that would change the run but mean nothing to mpdbg:
    // present, they are named in a console line, never silently dropped.
    module: Option<IgnoredAny>,
    python: Option<IgnoredAny>,
    python_args: Option<IgnoredAny>,
    sudo: Option<IgnoredAny>,
    auto_reload: Option<IgnoredAny>,
}

/// One of debugpy's `pathMappings`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PathMapping {
    pub local_root: String,
    pub remote_root: String,
}

/// `"connect": {"host": "192.168.4.1", "port": 5678}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Connect {
    pub host: Option<String>,
    pub port: Option<u16>,
}

/// The `console` a launch configuration names (VS Code's values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Console {
    #[default]
    #[serde(rename = "internalConsole")]
    Internal,
    IntegratedTerminal,
    ExternalTerminal,
}

impl Console {
    /// What mpdbg does instead of a terminal, for the user to read; `None`
    /// when the request is honoured as it stands.
    pub fn notice(self) -> Option<String> {
        let asked = match self {
            Console::Internal => return None,
            Console::IntegratedTerminal => "integratedTerminal",
            Console::ExternalTerminal => "externalTerminal",
        };
        Some(format!(
            "mpdbg: \"console\": \"{asked}\" is not available: the debugger talks to MicroPython over the \
             program's own standard input and output, so the program's output is shown here in the Debug \
             Console (set \"console\": \"internalConsole\" to hide this note)\n"
        ))
    }
}

impl LaunchArgs {
    /// The session's configuration for an `attach`.
    pub fn attach_config(&self) -> Result<AttachConfig> {
        let connect = self.connect.clone().unwrap_or_default();
        // "device": a board's port (attach over its REPL link), or tcp:HOST:PORT.
        let device = match self.device.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => match d.parse::<DeviceSpec>()? {
                DeviceSpec::Local => None,
                DeviceSpec::Tcp { host, port } => {
                    return self.attach_to(host, port, None);
                }
                spec => Some(spec),
            },
            None => None,
        };
        let port = match (connect.port.or(self.port), &device) {
            (_, Some(_)) => 0,
            (Some(p), None) => p,
            (None, None) => bail!(
                "the attach configuration says neither where the program listens nor which board runs it: add \
                 \"connect\": {{\"host\": \"127.0.0.1\", \"port\": 5678}} (a program that called listen()) or \
                 \"device\": \"/dev/ttyACM0\" (a board's serial port)"
            ),
        };
        let host = connect
            .host
            .or_else(|| self.host.clone())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "127.0.0.1".into());
        self.attach_to(host, port, device)
    }

    fn attach_to(&self, host: String, port: u16, device: Option<DeviceSpec>) -> Result<AttachConfig> {
        // The project whose frames justMyCode shows: cwd, else ours.
        let project = self
            .cwd
            .clone()
            .filter(|c| !c.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        Ok(AttachConfig {
            host,
            port,
            device,
            baud: self.baud,
            token: self.token.clone().filter(|t| !t.is_empty()),
            stop_on_entry: self.stop_on_entry,
            project,
            just_my_code: self.just_my_code.unwrap_or(true),
            path_mappings: self.path_mappings(),
        })
    }

    /// `pathMappings` as (host folder, device folder), the empty ones left out.
    fn path_mappings(&self) -> Vec<(PathBuf, String)> {
        self.path_mappings
            .iter()
            .filter(|m| !m.local_root.is_empty() && !m.remote_root.is_empty())
            .map(|m| (PathBuf::from(&m.local_root), m.remote_root.clone()))
            .collect()
    }

    pub fn parse(raw: &serde_json::Value) -> Result<LaunchArgs> {
        LaunchArgs::deserialize(raw).context("the launch configuration has a field of the wrong type")
    }

    /// A console line naming the debugpy settings present that mpdbg does not use.
    pub fn ignored_notice(&self) -> Option<String> {
        let present: Vec<&str> = [
            ("module", self.module.is_some()),
            ("python", self.python.is_some()),
            ("pythonArgs", self.python_args.is_some()),
            ("sudo", self.sudo.is_some()),
            ("autoReload", self.auto_reload.is_some()),
        ]
        .iter()
        .filter(|(_, there)| *there)
        .map(|(name, _)| *name)
        .collect();
        (!present.is_empty()).then(|| {
            format!(
                "mpdbg: ignored {}: debugpy settings that mpdbg does not use (it runs \"program\" on MicroPython; \
                 docs/launch-configuration.md lists what it reads)\n",
                present
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
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
            path_mappings: self.path_mappings(),
            reset: self.reset.unwrap_or(true),
            write_flash: self.write_flash.unwrap_or(true),
            ignore: self.ignore.clone(),
            delete_extra: self.delete_extra,
            just_my_code: self.just_my_code.unwrap_or(true),
            env: self.environment()?,
        })
    }

    /// `envFile`'s variables (relative to `cwd`), then `env`'s over them.
    fn environment(&self) -> Result<Vec<(String, Option<String>)>> {
        let mut vars: BTreeMap<String, Option<String>> = BTreeMap::new();
        if let Some(file) = self.env_file.as_deref().filter(|f| !f.is_empty()) {
            let base = self.cwd.as_deref().filter(|c| !c.is_empty()).map(PathBuf::from);
            let path = match base {
                Some(dir) if Path::new(file).is_relative() => dir.join(file),
                _ => PathBuf::from(file),
            };
            vars.extend(super::env_file::read(&path)?.into_iter().map(|(n, v)| (n, Some(v))));
        }
        vars.extend(self.env.clone());
        Ok(vars.into_iter().collect())
    }
}

fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `"env": {"A": "1", "B": null, "N": 3}`: numbers and booleans as their
/// text, `null` to remove a variable the adapter's own environment has.
fn env_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Option<String>>, D::Error> {
    use serde::de::Error;
    let raw = Option::<BTreeMap<String, serde_json::Value>>::deserialize(d)?.unwrap_or_default();
    raw.into_iter()
        .map(|(name, value)| {
            if name.is_empty() || name.contains(['=', '\0']) {
                return Err(D::Error::custom(format!(
                    "\"env\" has an invalid variable name {name:?}"
                )));
            }
            let value = match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => Some(v.to_string()),
                other => {
                    return Err(D::Error::custom(format!(
                        "\"env\".{name} must be a string (or null to remove it), not {other}"
                    )))
                }
            };
            if value.as_deref().is_some_and(|v| v.contains('\0')) {
                return Err(D::Error::custom(format!("\"env\".{name} contains a NUL character")));
            }
            Ok((name, value))
        })
        .collect()
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
        assert!(a.launch_config().unwrap().just_my_code, "on by default, as debugpy");
        let all = LaunchArgs::parse(&json!({ "program": "p.py", "justMyCode": false })).unwrap();
        assert!(!all.launch_config().unwrap().just_my_code);
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
        assert!(!c.delete_extra, "nothing is deleted unless asked");
        let delete = |v: serde_json::Value| {
            LaunchArgs::parse(&json!({ "program": "p.py", "deleteExtra": v }))
                .and_then(|a| a.launch_config())
                .map(|c| c.delete_extra)
        };
        assert!(delete(json!(true)).unwrap());
        assert!(!delete(json!(null)).unwrap());
        assert!(delete(json!("yes")).is_err());
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
    fn env_sets_removes_and_stringifies() {
        let a = LaunchArgs::parse(&json!({ "program": "p.py", "env": { "A": "x y", "B": null, "N": 3, "T": true } }))
            .unwrap();
        let cfg = a.launch_config().unwrap();
        assert_eq!(
            cfg.env,
            [
                ("A".to_string(), Some("x y".to_string())),
                ("B".to_string(), None),
                ("N".to_string(), Some("3".to_string())),
                ("T".to_string(), Some("true".to_string())),
            ]
        );
        for bad in [
            json!({ "env": { "A": [1] } }),
            json!({ "env": { "A=B": "1" } }),
            json!({ "env": "A=1" }),
        ] {
            let err = LaunchArgs::parse(&bad).unwrap_err();
            assert!(
                format!("{err:#}").contains("env") || format!("{err:#}").contains("map"),
                "{err:#}"
            );
        }
        assert!(LaunchArgs::parse(&json!({ "env": null })).unwrap().env.is_empty());
    }

    #[test]
    fn env_file_under_env_relative_to_cwd() {
        let dir = std::env::temp_dir().join(format!("mpdbg-env-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".env"), "A=from file\nB=from file\n").unwrap();
        let a = LaunchArgs::parse(&json!({
            "program": "p.py", "cwd": dir.to_str().unwrap(), "envFile": ".env", "env": { "B": "from env" }
        }))
        .unwrap();
        let env = a.launch_config().unwrap().env;
        assert_eq!(
            env,
            [
                ("A".to_string(), Some("from file".to_string())),
                ("B".to_string(), Some("from env".to_string()))
            ]
        );
        let missing = LaunchArgs::parse(&json!({ "program": "p.py", "envFile": "/nonexistent/.env" })).unwrap();
        let err = format!("{:#}", missing.launch_config().unwrap_err());
        assert!(err.contains("envFile"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn debugpy_only_settings_are_named_not_dropped() {
        let a = LaunchArgs::parse(&json!({ "program": "p.py", "module": "app", "pythonArgs": [], "justMyCode": true }))
            .unwrap();
        let notice = a.ignored_notice().unwrap();
        assert!(notice.contains("\"module\", \"pythonArgs\""), "{notice}");
        assert_eq!(
            LaunchArgs::parse(&json!({ "program": "p.py", "module": null }))
                .unwrap()
                .ignored_notice(),
            None
        );
    }

    #[test]
    fn console_and_no_debug() {
        let a = LaunchArgs::parse(&json!({ "noDebug": true, "console": "integratedTerminal" })).unwrap();
        assert!(a.no_debug);
        assert_eq!(a.console, Console::IntegratedTerminal);
        assert!(a.console.notice().unwrap().contains("Debug Console"));
        let d = LaunchArgs::parse(&json!({ "noDebug": null, "console": null })).unwrap();
        assert!(!d.no_debug);
        assert_eq!(d.console.notice(), None);
        let err = LaunchArgs::parse(&json!({ "console": "tty" })).unwrap_err();
        assert!(format!("{err:#}").contains("internalConsole"), "{err:#}");
    }

    #[test]
    fn wrong_types_and_missing_program_are_errors() {
        assert!(LaunchArgs::parse(&json!({ "stopOnEntry": "yes" })).is_err());
        let none = LaunchArgs::parse(&json!({})).unwrap();
        let err = none.launch_config().unwrap_err().to_string();
        assert!(err.contains("\"program\""), "{err}");
    }
}
