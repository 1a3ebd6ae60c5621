//! The minijinja environment: site → theme template lookup, strict undefined, HTML autoescape,
//! and the few helpers themes need (`url`, `srcset`, `money`, `t` for the string table's words).

use crate::error::Diagnostic;
use crate::strings::Strings;
use crate::theme::Theme;
use minijinja::value::{Kwargs, Rest, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

/// What `cached` blocks rendered in this render pass, by key (see [`cached`]).
type Memo = Arc<Mutex<HashMap<String, Value>>>;

pub struct Renderer {
    env: Environment<'static>,
    theme: Theme,
    /// Stands for everything but the data that decides what a page renders to.
    key: blake3::Hash,
    memo: Memo,
}

impl Renderer {
    /// `assets` maps each static file to a short hash of its content, for cache-busting links.
    /// `strings` gives `t()` its words: one table per language of the site, the default first;
    /// a page picks its language's by the `lang` it is rendered with.
    pub fn new(
        theme: &Theme,
        clean_links: bool,
        assets: BTreeMap<String, String>,
        strings: Vec<Arc<Strings>>,
    ) -> Renderer {
        let key = {
            let mut h = blake3::Hasher::new();
            h.update(theme.templates_key().as_bytes());
            for s in &strings {
                h.update(s.key().as_bytes());
            }
            h.update(&[clean_links as u8]);
            for (path, version) in &assets {
                h.update(path.as_bytes())
                    .update(&[0])
                    .update(version.as_bytes())
                    .update(&[0]);
            }
            h.finalize()
        };
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // minijinja keeps a failing template's source only in debug mode, which it turns on by
        // default in debug builds alone: without this the installed binary could not name the
        // expression a designer mistyped.
        env.set_debug(true);
        // minijinja's HTML escaping also turns `/` into `&#x2f;`, which bloats every URL; `/` is
        // harmless in HTML text and quoted attributes, so escape only the five characters that matter.
        env.set_formatter(|out, state, value| {
            if state.auto_escape() == AutoEscape::None || value.is_safe() {
                return minijinja::escape_formatter(out, state, value);
            }
            let text;
            let s = match value.as_str() {
                Some(s) => s,
                None => {
                    text = value.to_string();
                    &text
                }
            };
            // Straight into the page: every value of every page passes here.
            write_escaped(out, s).map_err(Error::from)
        });
        // The grids' CSS and the `sizes` of the photos in them, from one set of numbers.
        env.add_global("layout", Value::from_serialize(theme.layout().view()));
        let join_theme = theme.clone();
        env.set_path_join_callback(move |name, parent| join_theme.join(name, parent).into());
        let loader_theme = theme.clone();
        env.set_loader(move |name| {
            loader_theme
                .template(name)
                .map(|t| t.map(|(src, _)| src))
                .map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidOperation,
                        format!("cannot read template {name}: {e}"),
                    )
                })
        });
        // A page's address is in the page's language (`de/products/`), unless `prefix=` names
        // another (the language switcher, hreflang); files are shared by every language.
        env.add_function(
            "url",
            move |state: &State, path: &str, args: Kwargs| -> Result<String, Error> {
                let prefix: Option<Value> = args.get("prefix")?;
                args.assert_all_used()?;
                let prefix = prefix.unwrap_or_else(|| lookup(state, "lang_prefix"));
                let prefix = prefix.as_str().unwrap_or_default();
                let root = lookup(state, "root");
                let root = root.as_str().unwrap_or_default();
                if is_page_path(path) && !path.contains("://") && !prefix.is_empty() {
                    Ok(link(root, &format!("{prefix}{path}"), clean_links))
                } else {
                    Ok(link(root, path, clean_links))
                }
            },
        );
        env.add_function("srcset", srcset);
        let memo = Memo::default();
        let for_cached = memo.clone();
        env.add_function("cached", move |state: &State, key: Rest<Value>, args: Kwargs| {
            cached(&for_cached, state, &key, &args)
        });
        env.add_function(
            "asset",
            move |state: &State, path: &str| -> Result<String, Error> {
                match assets.get(path) {
                    Some(v) => {
                        let root = lookup(state, "root");
                        Ok(format!("{}{path}?v={v}", root.as_str().unwrap_or_default()))
                    }
                    None => Err(Error::new(
                        ErrorKind::InvalidOperation,
                        format!("asset(\"{path}\"): no such file in the theme's or site's static/"),
                    )),
                }
            },
        );
        // `money` and `thousands` write numbers the way the page's language does.
        let for_money = strings.clone();
        env.add_filter(
            "money",
            move |state: &State, amount: f64, currency: Option<&str>| {
                tables(&for_money, state)
                    .formats()
                    .money(amount, currency.unwrap_or("USD"))
            },
        );
        let for_counts = strings.clone();
        env.add_filter("thousands", move |state: &State, n: u64| {
            tables(&for_counts, state).formats().integer(n)
        });
        // The direction of each of the site's languages, known from their tables: `lang_attr`
        // runs for every untranslated text of every page.
        let dirs: BTreeMap<String, &'static str> = strings
            .iter()
            .map(|s| (s.language().to_string(), s.tag().direction().as_str()))
            .collect();
        env.add_function(
            "t",
            move |state: &State, key: &str, args: Kwargs| -> Result<String, Error> {
                word(tables(&strings, state), key, &args)
            },
        );
        // ` lang="en" dir="ltr"` on an element whose text is in another language than the page
        // (text the seller did not translate): its language for screen readers and search
        // engines, its direction so English on an Arabic page keeps its full stop at its end.
        // Nothing when `code` is none.
        env.add_function("lang_attr", move |code: Option<String>| -> Value {
            match code {
                Some(c) if !c.is_empty() => {
                    let dir = dirs.get(&c).copied().unwrap_or_else(|| {
                        crate::locale::parse_language(&c)
                            .map_or(crate::locale::Direction::Ltr, |l| l.direction())
                            .as_str()
                    });
                    Value::from_safe_string(format!(" lang=\"{}\" dir=\"{dir}\"", escape_html(&c)))
                }
                _ => Value::from_safe_string(String::new()),
            }
        });
        Renderer {
            env,
            theme: theme.clone(),
            key,
            memo,
        }
    }

    /// A hash of the templates, asset versions and link style: two renderers with the same key
    /// render the same data to the same page.
    pub fn key(&self) -> blake3::Hash {
        self.key
    }

    /// Starts a render pass: what `cached` blocks rendered before is forgotten, as the data
    /// they showed may have changed since (`serve` keeps its renderer from one edit to the next).
    pub fn new_pass(&self) {
        self.memo.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Renders template `name` with `ctx`; a template problem names the template file and line.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, Diagnostic> {
        let tmpl = self.env.get_template(name).map_err(|e| self.diagnose(&e))?;
        tmpl.render(ctx).map_err(|e| self.diagnose(&e))
    }

    fn diagnose(&self, err: &Error) -> Diagnostic {
        let name = err.name().unwrap_or("template");
        let origin = match self.theme.template(name) {
            Ok(Some((_, origin))) => origin,
            _ => name.to_string(),
        };
        let mut msg = err
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| err.kind().to_string());
        if err.detail().is_some() {
            msg = format!("{}: {msg}", err.kind());
        }
        // The loader's `@N/x.html` is the `theme:x.html` the designer wrote.
        let below = msg.contains("\"@");
        if below {
            msg = crate::theme::shown_name(&msg);
        }
        let mut d = Diagnostic::new(origin, msg);
        let spot = err.template_source().zip(err.range()).and_then(|(src, range)| {
            let expr = src.get(range.clone())?;
            let line_start = src[..range.start].rfind('\n').map_or(0, |i| i + 1);
            Some((expr, src[line_start..range.start].chars().count() + 1))
        });
        match (err.line(), spot) {
            (Some(line), Some((expr, column))) => d = d.at(line, column).spanning(expr.chars().count()),
            (Some(line), None) => d = d.at(line, 1),
            _ => {}
        }
        let advice = match err.kind() {
            ErrorKind::UndefinedError => {
                "no such variable or field here: check its spelling against the theme's templates and docs/site-format.md"
            }
            ErrorKind::SyntaxError => "fix the tag: every {% if %}/{% for %}/{% block %} needs its end tag, every {{ its }}",
            ErrorKind::TemplateNotFound if below => {
                "`theme:NAME` is NAME in the themes below this file; none of them has it: fix the name"
            }
            ErrorKind::TemplateNotFound => "create the template in templates/, or fix the name",
            ErrorKind::UnknownFilter | ErrorKind::UnknownFunction | ErrorKind::UnknownMethod | ErrorKind::UnknownTest => {
                "no filter, function or method by that name: check its spelling against the theme's templates"
            }
            _ => "fix the template at this line, or delete your copy in templates/ to use the theme's",
        };
        d = d.help(advice);
        if let (Some((expr, _)), Some(_)) = (spot, err.line()) {
            d = d.help(format!("in `{expr}`: {advice}"));
        }
        let mut cause = std::error::Error::source(err);
        while let Some(c) = cause {
            if let Some(inner) = c.downcast_ref::<Error>() {
                let sub = self.diagnose(inner);
                d.message.push_str(&format!(" (from {sub})"));
            }
            cause = c.source();
        }
        d
    }
}

