//! The library's error type: what can stop a build.

use crate::diag::{Diagnostic, Severity};
use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site's input has problems; every one of them is listed.
    #[error("{} error(s) in the site; nothing was written", count_errors(.0))]
    Invalid(Vec<Diagnostic>),
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    /// A command would delete or overwrite what it must not (the site's
    /// sources, a file it did not write, a device); nothing was changed.
    #[error("refusing to {action} {}: {reason}", path.display())]
    Refused {
        /// What was refused, e.g. "build into", "write".
        action: &'static str,
        path: PathBuf,
        reason: String,
    },
}

fn count_errors(ds: &[Diagnostic]) -> usize {
    ds.iter().filter(|d| d.severity == Severity::Error).count()
}

impl Error {
    pub fn read(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Read {
            path: path.into(),
            source,
        }
    }

    pub fn write(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Write {
            path: path.into(),
            source,
        }
    }

    pub fn refused(action: &'static str, path: impl Into<PathBuf>, reason: String) -> Self {
        Error::Refused {
            action,
            path: path.into(),
            reason,
        }
    }

    /// The diagnostics of an invalid site (empty for I/O errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid(ds) => ds,
            _ => &[],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
