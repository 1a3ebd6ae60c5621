use std::path::PathBuf;
use std::time::Duration;

use crate::index::PagefindIndexes;
use crate::{SearchOptions, PAGEFIND_VERSION};
// minisite patch: the compressed files are written by libdeflate (gzip_chunks).
use futures::future::join_all;
use rayon::prelude::*;
use std::collections::BTreeMap;
use include_dir::{include_dir, Dir};
use minifier::js::minify;
use tokio::fs::{create_dir_all, File};
use tokio::io::AsyncWriteExt;
use tokio::time::sleep;

mod entry;

const GENERIC_WEB_WASM: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/wasm/pagefind_web_bg.unknown.",
    env!("CARGO_PKG_VERSION"),
    ".wasm.gz"
));
const WEB_WASM_FILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/vendor/wasm");

const WEB_JS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_web.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WEB_UI_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_ui.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WEB_UI_CSS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_ui.",
    env!("CARGO_PKG_VERSION"),
    ".css"
));
const WEB_MODULAR_UI_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_modular_ui.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WEB_MODULAR_UI_CSS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_modular_ui.",
    env!("CARGO_PKG_VERSION"),
    ".css"
));
const COMPONENT_UI_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_component_ui.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const COMPONENT_UI_CSS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_component_ui.",
    env!("CARGO_PKG_VERSION"),
    ".css"
));
const SEARCH_JS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_public_search_api.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const HIGHLIGHT_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_highlight.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));
const WORKER_JS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/vendor/pagefind_worker.",
    env!("CARGO_PKG_VERSION"),
    ".js"
));

pub struct LanguageMeta {
    pub page_count: usize,
    pub language: String,
    pub hash: String,
    pub wasm: Option<String>,
}

pub async fn write_common_to_disk(
    language_indexes: Vec<LanguageMeta>,
    output_playground: bool,
    outdir: &PathBuf,
    options: &SearchOptions,
) {
    write_common(language_indexes, output_playground, outdir, options, false).await;
}

pub async fn write_common_to_memory(
    language_indexes: Vec<LanguageMeta>,
    output_playground: bool,
    outdir: &PathBuf,
    options: &SearchOptions,
) -> Vec<SyntheticFile> {
    write_common(language_indexes, output_playground, outdir, options, true)
        .await
        .unwrap()
}