/// `t("key", count=n, name=value)`: string `key` of the table, in the form `count` asks for,
/// with each `{name}` filled in.
fn word(strings: &Strings, key: &str, args: &Kwargs) -> Result<String, Error> {
    let mut count = None;
    let mut given = BTreeMap::new();
    for name in args.args() {
        let value: Value = args.get(name)?;
        if name == "count" {
            let n = u64::try_from(value.clone()).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("t(\"{key}\"): count must be a whole number, not {value}"),
                )
            })?;
            count = Some(n);
        }
        given.insert(name.to_string(), value.to_string());
    }
    strings
        .render(key, count, &given)
        .map_err(|msg| Error::new(ErrorKind::InvalidOperation, msg))
}

/// `srcset(variants)`: each variant's `url` (from the page's `root`) and `width`, as `<img
/// srcset>` lists them. Read from the values themselves, not deserialized into a copy: every
/// photo of every card calls it.
fn srcset(state: &State, items: Value) -> Result<String, Error> {
    let root = lookup(state, "root");
    let root = root.as_str().unwrap_or_default();
    let mut out = String::new();
    for (n, item) in items.try_iter()?.enumerate() {
        let url = item.get_attr("url")?;
        let width = item.get_attr("width")?;
        let (Some(url), Some(width)) = (url.as_str(), u32::try_from(width.clone()).ok()) else {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("srcset(): each item needs a text `url` and a whole `width`, not {item}"),
            ));
        };
        if n > 0 {
            out.push_str(", ");
        }
        write!(out, "{root}{url} {width}w").map_err(Error::from)?;
    }
    Ok(out)
}

