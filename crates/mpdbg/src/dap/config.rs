//! The `launch` and `attach` arguments an editor sends, parsed once into a
//! typed struct. Lenient as editors need: unknown fields (VS Code adds
//! `__sessionId`, `type`, `name`, `debugOptions`...) are ignored, a `null`
//! field counts as absent, and `args` may be one string or a list.
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
    use super::LaunchArgs;
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
    fn wrong_types_and_missing_program_are_errors() {
        assert!(LaunchArgs::parse(&json!({ "stopOnEntry": "yes" })).is_err());
        let none = LaunchArgs::parse(&json!({})).unwrap();
        let err = none.launch_config().unwrap_err().to_string();
        assert!(err.contains("\"program\""), "{err}");
    }
}
