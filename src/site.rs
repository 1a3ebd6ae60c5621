//! A site loaded and checked ([`Site::load`]), then built ([`Site::build`]): the pipeline's
//! stages in order. config → theme → catalogue + pages → photo plan → (lint) → publish, which
//! writes statics, photos and every route (see [`crate::publish`]).

use crate::assets;
use crate::catalog::{Catalog, Drafts, Product};
use crate::config::{BaseUrl, SiteConfig};
use crate::error::{Diagnostic, Error, Result};
use crate::images::{self, cache::Cache, remote::Remote, sources::SourceIndex, ImagePlan, ImageStats};
use crate::localize::{self, Lang, LangLink};
use crate::output::{self, Staging};
use crate::pages::{self, Page};
use crate::parse_cache::ParseCache;
use crate::photo_refs;
use crate::publish::{self, PhotoWork, Published};
use crate::render::Renderer;
use crate::seo;
use crate::strings::Strings;
use crate::theme::Theme;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A loaded, fully checked site: nothing here can fail to render for lack of data.
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub theme: Theme,
    /// The words pages show, in the site's language.
    pub strings: std::sync::Arc<Strings>,
    pub catalog: Catalog,
    pub pages: Vec<Page>,
    /// Shared by every language: photos are the same in all.
    pub plan: std::sync::Arc<ImagePlan>,
    /// The language this site is published in, and where.
    pub lang: Lang,
    /// Every language of the site, for the language switcher; one entry when there is one.
    pub links: std::sync::Arc<Vec<LangLink>>,
    /// Shop texts of site.yaml shown in the default language, in a translation.
    pub lang_of: crate::localize::LangOf,
    /// The site in each of its other languages (none of which has translations of its own).
    pub translations: Vec<Site>,
    /// The day certifications are judged by: `SOURCE_DATE_EPOCH`'s when set, for reproducible
    /// builds; read once, so every page and warning of a build agrees.
    pub today: time::Date,
    logo: Option<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    cache_dir: PathBuf,
    sources: SourceIndex,
    /// The parse cache, while this load has something to write into it (see
    /// [`Site::save_parsed`]).
    parsed: std::sync::Mutex<Option<ParseCache>>,
    /// The shared second tier of the image cache (`--cache-url`), when one was given and opens.
    remote: Option<std::sync::Arc<Remote>>,
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder; default `SITE/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of site.yaml.
    pub base_url: Option<String>,
    /// Image cache folder; default `SITE/.minisite-cache`.
    pub cache_dir: Option<PathBuf>,
    /// An object store shared as the image cache's second tier (`s3://bucket/prefix`, `gs://`,
    /// `az://`, `file:///path`); needs the `remote-cache` feature (docs/cache.md).
    pub cache_url: Option<String>,
    /// Show a progress bar while photos are made (for a terminal).
    pub progress: bool,
    /// Replace an output folder that minisite did not create.
    pub force: bool,
    /// Publish products and pages marked `draft: true`, marked as drafts (`serve`, `build --drafts`).
    pub drafts: bool,
    /// The process ends right after this build (`minisite build` of one site): what the build
    /// made is left to the operating system, all at once, rather than freed piece by piece (about
    /// a twelfth of a 10,000-product build's CPU time went to that). Every file is written and
    /// the output swapped in before.
    pub exits_after: bool,
}

