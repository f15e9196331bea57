//! Errors reported for sources MicroPython would not compile.

use std::fmt;

/// Why a source file has no model. Callers degrade to showing slot numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceError {
    /// The parser rejected the file (MicroPython raises `SyntaxError` or
    /// `IndentationError` when importing it).
    Syntax {
        /// 1-based line.
        line: u32,
        /// 1-based column (tabs count to the next multiple of 8, as in MicroPython).
        column: u32,
        message: String,
    },
    /// The file parses but MicroPython's compiler rejects it (for example
    /// `nonlocal` without a binding, or `return` outside a function).
    Compile { line: u32, column: u32, message: String },
}

impl SourceError {
    /// Line of the error.
    pub fn line(&self) -> u32 {
        match self {
            SourceError::Syntax { line, .. } | SourceError::Compile { line, .. } => *line,
        }
    }

    /// Column of the error.
    pub fn column(&self) -> u32 {
        match self {
            SourceError::Syntax { column, .. } | SourceError::Compile { column, .. } => *column,
        }
    }

    /// The message without position.
    pub fn message(&self) -> &str {
        match self {
            SourceError::Syntax { message, .. } | SourceError::Compile { message, .. } => message,
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            SourceError::Syntax { .. } => "syntax error",
            SourceError::Compile { .. } => "compile error",
        };
        write!(f, "{}:{}: {}: {}", self.line(), self.column(), kind, self.message())
    }
}

impl std::error::Error for SourceError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_position() {
        let e = SourceError::Syntax {
            line: 3,
            column: 7,
            message: "invalid syntax".into(),
        };
        assert_eq!(e.to_string(), "3:7: syntax error: invalid syntax");
        assert_eq!((e.line(), e.column(), e.message()), (3, 7, "invalid syntax"));
    }
}
