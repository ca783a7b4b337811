//! Helpers shared by unit tests: a two-language config and content built
//! from in-memory files.

use crate::diag::Diagnostic;
use crate::load::config::Config;
use crate::load::content::{self};
use crate::load::sources::{InputFile, Sources};
use crate::model::content::Content;
use crate::model::units::UnitCatalog;
use crate::model::urls::UrlStyle;
use std::path::{Path, PathBuf};

/// A zh + en site published at `https://e.org/b/`.
pub fn config() -> Config {
    Config::parse(
        "title: t\nbase_url: https://e.org/b/\nlanguages: [zh, en]\n",
        Path::new("site.yaml"),
    )
    .unwrap()
}

/// A file at `content/<rel>`.
pub fn file(rel: &str, text: &str) -> InputFile {
    InputFile {
        display: PathBuf::from(format!("content/{rel}")),
        rel: rel.to_string(),
        text: text.to_string(),
    }
}

/// Loads `files` as the site's content (built-in units, online URLs),
/// leaving out the warnings about sections without a title (few test sites
/// have `_index` files; [`load_all`] keeps them).
pub fn load(files: Vec<InputFile>) -> (Content, Vec<Diagnostic>) {
    let (content, mut diags) = load_all(files);
    diags.retain(|d| !d.message.starts_with("the section has no"));
    (content, diags)
}

/// [`load`] with every diagnostic.
pub fn load_all(files: Vec<InputFile>) -> (Content, Vec<Diagnostic>) {
    let sources = Sources {
        files,
        ..Default::default()
    };
    content::load(
        &sources,
        &config(),
        &UnitCatalog::builtin(),
        UrlStyle::Online,
        false,
    )
}