async fn write_common(
    language_indexes: Vec<LanguageMeta>,
    output_playground: bool,
    outdir: &PathBuf,
    options: &SearchOptions,
    synthetic: bool,
) -> Option<Vec<SyntheticFile>> {
    let js_version = format!("const pagefind_version = \"{PAGEFIND_VERSION}\";");
    let mut js = vec![];
    minify(&format!("{js_version}\n{WEB_JS}\n{SEARCH_JS}"))
        .expect("Minifying Pagefind JS failed")
        .write(&mut js)
        .expect("Writing minified Pagefind JS failed");

    let mut worker_js = vec![];
    minify(&format!(
        "{js_version}\n{WEB_JS}\n{}",
        String::from_utf8_lossy(WORKER_JS)
    ))
    .expect("Minifying Pagefind Worker JS failed")
    .write(&mut worker_js)
    .expect("Writing minified Pagefind Worker JS failed");

    let entry_meta = entry::PagefindEntryMeta {
        version: PAGEFIND_VERSION,
        languages: BTreeMap::from_iter(language_indexes.into_iter().map(|i| {
            (
                i.language,
                entry::PagefindEntryLanguage {
                    hash: i.hash,
                    wasm: i.wasm,
                    page_count: i.page_count,
                },
            )
        })),
        include_characters: options.include_characters.clone(),
    };
    let encoded_entry_meta = serde_json::to_string(&entry_meta).unwrap();

    let write_behavior = if synthetic {
        WriteBehavior::Synthetic
    } else {
        WriteBehavior::Disk
    };

    let mut files = vec![
        write(
            outdir.join("pagefind.js"),
            vec![&js],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-highlight.js"),
            vec![HIGHLIGHT_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-worker.js"),
            vec![&worker_js],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-ui.js"),
            vec![WEB_UI_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-ui.css"),
            vec![WEB_UI_CSS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-modular-ui.js"),
            vec![WEB_MODULAR_UI_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-modular-ui.css"),
            vec![WEB_MODULAR_UI_CSS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-component-ui.js"),
            vec![COMPONENT_UI_JS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-component-ui.css"),
            vec![COMPONENT_UI_CSS],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("wasm.unknown.pagefind"),
            vec![GENERIC_WEB_WASM],
            Compress::None,
            write_behavior,
        ),
        write(
            outdir.join("pagefind-entry.json"),
            vec![encoded_entry_meta.as_bytes()],
            Compress::None,
            write_behavior,
        ),
    ];

    if output_playground {
        files.extend([
            write(
                outdir.join("playground/index.html"),
                vec![crate::playground::PLAYGROUND_HTML.as_bytes()],
                Compress::None,
                write_behavior,
            ),
            write(
                outdir.join("playground/pagefind-playground.js"),
                vec![crate::playground::PLAYGROUND_JS.as_bytes()],
                Compress::None,
                write_behavior,
            ),
            write(
                outdir.join("playground/pagefind-playground.css"),
                vec![crate::playground::PLAYGROUND_CSS.as_bytes()],
                Compress::None,
                write_behavior,
            ),
        ]);
    }

    let output_files = join_all(files).await;

    if synthetic {
        Some(output_files.into_iter().flatten().collect())
    } else {
        None
    }
}

impl PagefindIndexes {
    fn lang_wasm_path(&self) -> Option<String> {
        let base_language = self.language.split('-').next().unwrap();
        let wasm_path = format!(
            "pagefind_web_bg.{}.{}.wasm.gz",
            base_language,
            env!("CARGO_PKG_VERSION")
        );

        if WEB_WASM_FILES.contains(&wasm_path) {
            Some(wasm_path)
        } else {
            None
        }
    }

    pub fn get_lang_meta(&self, options: &SearchOptions) -> LanguageMeta {
        let mut wasm_file = None;

        if self.language != "unknown" {
            if self.lang_wasm_path().is_some() {
                wasm_file = Some(self.language.to_string());
            } else {
                options.logger.v_warn(format!(
                    "Note: Pagefind doesn't support stemming for the language {}. \n\
                    Search will still work, but will not match across root words.",
                    self.language
                ));
            }
        }

        LanguageMeta {
            page_count: self.page_count,
            language: self.language.clone(),
            hash: self.meta_index.0.clone(),
            wasm: wasm_file,
        }
    }

    pub async fn write_files_to_disk(&self, options: &SearchOptions, outdir: &PathBuf) {
        self.write_files(options, outdir, false).await;
    }

    pub async fn write_files_to_memory(
        &self,
        options: &SearchOptions,
        outdir: &PathBuf,
    ) -> Vec<SyntheticFile> {
        self.write_files(options, outdir, true).await.unwrap()
    }

    async fn write_files(
        &self,
        options: &SearchOptions,
        outdir: &PathBuf,
        synthetic: bool,
    ) -> Option<Vec<SyntheticFile>> {
        let immutable_write_behaviour = if synthetic {
            WriteBehavior::Synthetic
        } else {
            WriteBehavior::Immutable
        };

        let mut files = vec![write(
            outdir.join(format!("pagefind.{}.pf_meta", &self.meta_index.0)),
            vec![&self.meta_index.1],
            // minisite patch: the one file every search loads first at libdeflate's best level.
            Compress::GZ(12),
            immutable_write_behaviour,
        )];

        if self.language != "unknown" {
            if let Some(wasm_path) = self.lang_wasm_path() {
                files.push(write(
                    outdir.join(format!("wasm.{}.pagefind", self.language)),
                    vec![WEB_WASM_FILES
                        .get_file(wasm_path)
                        .expect("WASM should exist")
                        .contents()],
                    Compress::None,
                    if synthetic {
                        WriteBehavior::Synthetic
                    } else {
                        WriteBehavior::Disk
                    },
                ));
            } else {
                options.logger.v_warn(format!(
                    "Note: Pagefind doesn't support stemming for the language {}. \n\
                    Search will still work, but will not match across root words.",
                    self.language
                ));
            }
        }

        // minisite patch: in memory, the fragments and index chunks (thousands of small files,
        // each gzipped at the best level) are compressed on rayon's threads rather than one
        // after another on the async task's thread. The filter files (one per filter, loaded
        // whole when a page filters) are at libdeflate's best level, as the metadata file.
        let level = options.compression_level;
        let gz_files = self
            .fragments
            .iter()
            .map(|(hash, fragment)| {
                (
                    outdir.join(format!("fragment/{}.pf_fragment", hash)),
                    fragment.as_bytes(),
                    level,
                )
            })
            .chain(self.word_indexes.iter().map(|(hash, index)| {
                (outdir.join(format!("index/{}.pf_index", hash)), &index[..], level)
            }))
            .chain(self.filter_indexes.iter().map(|(hash, index)| {
                (outdir.join(format!("filter/{}.pf_filter", hash)), &index[..], 12)
            }));
        if synthetic {
            let gz_files: Vec<_> = gz_files.collect();
            let mut output_files: Vec<SyntheticFile> = join_all(files)
                .await
                .into_iter()
                .flatten()
                .collect();
            output_files.par_extend(gz_files.into_par_iter().map(|(filename, content, level)| {
                SyntheticFile {
                    filename,
                    contents: gzip(vec![content], level),
                }
            }));
            return Some(output_files);
        }
        files.extend(gz_files.map(|(filename, content, level)| {
            write(filename, vec![content], Compress::GZ(level), immutable_write_behaviour)
        }));

        let output_files = join_all(files).await;
        if synthetic {
            Some(output_files.into_iter().flatten().collect())
        } else {
            None
        }
    }
}

thread_local! {
    /// minisite patch: one libdeflate compressor per thread and level, reused from file to file
    /// (a new one is a few hundred kilobytes of tables for each of ten thousand fragments), and
    /// the buffer a file's marked chunks are gathered in (libdeflate compresses one slice).
    static DEFLATE: std::cell::RefCell<(Vec<(u32, libdeflater::Compressor)>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Pagefind's compressed files: each chunk after its marker, gzipped (Pagefind: by flate2's
/// `GzEncoder` at zlib's best level).
/// minisite patch: by libdeflate at `level` (0–12; the `compression_level` option, 9 unless
/// set), which for these files is faster and smaller than zlib at each level: on 10,000
/// products the word index took 0.29 s at zlib's level 6 and 0.05 s at libdeflate's level 1,
/// the ten thousand fragments 0.20 s and 0.07 s, and the metadata file every search loads first
/// is 67.2 KB at zlib's level 9 and 58.1 KB at libdeflate's 12 (vendor/pagefind/PATCHES.md, 17).
fn gzip_chunks(content_chunks: Vec<&[u8]>, level: u32) -> std::io::Result<Vec<u8>> {
    let level = level.min(12);
    DEFLATE.with(|cell| {
        let (compressors, input) = &mut *cell.borrow_mut();
        input.clear();
        for chunk in content_chunks {
            input.extend_from_slice(b"pagefind_dcd");
            input.extend_from_slice(chunk);
        }
        let at = match compressors.iter().position(|(l, _)| *l == level) {
            Some(at) => at,
            None => {
                let lvl = libdeflater::CompressionLvl::new(level as i32)
                    .map_err(|_| std::io::Error::other(format!("no gzip level {level}")))?;
                compressors.push((level, libdeflater::Compressor::new(lvl)));
                compressors.len() - 1
            }
        };
        let compressor = &mut compressors[at].1;
        let mut out = vec![0; compressor.gzip_compress_bound(input.len())];
        let written = compressor
            .gzip_compress(input, &mut out)
            .map_err(std::io::Error::other)?;
        out.truncate(written);
        Ok(out)
    })
}

fn gzip(content_chunks: Vec<&[u8]>, level: u32) -> Vec<u8> {
    gzip_chunks(content_chunks, level).expect("gzip into memory cannot fail")
}

#[derive(Copy, Clone)]
enum Compress {
    /// minisite patch: with its level.
    GZ(u32),
    None,
}

#[derive(Copy, Clone)]
enum WriteBehavior {
    Synthetic,
    Immutable,
    Disk,
}

#[derive(Clone)]
pub struct SyntheticFile {
    pub filename: PathBuf,
    pub contents: Vec<u8>,
}

async fn write(
    filename: PathBuf,
    content_chunks: Vec<&[u8]>,
    compression: Compress,
    write_behavior: WriteBehavior,
) -> Option<SyntheticFile> {
    let mut file = None;

    match write_behavior {
        WriteBehavior::Synthetic => {}
        // For "immutable" (hashed) files, don't re-write them as the contents _should_ be unchanged.
        WriteBehavior::Immutable if filename.exists() => return None,
        WriteBehavior::Immutable | WriteBehavior::Disk => {
            if let Some(parent) = filename.parent() {
                create_dir_all(parent).await.unwrap();
            }

            let mut output_file = File::create(&filename).await;
            while output_file.is_err() {
                sleep(Duration::from_millis(100)).await;
                output_file = File::create(&filename).await;
            }
            file = output_file.ok();
        }
    };

    match compression {
        Compress::GZ(level) => {
            if let Ok(contents) = gzip_chunks(content_chunks, level) {
                if let Some(mut file) = file {
                    file.write_all(&contents).await.unwrap();
                    // `write_all` resolving only means the bytes are in tokio's
                    // buffer; the blocking-pool write to disk may still be in
                    // flight. Flush before the file drops, or a service-mode
                    // consumer can receive the WriteFiles acknowledgement and
                    // close the process while a file is half written, shipping
                    // a truncated asset.
                    file.flush().await.unwrap();
                } else {
                    return Some(SyntheticFile { filename, contents });
                }
            }
            None
        }
        Compress::None => {
            if let Some(mut file) = file {
                for chunk in content_chunks {
                    file.write_all(chunk).await.unwrap();
                }
                file.flush().await.unwrap();
                None
            } else {
                return Some(SyntheticFile {
                    filename,
                    contents: content_chunks.into_iter().flatten().cloned().collect(),
                });
            }
        }
    }
}

/// minisite patch: libdeflate's files are gzip that any reader (flate2's, the browser's) reads
/// back as Pagefind's marked chunks, the same bytes from a reused compressor as from a new one.
#[cfg(test)]
mod gzip_tests {
    use super::*;

    fn fresh(chunks: &[&[u8]], level: u32) -> Vec<u8> {
        let input: Vec<u8> = chunks
            .iter()
            .flat_map(|c| b"pagefind_dcd".iter().chain(c.iter()).copied())
            .collect();
        let mut c = libdeflater::Compressor::new(libdeflater::CompressionLvl::new(level as i32).unwrap());
        let mut out = vec![0; c.gzip_compress_bound(input.len())];
        let n = c.gzip_compress(&input, &mut out).unwrap();
        out.truncate(n);
        out
    }

    #[test]
    fn a_reused_compressor_writes_a_fresh_ones_bytes_and_gives_the_text_back() {
        // Text that compresses, and bytes that do not (a simple generator, no extra crate).
        let text: Vec<u8> = (0..300_000u32)
            .flat_map(|i| format!("word{} ", i % 977).into_bytes())
            .collect();
        let mut x = 12345u32;
        let noise: Vec<u8> = (0..200_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let cases: Vec<Vec<&[u8]>> = vec![
            vec![],
            vec![b""],
            vec![br#"{"url":"/p/1/","meta":{"title":"Gloves"}}"#],
            vec![&text],
            vec![&noise, &text[..1000], &noise[..10]],
            vec![br#"{"url":"/p/1/"}"#],
        ];
        for level in [9, 9, 6, 1, 0, 12, 6, 9] {
            for chunks in &cases {
                let ours = gzip_chunks(chunks.clone(), level).unwrap();
                assert_eq!(ours, fresh(chunks, level), "level {level}: a fresh compressor's bytes");
                let mut text = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&ours[..]), &mut text)
                    .unwrap();
                let want: Vec<u8> = chunks
                    .iter()
                    .flat_map(|c| b"pagefind_dcd".iter().chain(c.iter()).copied())
                    .collect();
                assert!(text == want, "level {level}: the text back");
            }
        }
        // Above libdeflate's best, its best.
        assert_eq!(gzip_chunks(vec![&text], 99).unwrap(), fresh(&[&text], 12));
    }
}