impl BuildOptions {
    fn drafts(&self) -> Drafts {
        if self.drafts {
            Drafts::Keep
        } else {
            Drafts::LeaveOut
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub output: PathBuf,
    pub pages: usize,
    /// Pages and files rendered anew; the others were kept from the output being replaced,
    /// made from the same inputs (see [`Published::read`]).
    pub rendered: usize,
    pub images: ImageStats,
    pub elapsed: Duration,
}

impl Site {
    /// Reads and checks everything the build will use; reports every problem found, not just the first.
    pub fn load(dir: &Path, opts: &BuildOptions) -> Result<Site> {
        Site::load_reusing(dir, opts, HashMap::new())
    }

    /// [`Site::load`], taking the products of the files in `known` as they are instead of reading
    /// those files again (see [`Catalog::load_reusing`]).
    pub fn load_reusing(
        dir: &Path,
        opts: &BuildOptions,
        known: HashMap<PathBuf, std::sync::Arc<Product>>,
    ) -> Result<Site> {
        let root = dir
            .canonicalize()
            .map_err(|e| Error::Usage(format!("cannot open the site folder {}: {e}", dir.display())))?;
        let mut config = SiteConfig::from_file(&root).map_err(Error::Site)?;
        if let Some(url) = &opts.base_url {
            let url = BaseUrl::new(url)
                .ok_or_else(|| Error::Usage(format!("--base-url `{url}` is not an http(s) URL")))?;
            config.base_url = Some(url);
        }
        let theme = Theme::load(&config.theme, &root)?;
        let mut problems: Vec<Diagnostic> = Vec::new();
        let mut strings_warnings = Vec::new();
        let mut tables = Vec::new();
        for code in config.all_languages() {
            match Strings::load(&theme, &root, code) {
                Ok((s, w)) => {
                    // About one of the other languages: placed on its entry under languages:.
                    let field = format!("languages.{code}");
                    strings_warnings.extend(w.into_iter().map(|mut d| {
                        if code != config.language && d.field.as_deref() == Some("language") {
                            d.field = Some(field.clone());
                        }
                        d
                    }));
                    tables.push(std::sync::Arc::new(s));
                }
                Err(d) => problems.extend(d),
            }
        }
        let cache_dir = opts
            .cache_dir
            .clone()
            .unwrap_or_else(|| root.join(".minisite-cache"));
        // `serve` passes the products it keeps after an edit: the few files it reads then are
        // parsed, and the cache is neither read nor written (it would be rewritten whole for
        // one file).
        let parsed = known.is_empty().then(|| ParseCache::open(&cache_dir, &root));
        let catalog = Catalog::load_with(&root, &config, known, opts.drafts(), parsed.as_ref());
        // Written by a build (see `Site::save_parsed`): `check` writes nothing.
        let parsed = parsed.filter(ParseCache::changed);
        let catalog = catalog.unwrap_or_else(|d| {
            problems.extend(d);
            Catalog::default()
        });
        let pages = pages::load(&root, &config, &theme, opts.drafts()).unwrap_or_else(|d| {
            problems.extend(d);
            Vec::new()
        });
        let logo = match &config.brand.logo {
            Some(l) => match crate::paths::resolve_in_site(&root, l) {
                Ok(p) => Some(p),
                Err((msg, help)) => {
                    problems.push(
                        Diagnostic::new("site.yaml", format!("logo {msg}"))
                            .field("brand.logo")
                            .help(help),
                    );
                    None
                }
            },
            None => None,
        };
        problems.extend(crate::fonts::check(&root, &config));
        let refs = photo_refs::collect(&root, &config, &catalog, &mut problems);
        let photos: Vec<_> = refs
            .iter()
            .map(|r| (r.named_in.clone(), r.spec, r.in_grid))
            .collect();
        let sources = SourceIndex::load(Some(&cache_dir));
        let mut remote_warnings = Vec::new();
        let remote = open_remote(opts.cache_url.as_deref(), &mut remote_warnings)?;
        let plan = ImagePlan::make(&root, &photos, &config.images, &sources).unwrap_or_else(|d| {
            problems.extend(d);
            ImagePlan::default()
        });
        let strings = match tables.first() {
            Some(s) if problems.is_empty() => s.clone(),
            _ => {
                // In the texts as they were read: under `serve` a file may have changed since.
                let kept = std::iter::once(&config.source).chain(catalog.sources());
                crate::error::place_all(&mut problems, kept);
                problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
                return Err(Error::Site(problems));
            }
        };
        let today = crate::date::today();
        let mut warnings = crate::lint::warnings(&root, &config, &catalog, &plan, &today);
        warnings.extend(catalog.warnings.iter().cloned());
        warnings.extend(strings_warnings);
        warnings.extend(remote_warnings);
        warnings.extend(localize::coverage(&config, &catalog, &pages));
        crate::error::place_all(
            &mut warnings,
            std::iter::once(&config.source).chain(catalog.sources()),
        );
        // The seller asked for it (a default is no request): say why pages are larger.
        let asked = |l: &str| l.split('#').next().unwrap_or("").trim() == "minify: true";
        if !cfg!(feature = "minify") && config.source.text().lines().any(asked) {
            warnings.push(
                Diagnostic::new(
                    "site.yaml",
                    "minify: true, but this minisite was built without its minifier: pages are written unminified",
                )
                .field("minify")
                .help("install minisite with it: cargo install --path . --features minify"),
            );
        }
        if config.base_url.is_none() {
            warnings.push(
                Diagnostic::new(
                    "site.yaml",
                    "no base_url: canonical links, sitemap.xml and link previews need the site's address",
                )
                .help("add base_url: https://www.your-shop.com/ (or pass --base-url)"),
            );
        }
        let links = std::sync::Arc::new(localize::links(&config, &tables));
        let plan = std::sync::Arc::new(plan);
        let translations = config
            .languages
            .iter()
            .zip(tables.iter().skip(1))
            .map(|((code, texts), strings)| {
                let (localized, lang_of) = localize::config(&config, code, texts);
                Site {
                    root: root.clone(),
                    catalog: localize::catalog(&catalog, code, &config),
                    pages: localize::pages(&pages, code, &config.language),
                    config: localized,
                    theme: theme.clone(),
                    strings: strings.clone(),
                    plan: plan.clone(),
                    lang: Lang::new(code, &config.language),
                    links: links.clone(),
                    lang_of,
                    translations: Vec::new(),
                    today,
                    logo: logo.clone(),
                    warnings: Vec::new(),
                    cache_dir: cache_dir.clone(),
                    sources: SourceIndex::default(),
                    parsed: Default::default(),
                    remote: remote.clone(),
                }
            })
            .collect();
        Ok(Site {
            lang: Lang::new(&config.language, &config.language),
            root,
            config,
            theme,
            strings,
            catalog,
            pages,
            plan,
            links,
            lang_of: Default::default(),
            translations,
            today,
            logo,
            warnings,
            cache_dir,
            sources,
            parsed: std::sync::Mutex::new(parsed),
            remote,
        })
    }

    /// The site in every language: itself, then its translations.
    pub fn languages(&self) -> impl Iterator<Item = &Site> {
        std::iter::once(self).chain(&self.translations)
    }

    /// Deletes cache entries this site does not use; returns (files, bytes) removed.
    pub fn prune_cache(&self) -> Result<(usize, u64)> {
        let keep: std::collections::HashSet<&str> = self
            .plan
            .sets
            .values()
            .flat_map(|s| s.all().map(|v| v.key.as_str()))
            .collect();
        Cache::new(self.cache_dir.clone())
            .prune(&keep)
            .map_err(|e| Error::io(&self.cache_dir, e))
    }

    /// Where the stamps of the output at `output` (see [`Published::save_stamps`]) are kept: in
    /// the cache folder, one file per output folder.
    fn stamps_file(&self, output: &Path) -> PathBuf {
        let name = blake3::hash(output.as_os_str().as_encoded_bytes()).to_hex();
        self.cache_dir.join("stamps").join(&name[..32])
    }

    pub fn default_output(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Renders every page and writes the whole site; the output changes only if all of it succeeded.
    pub fn build(&self, opts: &BuildOptions) -> Result<BuildReport> {
        let started = Instant::now();
        let output = output::absolute(&opts.output.clone().unwrap_or_else(|| self.default_output()));
        output::check_output_location(&self.root, &output)?;
        let staging = Staging::begin(&output, opts.force)?;
        // Once the output is known to be a place a build may write: a refused build writes
        // nothing, not even into the cache.
        self.save_parsed();
        // What the output has now and was made from: files made from the same inputs are kept.
        let stamps = self.stamps_file(&output);
        let mut last = Published::read(&output);
        if let Some(l) = &mut last {
            l.read_stamps(&stamps);
        }
        let statics = assets::statics(self)?;
        let renderer = self.renderer(&statics);
        let input = publish::Input {
            site: self,
            statics: &statics,
            renderer: &renderer,
            last: last.as_ref(),
            known: |_: &str, _: &Product| None,
            keep_memos: false,
            exits_after: opts.exits_after,
        };
        let sink = publish::Folder::new(&staging, opts.progress, &output, last.as_ref());
        let mut done = if self.config.compress {
            let packing = crate::compress::Compressing::new(&sink, last.as_ref());
            let mut done = publish::publish(input, &packing)?;
            packing.finish(&mut done.published);
            done
        } else {
            publish::publish(input, &sink)?
        };
        let manifest = done.published.manifest();
        if sink.unchanged(&manifest) {
            // The output is already what the swap would put in its place: it stays, and the
            // staging folder (the marker and photos) goes when dropped.
            done.published.stamp(&output);
        } else {
            sink.link_kept()?;
            done.published.stamp(staging.root());
            staging.write(output::MARKER, manifest.as_bytes())?;
            staging.commit()?;
        }
        done.published.save_stamps(&stamps, &manifest);
        self.save_index();
        let report = BuildReport {
            output,
            pages: done.pages,
            rendered: done.rendered,
            images: match &done.photos {
                PhotoWork::Made(stats) => *stats,
                PhotoWork::Queued(_) => ImageStats::default(),
            },
            elapsed: started.elapsed(),
        };
        if opts.exits_after {
            std::mem::forget((renderer, done, statics, last));
        }
        Ok(report)
    }

    pub fn cache(&self) -> Cache {
        Cache::new(self.cache_dir.clone())
    }

    /// The image cache's shared second tier, if `--cache-url` gave one that opened.
    pub fn remote(&self) -> Option<&Remote> {
        self.remote.as_deref()
    }

    /// What the shared image cache did wrong during the build: one warning at most, since a
    /// store that fails is not asked again.
    pub fn remote_warnings(&self) -> Vec<Diagnostic> {
        let Some(remote) = &self.remote else {
            return Vec::new();
        };
        remote
            .trouble()
            .map(|e| remote_warning(remote.url(), &e))
            .into_iter()
            .collect()
    }

    /// The colour transparent photos are flattened on.
    pub fn background(&self) -> [u8; 3] {
        self.config.brand.colors.background.rgb()
    }

    /// The logo's file in the site, if it has one.
    pub fn logo_path(&self) -> Option<&Path> {
        self.logo.as_deref()
    }

    /// The absolute address of site path `path` (a page's in this site's language), when the
    /// site has a `base_url`.
    pub fn absolute(&self, path: &str) -> Option<String> {
        seo::absolute(&self.config, path)
    }

    /// The template engine, with `asset()` links versioned by the content of `statics`.
    pub fn renderer(&self, statics: &[assets::Asset]) -> Renderer {
        Renderer::new(
            &self.theme,
            self.config.clean_links,
            assets::versions(statics),
            self.languages().map(|s| s.strings.clone()).collect(),
        )
    }

    /// Learns each photo's average colour, from the source index or from a variant in the cache;
    /// photos with no variant made yet get none.
    pub fn note_colors(&self) {
        let colors = images::run::colors(&self.plan, &self.cache(), &self.sources, self.background());
        let _ = self.plan.colors.set(colors);
    }

    /// Saves what was learnt of the photos (hashes, sizes, colours) for the next build; only a
    /// speed-up, so failing to save is not an error.
    pub fn save_index(&self) {
        let _ = self.sources.save();
        self.save_parsed();
    }

    /// Writes what the load learnt into the parse cache, if it has not been yet, and lets it go:
    /// [`Site::build`] does so before its pages, so that the entries made (the size of the
    /// catalogue) are not held through them. `check` never does: it writes nothing.
    pub fn save_parsed(&self) {
        if let Some(parsed) = self.parsed_out() {
            parsed.save();
        }
    }

    fn parsed_out(&self) -> Option<ParseCache> {
        self.parsed.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Opens `--cache-url`'s store. A store that cannot be used costs only speed: a warning (in
/// `warnings`), and the build makes its photos here. Asking for one from a minisite built without
/// the client is a usage error, since it was asked for by name.
fn open_remote(url: Option<&str>, warnings: &mut Vec<Diagnostic>) -> Result<Option<std::sync::Arc<Remote>>> {
    let Some(url) = url else {
        return Ok(None);
    };
    if !Remote::BUILT_IN {
        return Err(Error::Usage(format!(
            "--cache-url {url}: this minisite was built without the shared image cache; \
             install it with: cargo install --path . --features remote-cache (or leave out --cache-url)"
        )));
    }
    match Remote::open(url) {
        Ok(r) => Ok(Some(std::sync::Arc::new(r))),
        Err(e) => {
            warnings.push(remote_warning(url, &e));
            Ok(None)
        }
    }
}

fn remote_warning(url: &str, error: &str) -> Diagnostic {
    Diagnostic::new(
        "--cache-url",
        format!("the shared image cache {url} could not be used ({error}); photos were made on this machine instead"),
    )
    .help("check the URL and the store's credentials in the environment (AWS_ACCESS_KEY_ID, AWS_ENDPOINT, …); the build does not depend on it, it is only slower without it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(feature = "remote-cache"))]
    #[test]
    fn a_cache_url_without_the_feature_is_a_usage_error_saying_how_to_install() {
        let mut warnings = Vec::new();
        match open_remote(Some("s3://bucket/prefix"), &mut warnings) {
            Err(Error::Usage(m)) => assert!(m.contains("--features remote-cache"), "{m}"),
            other => panic!("not a usage error: {:?}", other.map(|r| r.is_some())),
        }
    }

    #[cfg(feature = "remote-cache")]
    #[test]
    fn a_cache_url_that_cannot_be_used_is_a_warning_naming_it() {
        let mut warnings = Vec::new();
        assert!(matches!(
            open_remote(Some("ftp://host/x"), &mut warnings),
            Ok(None)
        ));
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].message.contains("ftp://host/x"),
            "{}",
            warnings[0].message
        );
    }
}
