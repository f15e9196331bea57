//! pdb's command line: names, abbreviations and arguments, parsed into a
//! [`Command`]. Anything that is not a command is a Python expression or
//! statement, as in pdb.

/// Where a `break` goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A line of the current file.
    Line(u32),
    FileLine(String, u32),
    Function(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help(Option<String>),
    Where,
    Up(usize),
    Down(usize),
    /// `break` with no location lists the breakpoints.
    Break {
        at: Option<Location>,
        condition: Option<String>,
        temporary: bool,
    },
    /// No numbers: every breakpoint.
    Clear(Vec<String>),
    Enable(Vec<String>),
    Disable(Vec<String>),
    Condition(String, Option<String>),
    Ignore(String, u64),
    Continue,
    Next,
    Step,
    Return,
    Until(Option<u32>),
    List(Option<String>),
    LongList,
    Print(String),
    PrettyPrint(String),
    Display(Option<String>),
    Undisplay(Option<String>),
    Args,
    /// Run Python in the current frame (`!stmt` or a line that is no command).
    Python(String),
    Interact,
    Retval,
    Quit,
}

/// The commands with their abbreviations and one line of help each, in
/// the order `help` lists them.
pub const HELP: &[(&[&str], &str, &str)] = &[
    (&["h", "help"], "[command]", "list the commands, or explain one"),
    (
        &["w", "where", "bt"],
        "",
        "the stack, oldest frame first; > marks the current frame",
    ),
    (&["u", "up"], "[count]", "move to an older frame"),
    (&["d", "down"], "[count]", "move to a newer frame"),
    (
        &["b", "break"],
        "[([file:]line | function) [, condition]]",
        "set a breakpoint; no argument lists them",
    ),
    (
        &["tbreak"],
        "[([file:]line | function) [, condition]]",
        "a breakpoint removed when first hit",
    ),
    (
        &["cl", "clear"],
        "[number ... | file:line]",
        "delete breakpoints; no argument deletes all",
    ),
    (&["disable"], "number ...", "disable breakpoints"),
    (&["enable"], "number ...", "enable breakpoints"),
    (
        &["condition"],
        "number [condition]",
        "set or remove a breakpoint's condition",
    ),
    (
        &["ignore"],
        "number count",
        "pass a breakpoint count times before it stops",
    ),
    (&["c", "cont", "continue"], "", "continue until a breakpoint"),
    (
        &["n", "next"],
        "",
        "the next line in this function, stepping over calls",
    ),
    (&["s", "step"], "", "the next line anywhere, stepping into calls"),
    (
        &["r", "return"],
        "",
        "continue until this function returns (stops in the caller)",
    ),
    (
        &["unt", "until"],
        "[line]",
        "continue to a line past this one (or at/after line) here, or to the return",
    ),
    (
        &["l", "list"],
        "[first[, last] | .]",
        "source around the current line; again: the next lines",
    ),
    (&["ll", "longlist"], "", "the whole current function"),
    (&["p"], "expression", "print the value of an expression"),
    (&["pp"], "expression", "pretty-print the value of an expression"),
    (
        &["display"],
        "[expression]",
        "show the expression's value when it changes at a stop; no argument lists them",
    ),
    (
        &["undisplay"],
        "[expression]",
        "stop displaying an expression; no argument: all",
    ),
    (&["a", "args"], "", "the current function's arguments"),
    (
        &["!"],
        "statement",
        "run a Python statement in the current frame (a line that is no command does too)",
    ),
    (
        &["interact"],
        "",
        "a Python prompt in the current frame; Ctrl-D returns",
    ),
    (
        &["retval", "rv"],
        "",
        "the value the current function returned (when MicroPython tells it)",
    ),
    (&["q", "quit", "exit"], "", "end the program and mpdbg"),
];

fn numbers(rest: &str) -> Vec<String> {
    rest.split_whitespace().map(str::to_string).collect()
}

fn optional(rest: &str) -> Option<String> {
    Some(rest.trim().to_string()).filter(|s| !s.is_empty())
}

/// `[file:]line | function [, condition]`.
fn location(rest: &str) -> Result<(Option<Location>, Option<String>), String> {
    let (place, condition) = match rest.split_once(',') {
        Some((p, c)) => (p.trim(), optional(c)),
        None => (rest.trim(), None),
    };
    if place.is_empty() {
        return Ok((None, None));
    }
    let at = if let Ok(n) = place.parse::<u32>() {
        Location::Line(n)
    } else if let Some((file, line)) = place.rsplit_once(':') {
        let n = line
            .trim()
            .parse()
            .map_err(|_| format!("{line:?} is not a line number (try FILE:LINE)"))?;
        Location::FileLine(file.trim().to_string(), n)
    } else if place.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.') {
        Location::Function(place.to_string())
    } else {
        return Err(format!("{place:?} is neither a line, FILE:LINE nor a function name"));
    };
    Ok((Some(at), condition))
}

fn count(rest: &str) -> Result<usize, String> {
    match rest.trim() {
        "" => Ok(1),
        n => n.parse().map_err(|_| format!("{n:?} is not a count")),
    }
}

