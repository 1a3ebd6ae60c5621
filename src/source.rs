//! A file's text as it was read, and places in it (line, character column) for messages.
//!
//! Every parser keeps the [`Source`] it parsed, so a problem found later (a photo that will not
//! decode, a warning) is placed in the text that was checked, not in a file that may have changed
//! since (`minisite serve`). Bottom-level: it knows YAML's layout, not minisite's types.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One file's text and the name it is shown as in messages (relative to the site folder).
#[derive(Clone, PartialEq, Eq)]
pub struct Source {
    file: PathBuf,
    /// Shared: a product keeps its text for as long as `serve` keeps the product.
    text: Arc<str>,
}

// The text can be long; a debug print needs only which file it is.
impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Source({}, {} bytes)", self.file.display(), self.text.len())
    }
}

/// A place in a text: 1-based line and 1-based column counted in characters (not bytes, and
/// not display width: a wide CJK character is one column, as editors count it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub line: usize,
    pub column: usize,
}

impl Source {
    pub fn new(file: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Source {
        Source {
            file: file.into(),
            text: text.into(),
        }
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared rather than copied.
    pub fn shared_text(&self) -> Arc<str> {
        self.text.clone()
    }

    /// The place of byte offset `at` (clamped to the text, and back to a character boundary).
    pub fn loc(&self, at: usize) -> Loc {
        loc(&self.text, at)
    }

    /// The first `key:` that starts a line (after indentation and `- `).
    pub fn key(&self, key: &str) -> Option<Loc> {
        first_key(&self.text, key).map(|at| self.loc(at))
    }

    /// The `n`-th (0-based) `key:` anywhere, also inside `{ }` on one line, where [`Source::key`]
    /// finds only keys that start a line.
    pub fn nth_key(&self, key: &str, n: usize) -> Option<Loc> {
        nth_key(&self.text, key, n).map(|at| self.loc(at))
    }

    /// The first place `needle` is written (a photo path, a date), when it is not empty.
    pub fn value(&self, needle: &str) -> Option<Loc> {
        if needle.is_empty() {
            return None;
        }
        self.text.find(needle).map(|at| self.loc(at))
    }

    /// Where a field path such as `images.thumbnails.widths`, `social[1].url` or `[0].name` is
    /// written, following the nesting: `images.thumbnails.widths` is never the line of
    /// `images.widths`. A path the text does not show step by step (a default, an odd layout)
    /// falls back to the `n`-th key of its last name, `n` being its last index.
    pub fn field(&self, path: &str) -> Option<Loc> {
        let found = Layout::of(&self.text).field(path);
        found
            .or_else(|| {
                let (key, n) = last_key(path)?;
                nth_key(&self.text, key, n).or_else(|| first_key(&self.text, key))
            })
            .map(|at| self.loc(at))
    }

    /// The second `key:` in the mapping at `path` (`""` for the top level): where a repeated
    /// field is repeated.
    pub fn repeated_key(&self, path: &str, key: &str) -> Option<Loc> {
        let layout = Layout::of(&self.text);
        let scope = layout.scope_of(path).unwrap_or((0, self.text.len()));
        let keys = layout.keys_in(key, scope);
        let top = keys.iter().map(|k| k.rank).min()?;
        let at = keys.iter().filter(|k| k.rank == top).nth(1).map(|k| k.at);
        at.or_else(|| nth_key(&self.text, key, 1)).map(|at| self.loc(at))
    }
}

/// The place of byte offset `at` in `text`; see [`Loc`].
pub fn loc(text: &str, at: usize) -> Loc {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Loc {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// Byte offset of the first `key:` that starts a line.
fn first_key(text: &str, key: &str) -> Option<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let found = trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        if found && !key.is_empty() {
            return Some(start + line.len() - trimmed.len());
        }
        start += line.len();
    }
    None
}

/// Byte offset of the `n`-th `key:` anywhere.
fn nth_key(text: &str, key: &str, n: usize) -> Option<usize> {
    if key.is_empty() {
        return None;
    }
    let mut seen = 0;
    for (pos, _) in text.match_indices(key) {
        let before = text[..pos].chars().next_back();
        let after = text[pos + key.len()..].trim_start_matches([' ', '\t']);
        let starts_key = before.is_none_or(|c| matches!(c, ' ' | '{' | ',' | '-' | '\t' | '\n'));
        if starts_key && after.starts_with(':') {
            if seen == n {
                return Some(pos);
            }
            seen += 1;
        }
    }
    None
}

/// The last key of a field path and the index written after the key before it:
/// `social[1].url` → (`url`, 1), `brand.logo` → (`logo`, 0), `photos[2]` → (`photos`, 2).
fn last_key(path: &str) -> Option<(&str, usize)> {
    let steps = steps(path)?;
    let key = steps.iter().rev().find_map(|s| match s {
        Step::Key(k) => Some(*k),
        Step::Index(_) => None,
    })?;
    let n = steps.iter().rev().find_map(|s| match s {
        Step::Index(i) => Some(*i),
        Step::Key(_) => None,
    });
    Some((key, n.unwrap_or(0)))
}

#[derive(Debug, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// `a.b[1].c` → [a, b, 1, c]; `None` for what is not a field path (serde's `?`, `.`).
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            if key == "?" {
                return None;
            }
            out.push(Step::Key(key));
        }
        while !rest.is_empty() {
            let (i, after) = rest.split_once(']')?;
            out.push(Step::Index(i.parse().ok()?));
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// What each byte of a YAML text is, as far as finding fields needs: inside a quoted string, a
/// comment or a block scalar (`|`, `>`), or structure, and then how deep in `[ ]`/`{ }`.
/// A light reading, not a parser: it runs only once the text has parsed, to place a problem.
struct Layout<'a> {
    text: &'a str,
    /// Flow depth of each byte, `None` for bytes that are content of a string or comment.
    depth: Vec<Option<u16>>,
    /// Where a key or value may start: after indentation, `- `, `: `, `[`, `{` or a flow `,`.
    start: Vec<bool>,
}

/// A `key:` found in a scope; the lowest `rank` is the scope's own level (shallowest flow
/// depth, then the leftmost column), deeper ones belong to nested mappings.
struct KeyAt {
    at: usize,
    rank: (u16, usize),
}

impl<'a> Layout<'a> {
    fn of(text: &'a str) -> Layout<'a> {
        let bytes = text.as_bytes();
        let mut depth = vec![None; bytes.len()];
        let mut start = vec![false; bytes.len()];
        let mut flow: u16 = 0;
        let mut quote: Option<u8> = None;
        // Indentation at and below which a block scalar's text ends.
        let mut scalar_until: Option<usize> = None;
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            let indent = line.bytes().take_while(|&b| b == b' ').count();
            let blank = line.trim().is_empty();
            if let Some(until) = scalar_until {
                if blank || indent > until {
                    line_start += line.len();
                    continue;
                }
                scalar_until = None;
            }
            let mut at_start = quote.is_none();
            let mut i = line_start;
            let end = line_start + line.len();
            while i < end {
                let b = bytes[i];
                if let Some(q) = quote {
                    if b == q && q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    if b == b'\\' && q == b'"' {
                        i += 2;
                        continue;
                    }
                    if b == q {
                        quote = None;
                    }
                    i += 1;
                    continue;
                }
                let prev_space = i == line_start || matches!(bytes[i - 1], b' ' | b'\t');
                if b == b'#' && prev_space {
                    break;
                }
                if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                    continue;
                }
                depth[i] = Some(flow);
                start[i] = at_start;
                let next = bytes.get(i + 1).copied();
                let spaced = next.is_none_or(|n| matches!(n, b' ' | b'\t' | b'\r' | b'\n'));
                match b {
                    b'"' | b'\'' if at_start => {
                        quote = Some(b);
                        at_start = false;
                    }
                    b'[' | b'{' if at_start || flow > 0 => {
                        // Saturating: this runs on any text, however deep.
                        flow = flow.saturating_add(1);
                        at_start = true;
                    }
                    b']' | b'}' if flow > 0 => {
                        flow -= 1;
                        depth[i] = Some(flow);
                        at_start = false;
                    }
                    b',' if flow > 0 => at_start = true,
                    b':' if spaced || (flow > 0 && matches!(next, Some(b',' | b'}' | b']'))) => {
                        at_start = true
                    }
                    b'-' if at_start && spaced => {}
                    b'?' if at_start && spaced => {}
                    _ => at_start = false,
                }
                i += 1;
            }
            if quote.is_none() && flow == 0 && opens_block_scalar(&text[line_start..i]) {
                let content = text[line_start..i].trim_start_matches([' ', '-']);
                scalar_until = Some(line.len() - line.trim_start_matches([' ', '-']).len())
                    .filter(|_| !content.is_empty());
            }
            line_start = end;
        }
        Layout { text, depth, start }
    }

