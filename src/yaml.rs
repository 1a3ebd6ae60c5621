//! The one place that parses YAML, so the archived `serde_yaml` can be swapped for a fork in one line.

use crate::error::Diagnostic;
use crate::source::Source;
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
        Err(e) if e.as_bytes().starts_with(b"\xff\xfe") || e.as_bytes().starts_with(b"\xfe\xff") => Err(
            Diagnostic::new(shown_as, "the file is saved as UTF-16 (\"Unicode\"), not UTF-8")
                .at(1, 1)
                .help("save it again as UTF-8 (in Notepad: Save as → Encoding: UTF-8)"),
        ),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // Valid up to there, so the column can count characters like every other one.
            let good = std::str::from_utf8(good).unwrap_or_default();
            Err(Diagnostic::new(shown_as, "the file is not UTF-8 text")
                .located(Some(crate::source::loc(good, good.len())))
                .help("save the file as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)"))
        }
    }
}

/// Parses `text` into `T`, turning any problem into a diagnostic with line, column and field path.
pub fn parse<T: DeserializeOwned>(text: &str, shown_as: &Path) -> Result<T, Diagnostic> {
    parse_checked(text, shown_as).map_err(|mut d| {
        d.keep_text(&Source::new(shown_as, text));
        d
    })
}

fn parse_checked<T: DeserializeOwned>(text: &str, shown_as: &Path) -> Result<T, Diagnostic> {
    let blank = |l: &str| l.trim().is_empty() || l.trim_start().starts_with('#');
    if text.lines().all(blank) {
        let what = if text.trim().is_empty() {
            "the file is empty"
        } else {
            "the file holds only comments"
        };
        return Err(Diagnostic::new(shown_as, what).help("fill it in, or delete it if it is not needed"));
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
        let full = inner.to_string();
        let raw = clean_message(&full);
        // serde_path_to_error repeats the field path at the start; the report shows it already.
        let raw = match raw.split_once(": ") {
            Some((path, rest)) if !path.contains(' ') && field.starts_with(path) => rest.to_string(),
            _ => raw,
        };
        // libyaml names where the unclosed quote opened: that is the spot to show.
        let opened = full
            .split_once("while scanning a quoted scalar at line ")
            .and_then(|(_, at)| {
                let (l, c) = at.split_once(" column ")?;
                Some((
                    l.parse::<usize>().ok()?,
                    c.trim_end_matches(|ch: char| !ch.is_ascii_digit())
                        .parse::<usize>()
                        .ok()?,
                ))
            });
        let raw = if opened.is_some() {
            "a quote is opened but never closed".to_string()
        } else {
            raw
        };
        let mut d = Diagnostic::new(shown_as, plain_message(&raw)).field(field);
        if let Some(loc) = inner.location() {
            d = d.at(loc.line(), loc.column());
        }
        if let Some((l, c)) = opened {
            d = d.at(l, c);
        }
        if let Some(key) = raw
            .strip_prefix("duplicate field `")
            .and_then(|r| r.split('`').next())
        {
            // serde_yaml points at the mapping; the repeated key itself is more useful.
            let source = Source::new(shown_as, text);
            let at = source.repeated_key(d.field.as_deref().unwrap_or(""), key);
            d = d.located(at);
        }
        if d.line.is_none() {
            d.place_in(&Source::new(shown_as, text));
        }
        d.help(help_for(&raw))
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

/// serde's "invalid type: string \"x\", expected u64" in words a seller uses:
/// "must be a whole number, found `x`".
fn plain_message(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_string();
    };
    let Some((found, expected)) = rest.rsplit_once(", expected ") else {
        return message.to_string();
    };
    let found = if let Some(s) = found.strip_prefix("string ") {
        format!("`{}`", s.trim_matches('"'))
    } else if let Some(n) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
    {
        let n = n.trim_end_matches(" as u128").trim_end_matches(" as i128");
        format!("the number {}", n.trim_matches('`'))
    } else {
        match found {
            "sequence" => "a list".to_string(),
            "map" => "a group of `field: value` lines".to_string(),
            "unit value" => "nothing".to_string(),
            other => other.replace("boolean ", "yes/no value "),
        }
    };
    let expected = match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, zero or more",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a string" | "text" => "text",
        "a sequence" => "a list",
        e if e.starts_with("struct ") || e == "a map" => "a group of `field: value` lines",
        e => e,
    };
    format!("must be {expected}, found {found}")
}

