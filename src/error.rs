//! The one user-facing error type: a single line that names the file, column, row or
//! key at fault and says what to do about it.

use std::fmt;

/// A user-facing error: one line, no backtrace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        let message: String = message.into();
        // one line on stderr, whatever the source said
        let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        Error { message }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// `Err(Error::new(format!(...)))` in one short macro.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::new(format!($($arg)*)))
    };
}