    /// The byte offset a field path is written at.
    fn field(&self, path: &str) -> Option<usize> {
        self.walk(path).map(|(at, _)| at)
    }

    /// The byte range holding the value of the field at `path`; the whole text for `""`.
    fn scope_of(&self, path: &str) -> Option<(usize, usize)> {
        if path.is_empty() || path == "." {
            return Some((0, self.text.len()));
        }
        self.walk(path).map(|(_, scope)| scope)
    }

    /// Follows `path` down the text: each key within the scope of the one before, each index
    /// into the list there. Gives the last step's place and its value's range.
    fn walk(&self, path: &str) -> Option<(usize, (usize, usize))> {
        let mut scope = (0, self.text.len());
        let mut at = None;
        for step in steps(path)? {
            let (place, value) = match step {
                Step::Key(k) => {
                    let keys = self.keys_in(k, scope);
                    let key = keys.iter().min_by_key(|k| (k.rank, k.at))?;
                    (key.at, self.value_of(key.at, k.len(), scope))
                }
                Step::Index(n) => self.item(n, scope)?,
            };
            at = Some(place);
            scope = value;
        }
        at.map(|at| (at, scope))
    }

    /// Every `key:` that starts a key in `scope`.
    fn keys_in(&self, key: &str, (from, to): (usize, usize)) -> Vec<KeyAt> {
        if key.is_empty() {
            return Vec::new();
        }
        self.text[from..to]
            .match_indices(key)
            .map(|(i, _)| from + i)
            .filter(|&at| self.start[at] && self.depth[at].is_some())
            .filter(|&at| {
                let colon = self.skip_spaces(at + key.len());
                self.text.as_bytes().get(colon) == Some(&b':') && self.depth[colon].is_some()
            })
            .map(|at| KeyAt {
                at,
                rank: (self.depth[at].unwrap_or(0), self.column(at)),
            })
            .collect()
    }

