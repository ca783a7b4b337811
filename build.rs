//! Embeds the default theme (`themes/default/`) in the binary, so a site
//! without a `themes/` folder still builds and `briefing init` can write it
//! out. Generates `$OUT_DIR/default_theme.rs`: a sorted list of
//! `(path below the theme folder, bytes)`.
//!
//! Also sets `BRIEFING_SOURCE_HASH`, a fingerprint of `src/` and
//! `Cargo.lock`: pages carry a stamp of what they were rendered from, and a
//! binary built from other code (ours, or another version of tera or
//! minify-html) must not trust the stamps of an older one.

// The stable hash the library uses too (src/hash/fnv.rs): one definition.
#[path = "src/hash/fnv.rs"]
mod fnv;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let theme = root.join("themes").join("default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    walk(&theme, &theme, &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for (rel, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    out.push_str("]\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("default_theme.rs");
    std::fs::write(dest, out).expect("cannot write default_theme.rs");

    let src = root.join("src");
    println!("cargo:rerun-if-changed={}", src.display());
    let mut sources = Vec::new();
    walk(&src, &src, &mut sources);
    sources.sort();
    let lock = root.join("Cargo.lock");
    if lock.is_file() {
        sources.push(("Cargo.lock".to_string(), lock));
    }
    // FNV-1a over every file's path and bytes, in path order.
    let mut hash = fnv::Fnv1a::default();
    for (rel, path) in &sources {
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(path).expect("cannot read a source file");
        hash.write(rel.as_bytes());
        hash.write(&[0]);
        hash.write(&bytes);
    }
    println!("cargo:rustc-env=BRIEFING_SOURCE_HASH={:016x}", hash.0);
}

/// Every file below `dir` as (`/`-separated path relative to `base`, path).
fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            walk(base, &path, out);
        } else {
            let rel = path.strip_prefix(base).expect("below base");
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((rel.join("/"), path));
        }
    }
}