/// Parses one line; `Err` is the message to show.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    if let Some(stmt) = line.strip_prefix('!') {
        return Ok(Command::Python(stmt.trim().to_string()));
    }
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let no_args = |c: Command| {
        if rest.is_empty() {
            Ok(c)
        } else {
            Ok(Command::Python(line.to_string()))
        }
    };
    match word {
        "h" | "help" => Ok(Command::Help(optional(rest))),
        "w" | "where" | "bt" => Ok(Command::Where),
        "u" | "up" => count(rest).map(Command::Up),
        "d" | "down" => count(rest).map(Command::Down),
        "b" | "break" | "tbreak" => location(rest).map(|(at, condition)| Command::Break {
            at,
            condition,
            temporary: word == "tbreak",
        }),
        "cl" | "clear" => Ok(Command::Clear(numbers(rest))),
        "enable" => Ok(Command::Enable(numbers(rest))),
        "disable" => Ok(Command::Disable(numbers(rest))),
        "condition" => {
            let (n, cond) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if n.is_empty() {
                return Err("usage: condition NUMBER [CONDITION]".into());
            }
            Ok(Command::Condition(n.to_string(), optional(cond)))
        }
        "ignore" => {
            let (n, c) = rest.split_once(char::is_whitespace).unwrap_or((rest, "0"));
            let c = c.trim().parse().map_err(|_| format!("{c:?} is not a count"))?;
            if n.is_empty() {
                return Err("usage: ignore NUMBER [COUNT]".into());
            }
            Ok(Command::Ignore(n.to_string(), c))
        }
        // A name that is also a variable (`c = 3`, `n + 1`) is Python, as in pdb.
        "c" | "cont" | "continue" => no_args(Command::Continue),
        "n" | "next" => no_args(Command::Next),
        "s" | "step" => no_args(Command::Step),
        "r" | "return" => no_args(Command::Return),
        "unt" | "until" => match optional(rest) {
            None => Ok(Command::Until(None)),
            Some(n) => n
                .parse()
                .map(|n| Command::Until(Some(n)))
                .map_err(|_| format!("{n:?} is not a line number")),
        },
        "l" | "list" => Ok(Command::List(optional(rest))),
        "ll" | "longlist" => no_args(Command::LongList),
        "p" if !rest.is_empty() => Ok(Command::Print(rest.to_string())),
        "pp" if !rest.is_empty() => Ok(Command::PrettyPrint(rest.to_string())),
        "display" => Ok(Command::Display(optional(rest))),
        "undisplay" => Ok(Command::Undisplay(optional(rest))),
        "a" | "args" => no_args(Command::Args),
        "interact" => no_args(Command::Interact),
        "retval" | "rv" => no_args(Command::Retval),
        "q" | "quit" | "exit" => no_args(Command::Quit),
        _ => Ok(Command::Python(line.to_string())),
    }
}

/// The help text of one command, or None when there is no such command.
pub fn help(name: &str) -> Option<String> {
    HELP.iter()
        .find(|(names, ..)| names.contains(&name))
        .map(|(names, args, text)| format!("{} {args}\n    {text}", names.join(" | ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdb_abbreviations() {
        assert_eq!(parse("c"), Ok(Command::Continue));
        assert_eq!(parse("n"), Ok(Command::Next));
        assert_eq!(parse("unt 12"), Ok(Command::Until(Some(12))));
        assert_eq!(parse("u 2"), Ok(Command::Up(2)));
        assert_eq!(parse("bt"), Ok(Command::Where));
        assert_eq!(parse("p x + 1"), Ok(Command::Print("x + 1".into())));
        assert_eq!(parse("!n = 3"), Ok(Command::Python("n = 3".into())));
        // A variable named like a command is Python when it has more after it.
        assert_eq!(parse("n = 3"), Ok(Command::Python("n = 3".into())));
        assert_eq!(parse("total * 2"), Ok(Command::Python("total * 2".into())));
        assert_eq!(parse("p"), Ok(Command::Python("p".into())));
    }

    #[test]
    fn breakpoint_locations() {
        assert_eq!(
            parse("b 10, count == 2"),
            Ok(Command::Break {
                at: Some(Location::Line(10)),
                condition: Some("count == 2".into()),
                temporary: false
            })
        );
        assert_eq!(
            parse("tbreak a/b.py:3"),
            Ok(Command::Break {
                at: Some(Location::FileLine("a/b.py".into(), 3)),
                condition: None,
                temporary: true
            })
        );
        assert_eq!(
            parse("break Point.norm2"),
            Ok(Command::Break {
                at: Some(Location::Function("Point.norm2".into())),
                condition: None,
                temporary: false
            })
        );
        assert!(matches!(parse("b"), Ok(Command::Break { at: None, .. })));
        assert!(parse("b a.py:x").is_err());
        assert_eq!(parse("ignore 2 3"), Ok(Command::Ignore("2".into(), 3)));
        assert_eq!(
            parse("condition 1 i > 2"),
            Ok(Command::Condition("1".into(), Some("i > 2".into())))
        );
    }

    #[test]
    fn every_command_has_help() {
        for (names, ..) in HELP {
            for n in *names {
                assert!(help(n).is_some(), "{n}");
            }
        }
        assert!(help("frobnicate").is_none());
    }
}
