//! Completions for the debug console and the terminal prompt: the frame's
//! names, its globals and the builtins, or an object's attributes after a
//! dot. The device lists them (`dir()`), in one evaluation and one read of
//! the list it returns.
use super::Session;
use anyhow::Result;

/// Python's keywords: no name lists them on the device, yet they complete.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// The word being completed at the end of `text`: the object expression
/// before its last dot (None: a bare name) and the prefix after it.
pub fn split_word(text: &str) -> (Option<&str>, &str) {
    let start = text
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '_' || c == '.')
        .last()
        .map_or(text.len(), |(i, _)| i);
    let word = &text[start..];
    match word.rsplit_once('.') {
        Some((object, prefix)) if !object.is_empty() => (Some(object), prefix),
        _ => (None, word.trim_start_matches('.')),
    }
}

impl Session {
    /// Names that complete the word ending `text` in frame `frame`, sorted,
    /// with the prefix they complete.
    pub fn completions(&self, frame: usize, text: &str) -> Result<(String, Vec<String>)> {
        let (object, prefix) = split_word(text);
        let listing = match object {
            Some(o) => format!("dir({o})"),
            None => "dir()+list(globals())+dir(__import__('builtins'))".to_string(),
        };
        let list = self.evaluate(frame, &listing, false)?;
        let count = list.indexed.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
        let mut names: Vec<String> = if list.reference > 0 && count > 0 {
            self.variables(list.reference, 0, Some(count))?
                .into_iter()
                .filter_map(|v| {
                    let name = v.value.trim_matches(|c| c == '\'' || c == '"');
                    name.starts_with(prefix).then(|| name.to_string())
                })
                .collect()
        } else {
            Vec::new()
        };
        if object.is_none() {
            names.extend(KEYWORDS.iter().filter(|k| k.starts_with(prefix)).map(|k| k.to_string()));
        }
        // Private names only when asked for, as Python's own completer does.
        if !prefix.starts_with('_') {
            names.retain(|n| !n.starts_with('_'));
        }
        names.sort();
        names.dedup();
        Ok((prefix.to_string(), names))
    }
}

#[cfg(test)]
mod tests {
    use super::split_word;

    #[test]
    fn words_and_attributes() {
        assert_eq!(split_word("pri"), (None, "pri"));
        assert_eq!(split_word("x = to"), (None, "to"));
        assert_eq!(split_word("len(p.n"), (Some("p"), "n"));
        assert_eq!(split_word("a.b."), (Some("a.b"), ""));
        assert_eq!(split_word(""), (None, ""));
        assert_eq!(split_word("f("), (None, ""));
    }
}