    /// The range of the value of the key at `key_at`: a `[ ]`/`{ }` written after it, its plain
    /// value in a flow mapping, or the lines indented below it.
    fn value_of(&self, key_at: usize, key_len: usize, (_, to): (usize, usize)) -> (usize, usize) {
        let colon = self.skip_spaces(key_at + key_len);
        let first = self.skip_spaces(colon + 1);
        let key_depth = self.depth.get(colon).copied().flatten().unwrap_or(0);
        if let Some(b'[' | b'{') = self.text.as_bytes().get(first) {
            if self.depth[first].is_some() {
                return (first, self.closing(first, to).map_or(to, |c| c + 1));
            }
        }
        if key_depth > 0 {
            let end = (first..to)
                .find(|&i| {
                    let b = self.text.as_bytes()[i];
                    self.depth[i].is_some_and(|d| d < key_depth || (d == key_depth && b == b','))
                })
                .unwrap_or(to);
            return (colon + 1, end);
        }
        (colon + 1, self.block_end(colon, self.column(key_at), to))
    }

    /// The item `n` of the list in `scope`, written `[a, b]` or as `- ` lines: its place
    /// and its own range.
    fn item(&self, n: usize, (from, to): (usize, usize)) -> Option<(usize, (usize, usize))> {
        let bytes = self.text.as_bytes();
        let open = (from..to).find(|&i| self.depth[i].is_some())?;
        match bytes[open] {
            b'[' => {
                let d = self.depth[open]?.saturating_add(1);
                let close = self.closing(open, to).unwrap_or(to);
                let commas = (open + 1..close).filter(|&i| bytes[i] == b',' && self.depth[i] == Some(d));
                let begin = std::iter::once(open).chain(commas).nth(n)? + 1;
                let end = (begin..close)
                    .find(|&i| bytes[i] == b',' && self.depth[i] == Some(d))
                    .unwrap_or(close);
                Some((self.skip_blank(begin, end), (begin, end)))
            }
            b'-' => {
                let column = self.column(open);
                let dashes: Vec<usize> = (open..to)
                    .filter(|&i| {
                        bytes[i] == b'-'
                            && self.start[i]
                            && self.depth[i] == self.depth[open]
                            && self.column(i) == column
                            && self.text[self.line_start(i)..i].trim().is_empty()
                    })
                    .collect();
                let dash = *dashes.get(n)?;
                let end = dashes.get(n + 1).copied().unwrap_or(to);
                let content = self.skip_spaces(dash + 1);
                let line_end = self.text[dash..].find('\n').map_or(self.text.len(), |i| dash + i);
                let place = if content < line_end.min(end) {
                    content
                } else {
                    dash
                };
                Some((place, (dash + 1, end)))
            }
            _ => None,
        }
    }

