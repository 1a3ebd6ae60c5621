//! Rebuild when a theme file changes: the themes are embedded with include_dir!, which cargo
//! cannot see. Also gives the code an id (`MINISITE_CODE_ID`), so a build can tell output
//! written by other code (whose pages may differ for the same data) from its own. And stops a
//! build on x86 without `nasm`, which would give a binary with slower JPEG code.
use std::hash::{Hash, Hasher};

fn main() {
    require_nasm();
    println!("cargo:rerun-if-changed=themes");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=vendor/pagefind");
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    collect(std::path::Path::new("src"), &mut files);
    // The patched Pagefind writes the search bundle: its code and assets are the output's too.
    collect(std::path::Path::new("vendor/pagefind"), &mut files);
    files.push("Cargo.lock".into());
    files.sort();
    // Only compared with ids from the same build of minisite, so std's hasher (not stable across
    // Rust versions) is enough: a new compiler makes a new binary, whose id may differ anyway.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in &files {
        f.hash(&mut h);
        std::fs::read(f).unwrap_or_default().hash(&mut h);
    }
    println!("cargo:rustc-env=MINISITE_CODE_ID={:016x}", h.finish());
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The opt-out of [`require_nasm`].
const WITHOUT_SIMD: &str = "MINISITE_JPEG_WITHOUT_SIMD";

/// On x86, mozjpeg-sys builds libjpeg-turbo's SIMD only when `nasm` runs (it asks the same
/// way: `nasm -v` on the PATH); without it, it quietly builds plain C, and every JPEG a site
/// has is decoded and encoded slower (the 47-photo job of bench/images.sh: 7.64 s against
/// 6.24 s, 15.2 against 12.4 CPU-seconds). A user who followed the README would get the slow
/// binary without knowing, so the build stops and says what to install, unless asked not to.
fn require_nasm() {
    println!("cargo:rerun-if-env-changed={WITHOUT_SIMD}");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if !matches!(arch.as_str(), "x86_64" | "x86") || std::env::var_os(WITHOUT_SIMD).is_some_and(|v| v == "1")
    {
        return;
    }
    let version = std::process::Command::new("nasm")
        .arg("-v")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    // mozjpeg-sys refuses these too ("outdated and useless").
    let found = version.as_deref().filter(|v| !v.contains("NASM version 0."));
    if found.is_none() {
        eprintln!(
            "minisite needs nasm to build its fast JPEG code (libjpeg-turbo's SIMD, in mozjpeg):
without it every JPEG is decoded and encoded about 1.2 times slower.

  Install it and build again:
    Debian, Ubuntu:  apt-get install nasm
    Fedora:          dnf install nasm
    macOS:           brew install nasm
    Windows:         winget install nasm  (and open a new terminal)

  Or build the slower JPEG code on purpose: {WITHOUT_SIMD}=1 cargo build ...
  (`minisite --version` says which JPEG code a binary has.)"
        );
        std::process::exit(1);
    }
}