/// `{% call cached("card", p.url, eager) %}…{% endcall %}`: the block is rendered once per
/// render pass for each key and page setting, and the same text is used wherever it comes again
/// (Hugo's `partialCached`): a product's card is on its category's pages, its tags' pages, the
/// product list and its neighbours' pages. The key is the block's name and whatever else it reads
/// (text, numbers, true/false, none); the page's language (`lang`, `lang_prefix`) and depth
/// (`root`, which every link starts with) are added to it here, so `url()` and `t()` need not be.
fn cached(memo: &Memo, state: &State, key: &[Value], args: &Kwargs) -> Result<Value, Error> {
    let caller: Value = args.get("caller")?;
    args.assert_all_used()?;
    let mut text = String::new();
    for part in key
        .iter()
        .cloned()
        .chain(["root", "lang", "lang_prefix"].map(|n| lookup(state, n)))
    {
        if part.as_object().is_some() {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("cached(): key parts are text, numbers, true/false or none, not {}: pass a field of it (p.url, not p)", part.kind()),
            ));
        }
        // Debug form: `"1"` and `1` stay apart.
        let _ = write!(text, "{part:?}\u{0}");
    }
    if let Some(done) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(&text) {
        return Ok(done.clone());
    }
    // Rendered outside the lock: two threads may render one key at once, and both get the
    // same text.
    let done = caller.call(state, &[])?;
    memo.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(text, done.clone());
    Ok(done)
}

/// A variable of the page being rendered, `undefined` (no text) when it has none.
fn lookup(state: &State, name: &str) -> Value {
    state.lookup(name).unwrap_or_default()
}

/// The string table of the language the page is rendered in (`lang`), the default's if none.
fn tables<'a>(strings: &'a [Arc<Strings>], state: &State) -> &'a Strings {
    let lang = lookup(state, "lang");
    let lang = lang.as_str().unwrap_or_default();
    strings
        .iter()
        .find(|s| s.language() == lang)
        .or_else(|| strings.first())
        .expect("a renderer has the default language's table")
}

/// Whether a site path is a page's (`""` is home, `x/` a page) rather than a file's.
pub fn is_page_path(path: &str) -> bool {
    path.is_empty() || path.ends_with('/')
}

/// A link from a page at depth `root` to site path `path` (`""` is home, `x/` a page, else a file).
pub fn link(root: &str, path: &str, clean_links: bool) -> String {
    if path.contains("://")
        || path.starts_with("mailto:")
        || path.starts_with("tel:")
        || path.starts_with('#')
    {
        return path.to_string();
    }
    let is_page = is_page_path(path);
    let mut out = String::with_capacity(root.len() + path.len() + 10);
    out.push_str(root);
    out.push_str(path);
    if is_page && !clean_links {
        out.push_str("index.html");
    } else if out.is_empty() {
        out.push_str("./");
    }
    out
}

/// The amount as schema.org prices and the feeds write it (`1250.00`), whatever the language.
pub use crate::locale::plain_amount;

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // Writing into a String cannot fail.
    let _ = write_escaped(&mut out, s);
    out
}

/// `s` with `&`, `<`, `>`, `"` and `'` escaped, written in runs between them.
fn write_escaped(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[start..i])?;
        out.write_str(entity)?;
        start = i + 1;
    }
    out.write_str(&s[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_work_from_disk_unless_clean() {
        assert_eq!(link("../../", "products/", false), "../../products/index.html");
        assert_eq!(link("../../", "products/", true), "../../products/");
        assert_eq!(link("", "", true), "./");
        assert_eq!(link("", "", false), "index.html");
        assert_eq!(link("../", "style.css", false), "../style.css");
        assert_eq!(link("../", "https://x.example/", false), "https://x.example/");
    }

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html("Tom & Jerry's <b>\"Süßes\"</b> — ١٢٣>"),
            "Tom &amp; Jerry&#39;s &lt;b&gt;&quot;Süßes&quot;&lt;/b&gt; — ١٢٣&gt;"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
    }
}
