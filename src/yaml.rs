//! The one place that parses YAML, so the archived `serde_yaml` can be swapped for a fork in one line.

use crate::error::Diagnostic;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Reads a file as UTF-8 text, accepting (and dropping) a byte-order mark.
pub fn read_text(path: &Path, shown_as: &Path) -> Result<String, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::new(shown_as, format!("cannot read the file: {e}")))?;
    text_from_bytes(bytes, shown_as)
}

pub fn text_from_bytes(bytes: Vec<u8>, shown_as: &Path) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..'\u{feff}'.len_utf8());
            }
            Ok(s)
        }
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = good.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
            Err(Diagnostic::new(shown_as, "the file is not UTF-8 text")
                .at(line, column)
                .help("save the file as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)"))
        }
    }
}

/// Parses `text` into `T`, turning any problem into a diagnostic with line, column and field path.
pub fn parse<T: DeserializeOwned>(text: &str, shown_as: &Path) -> Result<T, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::new(shown_as, "the file is empty")
            .help("fill it in, or delete it if it is not needed"));
    }
    if let Some((line, column)) = find_tab_indent(text) {
        return Err(
            Diagnostic::new(shown_as, "a tab is used for indentation; YAML allows only spaces")
                .at(line, column)
                .help("replace the tab with spaces"),
        );
    }
    let de = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let mut d = Diagnostic::new(shown_as, clean_message(&inner.to_string())).field(field);
        if let Some(loc) = inner.location() {
            d = d.at(loc.line(), loc.column());
        }
        if let Some(help) = help_for(&d.message) {
            d = d.help(help);
        }
        d
    })
}

/// serde_yaml appends " at line N column M" which we show in the location instead.
fn clean_message(msg: &str) -> String {
    let msg = match msg.find(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    msg.trim_start_matches(|c: char| c == '.' || c == ':' || c.is_whitespace())
        .to_string()
}

fn help_for(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (unknown, rest) = rest.split_once('`')?;
        let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        return Some(match suggest(unknown, &expected) {
            Some(s) => format!("did you mean `{s}`? (field names are case-sensitive)"),
            None => format!("allowed fields here: {}", expected.join(", ")),
        });
    }
    if message.starts_with("missing field") {
        return Some("add the field; see docs/site-format.md for what each file needs".into());
    }
    if message.starts_with("invalid type") {
        return Some(
            "check the value's type: numbers without quotes, text in quotes if it contains `:` or `#`".into(),
        );
    }
    if message.starts_with("duplicate") {
        return Some("each field may appear once; remove or merge the repeated one".into());
    }
    None
}

/// The closest allowed name by edit distance, if it is close enough to be a typo.
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.len().max(3) / 3).max(1) + 1)
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// serde_yaml's own message for a tab is cryptic; find it first and say it plainly.
fn find_tab_indent(text: &str) -> Option<(usize, usize)> {
    let mut in_block_scalar = false;
    for (i, line) in text.lines().enumerate() {
        let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        if in_block_scalar && (!indent.is_empty() || line.trim().is_empty()) {
            continue;
        }
        in_block_scalar = false;
        if let Some(pos) = indent.find('\t') {
            return Some((i + 1, pos + 1));
        }
        let t = line.trim_end();
        if t.ends_with('|') || t.ends_with('>') || t.ends_with("|-") || t.ends_with(">-") {
            in_block_scalar = true;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
        quantity: u32,
    }

    #[test]
    fn unknown_field_suggests_the_near_name() {
        let d = parse::<T>("name: x\nquantiy: 3\n", Path::new("p.yaml")).unwrap_err();
        assert_eq!(d.line, Some(2));
        assert!(d.message.contains("unknown field `quantiy`"), "{}", d.message);
        assert!(d.help.unwrap().contains("did you mean `quantity`"));
    }

    #[test]
    fn wrong_type_names_the_field() {
        let d = parse::<T>("name: x\nquantity: one hundred\n", Path::new("p.yaml")).unwrap_err();
        assert_eq!(d.field.as_deref(), Some("quantity"));
        assert_eq!(d.line, Some(2));
    }

    #[test]
    fn bom_is_accepted() {
        let s = text_from_bytes(b"\xef\xbb\xbfname: x\nquantity: 1\n".to_vec(), Path::new("a")).unwrap();
        assert!(parse::<T>(&s, Path::new("a")).is_ok());
    }

    #[test]
    fn non_utf8_is_located() {
        let d = text_from_bytes(b"name: x\nquantity: \xff\n".to_vec(), Path::new("a")).unwrap_err();
        assert_eq!((d.line, d.column), (Some(2), Some(11)));
    }

    #[test]
    fn tab_indent_is_named() {
        let d = parse::<T>("name: x\n\tquantity: 1\n", Path::new("a")).unwrap_err();
        assert!(d.message.contains("tab"));
        assert_eq!(d.line, Some(2));
    }

    #[test]
    fn empty_file_is_an_error() {
        let d = parse::<T>("  \n", Path::new("a")).unwrap_err();
        assert!(d.message.contains("empty"));
    }
}
