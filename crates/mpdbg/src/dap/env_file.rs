//! `envFile`: variables for the program from a file of `NAME=value` lines,
//! as VS Code's Python debugger reads it (`#` comments, blank lines, an
//! optional `export `, values optionally in single or double quotes).
use anyhow::{bail, Context, Result};
use std::path::Path;

pub fn read(path: &Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read \"envFile\" {} (fix or remove it)", path.display()))?;
    parse(&text).with_context(|| format!("in \"envFile\" {}", path.display()))
}

fn parse(text: &str) -> Result<Vec<(String, String)>> {
    let mut vars = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            bail!("line {}: {raw:?} is not NAME=value", n + 1);
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bail!("line {}: {name:?} is not a variable name", n + 1);
        }
        let value = value.trim();
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
            .unwrap_or(value);
        vars.push((name.to_string(), unquoted.to_string()));
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn lines_comments_quotes_and_export() {
        let vars =
            parse("# settings\nA=1\n\nexport B = two words \nC=\"quoted # not a comment\"\nD='x'\nE=\n").unwrap();
        let want = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "quoted # not a comment"),
            ("D", "x"),
            ("E", ""),
        ];
        assert_eq!(vars, want.map(|(n, v)| (n.to_string(), v.to_string())).to_vec());
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = parse("A=1\njust words\n").unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(parse("A B=1").is_err());
    }
}