    /// The `]`/`}` closing the bracket at `open`.
    fn closing(&self, open: usize, to: usize) -> Option<usize> {
        let d = self.depth[open]?;
        (open + 1..to).find(|&i| matches!(self.text.as_bytes()[i], b']' | b'}') && self.depth[i] == Some(d))
    }

    /// Where the lines indented below a key at `column` end: the first later line with
    /// structure at or left of it (a `- ` list may sit at the key's own column).
    fn block_end(&self, colon: usize, column: usize, to: usize) -> usize {
        let mut line = self.text[colon..].find('\n').map_or(to, |i| colon + i + 1);
        while line < to {
            let first = (line..to).find(|&i| self.depth[i].is_some() || self.text.as_bytes()[i] == b'\n');
            match first {
                Some(i) if self.text.as_bytes()[i] != b'\n' => {
                    let c = self.column(i);
                    if c < column || (c == column && self.text.as_bytes()[i] != b'-') {
                        return line;
                    }
                }
                None => return to,
                _ => {}
            }
            line = self.text[line..].find('\n').map_or(to, |i| line + i + 1);
        }
        to
    }

    fn line_start(&self, at: usize) -> usize {
        self.text[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    /// 0-based character column of `at`.
    fn column(&self, at: usize) -> usize {
        self.text[self.line_start(at)..at].chars().count()
    }

    fn skip_spaces(&self, mut at: usize) -> usize {
        while matches!(self.text.as_bytes().get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        at
    }

    fn skip_blank(&self, mut at: usize, to: usize) -> usize {
        while at < to && self.depth[at].is_none() {
            at += 1;
        }
        at
    }
}

/// A line (its structure, comments cut) whose value is a `|` or `>` block scalar.
fn opens_block_scalar(line: &str) -> bool {
    let t = line.trim_end();
    let t = t.trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
    let Some(before) = t.strip_suffix('|').or_else(|| t.strip_suffix('>')) else {
        return false;
    };
    let before = before.trim_end();
    before.is_empty() || before.ends_with(':') || before.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, path: &str) -> Option<(usize, usize)> {
        Source::new("t.yaml", text)
            .field(path)
            .map(|l| (l.line, l.column))
    }

    #[test]
    fn columns_count_characters() {
        let s = Source::new("a", "name: Größe\nalt: گول کیپر x\n");
        assert_eq!(s.value("x"), Some(Loc { line: 2, column: 15 }));
        assert_eq!(
            s.loc(9),
            Loc { line: 1, column: 9 },
            "inside ö: back to its start"
        );
        assert_eq!(s.loc(1000), Loc { line: 3, column: 1 });
    }

    #[test]
    fn nested_field_is_not_the_outer_one_of_the_same_name() {
        let t = "images:\n  widths: [480, 960]\n  thumbnails:\n    widths: [0]\n";
        assert_eq!(at(t, "images.thumbnails.widths"), Some((4, 5)));
        assert_eq!(at(t, "images.widths"), Some((2, 3)));
        let t = "images:\n  thumbnails:\n    widths: [0]\n  widths: [480]\n";
        assert_eq!(at(t, "images.widths"), Some((4, 3)));
    }

    #[test]
    fn nested_field_in_flow_mappings() {
        let t = "images: {thumbnails: {widths: [0]}, widths: [1]}\n";
        assert_eq!(at(t, "images.widths"), Some((1, 37)));
        assert_eq!(at(t, "images.thumbnails.widths"), Some((1, 23)));
    }

    #[test]
    fn list_items_block_and_flow() {
        let t = "social:\n  - name: A\n    url: a\n  - {name: B, url: b}\nx: 1\n";
        assert_eq!(at(t, "social[0].url"), Some((3, 5)));
        assert_eq!(at(t, "social[1].url"), Some((4, 15)));
        assert_eq!(at(t, "social[1]"), Some((4, 5)));
        let t = "photos: [a.jpg, b.jpg]\n";
        assert_eq!(at(t, "photos[1]"), Some((1, 17)));
        let t = "photos:\n- a.jpg\n- b.jpg\nname: x\n";
        assert_eq!(at(t, "photos[1]"), Some((3, 3)));
        assert_eq!(at(t, "name"), Some((4, 1)));
        let t = "- name: A\n- name: B\n  slug: b\n";
        assert_eq!(at(t, "[1].slug"), Some((3, 3)));
    }

    #[test]
    fn quotes_comments_and_block_text_hide_keys() {
        let t = "description: |\n  widths: no\n  more\nnote: \"widths: no\" # widths: no\nwidths: [1]\n";
        assert_eq!(at(t, "widths"), Some((5, 1)));
        let t = "name: Kid's ball\nwidths: [1]\n";
        assert_eq!(at(t, "widths"), Some((2, 1)));
    }

    #[test]
    fn an_unfollowable_path_falls_back_to_the_last_key() {
        assert_eq!(at("a:\n  url: x\n", "social[0].url"), Some((2, 3)));
        assert_eq!(at("a: 1\n", "?"), None);
    }

    #[test]
    fn repeated_key_is_the_second_at_its_level() {
        let s = Source::new(
            "a",
            "images:\n  widths: [1]\n  thumbnails:\n    widths: [2]\n  widths: [3]\n",
        );
        assert_eq!(
            s.repeated_key("images", "widths"),
            Some(Loc { line: 5, column: 3 })
        );
    }

    #[test]
    fn odd_texts_do_not_panic() {
        let texts = [
            "",
            "\"\\",
            "a: '",
            "a: \"x\\",
            &"[".repeat(70_000),
            "é: [é, {é: é",
            "a:\n- \n- b: |\n  ö\n-",
            "a: {b: [c, {d: e}]}, f: ]]]}}",
            "- - - a: b\n  - c",
            "ä:\n  ö: [ü, \"ß\", 'x''y']\n  ö: 2 # ö: 3\n",
        ];
        let paths = [
            "a",
            "a[0]",
            "a[1].b",
            "a.b[0][1].d",
            "é[1]",
            "ä.ö",
            "[0]",
            "[2].a",
            "?",
            ".",
            "a[x]",
        ];
        for t in texts {
            let s = Source::new("t", t);
            for p in paths {
                let _ = (
                    s.field(p),
                    s.repeated_key(p, "ö"),
                    s.value(p),
                    s.key(p),
                    s.nth_key(p, 1),
                );
            }
        }
    }

    #[test]
    fn field_paths_split_into_steps() {
        assert_eq!(
            steps("a.b[1][2].c"),
            Some(vec![
                Step::Key("a"),
                Step::Key("b"),
                Step::Index(1),
                Step::Index(2),
                Step::Key("c")
            ])
        );
        assert_eq!(last_key("social[1].url"), Some(("url", 1)));
        assert_eq!(last_key("photos[2]"), Some(("photos", 2)));
    }
}
