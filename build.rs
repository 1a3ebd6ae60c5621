//! Rebuild when a theme file changes: the themes are embedded with include_dir!, which cargo cannot see.
fn main() {
    println!("cargo:rerun-if-changed=themes");
}