fn help_for(message: &str) -> String {
    help_for_known(message).unwrap_or_else(|| {
        "check the marked spot and the line above it: a missing quote, bracket or colon, or text that needs quotes".into()
    })
}

fn help_for_known(message: &str) -> Option<String> {
    if message.starts_with("mapping values are not allowed") {
        return Some("text that contains `: ` must be in quotes, e.g. name: \"Ball: size 5\"".into());
    }
    if message.contains("is not a position") {
        return Some("write one of the positions the message lists".into());
    }
    if message.contains("quote is opened") {
        return Some("close the quote at the end of the value, or remove it".into());
    }
    if message.contains("limit exceeded") {
        return Some("the file nests or repeats too deeply; write the values out plainly".into());
    }
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
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        // Said for the type the field wants: that is what the seller has to write.
        let plain = plain_message(message);
        let want = plain.strip_prefix("must be ").unwrap_or("");
        return Some(
            if want.starts_with("a whole number") {
                "write digits only, e.g. 100: no words, units or decimal point"
            } else if want.starts_with("a number") {
                "write digits only, e.g. 2.50: no words, units or currency signs ($2.50 → 2.50)"
            } else if want.starts_with("a list") {
                "write a list: [a, b] on one line, or one `- item` per line below the field"
            } else if want.starts_with("text") {
                "write text on the same line; put it in quotes if it contains `:` or `#` or starts with [ or {"
            } else if want.starts_with("a group") {
                "write the fields indented on the lines below, or on one line as {field: value, field: value}"
            } else if want.starts_with("true or false") {
                "write true or false"
            } else {
                "write numbers without quotes or units, lists in [ ], and text in quotes if it contains `:` or `#`"
            }
            .into(),
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

/// Edit distance counting a swap of two neighbouring letters (`nmae` → `name`) as one typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j - 1] + cost).min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
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
    fn swapped_letters_are_one_typo() {
        assert_eq!(edit_distance("nmae", "name"), 1);
        assert_eq!(suggest("nmae", &["image", "name", "slug"]), Some("name"));
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
    fn serde_yaml_columns_count_characters() {
        // libyaml's marks advance one column per character, whatever its length in bytes.
        let line = "name: \"Größe گول\" x: 3";
        let d = parse::<T>(&format!("{line}\nquantity: 1\n"), Path::new("p.yaml")).unwrap_err();
        assert_eq!((d.line, d.column), (Some(1), Some(19)), "{d}");
        assert_eq!(
            line.chars().nth(18),
            Some('x'),
            "the 19th character, the 24th byte"
        );
    }

    #[test]
    fn non_utf8_column_counts_the_characters_before_it() {
        let mut bytes = "name: Größe ".as_bytes().to_vec();
        bytes.push(0xff);
        let d = text_from_bytes(bytes, Path::new("a")).unwrap_err();
        assert_eq!((d.line, d.column), (Some(1), Some(13)));
    }

    #[test]
    fn repeated_field_is_placed_on_the_repeat_at_its_level() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            images: Inner,
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            widths: Vec<u32>,
            #[serde(default)]
            thumbnails: Option<Thumbs>,
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Thumbs {
            widths: Vec<u32>,
        }
        let text = "images:\n  thumbnails:\n    widths: [1]\n  widths: [2]\n  widths: [3]\n";
        let d = parse::<Outer>(text, Path::new("a")).unwrap_err();
        assert!(d.message.contains("duplicate field `widths`"), "{d}");
        assert_eq!((d.line, d.column), (Some(5), Some(3)), "{d}");
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
