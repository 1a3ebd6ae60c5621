//! Rebuild when a theme file changes: the themes are embedded with include_dir!, which cargo
//! cannot see. Also gives the code an id (`MINISITE_CODE_ID`), so a build can tell output
//! written by other code (whose pages may differ for the same data) from its own.
use std::hash::{Hash, Hasher};

fn main() {
    println!("cargo:rerun-if-changed=themes");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    collect(std::path::Path::new("src"), &mut files);
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
