//! Error types that carry the file and the place in it, so every message tells a seller where to look.

use crate::source::{Loc, Source};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One problem found in a site: where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// File the problem is in, relative to the site folder when possible.
    pub file: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// How many characters from `column` the problem spans, when it is a known expression
    /// (a template's `page.subtitel`); otherwise the report marks to the end of the line.
    pub length: Option<usize>,
    /// Field path such as `price_tiers[1].unit_price`, when known.
    pub field: Option<String>,
    pub message: String,
    /// What the seller can do about it.
    pub help: Option<String>,
    /// Text the problem is about (a photo path), found when it has no line yet: the code that
    /// holds the file's text places it with [`Diagnostic::place_in`]. Not shown.
    near: Option<String>,
    /// The file's text as it was read, for the report's snippet (under `serve` the file may
    /// have changed since).
    text: Option<Arc<str>>,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            length: None,
            field: None,
            message: message.into(),
            help: None,
            near: None,
            text: None,
        }
    }

    /// [`Diagnostic::at`] when the place is known.
    pub fn located(self, at: Option<Loc>) -> Self {
        match at {
            Some(Loc { line, column }) => self.at(line, column),
            None => self,
        }
    }

    /// Marks the text the problem is about, to be placed on the line that first names it.
    pub fn near(mut self, text: impl Into<String>) -> Self {
        self.near = Some(text.into());
        self
    }

    /// Gives a problem that has no line yet the place of its field, or else of the text it is
    /// about, in `source` (the text of its file as it was read).
    pub fn place_in(&mut self, source: &Source) {
        if self.line.is_some() {
            return;
        }
        let at = self.field.as_deref().and_then(|f| source.field(f));
        let at = at.or_else(|| self.near.as_deref().and_then(|n| source.value(n)));
        if let Some(Loc { line, column }) = at {
            self.line = Some(line);
            self.column = Some(column);
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Keeps `source` (the text of its file as it was read) for the report's snippet.
    pub fn keep_text(&mut self, source: &Source) {
        self.text = Some(source.shared_text());
    }

    /// The text of its file as it was read, when the code that found it kept one.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// Marks `length` characters from the column, not the rest of the line.
    pub fn spanning(mut self, length: usize) -> Self {
        self.length = Some(length.max(1));
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        if !field.is_empty() && field != "." && field != "?" {
            self.field = Some(field);
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "`{field}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// [`Diagnostic::place_in`] for each problem without a line, in the kept text of its file.
pub fn place_all<'a>(diags: &mut [Diagnostic], sources: impl IntoIterator<Item = &'a Source>) {
    let by_file: HashMap<&Path, &Source> = sources.into_iter().map(|s| (s.file(), s)).collect();
    for d in diags.iter_mut() {
        if let Some(s) = by_file.get(d.file.as_path()) {
            d.place_in(s);
            d.keep_text(s);
        }
    }
}

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's own files; all of them, not just the first.
    #[error("{}", list(.0))]
    Site(Vec<Diagnostic>),
    /// The file system refused something minisite had to do.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The command line asked for something that cannot be done (bad output folder and such).
    #[error("{0}")]
    Usage(String),
}

fn list(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("error: ");
        out.push_str(&d.to_string());
    }
    out
}

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// The site problems carried by this error, if it is that kind.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Site(d) => d,
            _ => &[],
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Site(vec![d])
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Collects problems so a build reports all of them at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<Diagnostic>);

impl Problems {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Keeps the value when it is `Ok`, records the problem otherwise.
    pub fn take<T>(&mut self, r: Result<T, Diagnostic>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(d) => {
                self.0.push(d);
                None
            }
        }
    }

    /// `Ok(())` when nothing went wrong, or every problem sorted by file and line.
    pub fn finish(mut self) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        self.0
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        Err(Error::Site(self.0))
    }
}
