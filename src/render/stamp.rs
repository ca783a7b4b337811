//! Page stamps: the one rule for what a page depends on (see [`Stamp`]).

use super::views::SiteView;
use super::{value, RenderInput};
use crate::hash::fingerprint::{self, Fingerprinter};
use crate::model::urls::UrlStyle;
use crate::Lang;
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::Hasher;

/// A value of a page's context. It is hashed for the page's stamp, and
/// converted for tera only when the page has to be rendered.
pub(super) trait ContextValue: Sync {
    fn feed(&self, hasher: &mut Fingerprinter);
    fn to_value(&self) -> tera::Value;
}

impl<T: Serialize + Sync> ContextValue for T {
    fn feed(&self, hasher: &mut Fingerprinter) {
        fingerprint::feed(hasher, self);
    }

    fn to_value(&self) -> tera::Value {
        value(self)
    }
}

/// How pages are stamped. A page `build` writes ends with a comment holding
/// a hash of everything it is rendered from: the code of this binary, the
/// options, the theme's templates, the site config, the language's site
/// view and UI strings, the template name and the page's context. A later
/// build that finds the same stamp at the end of the file knows the page
/// would come out the same, and skips rendering, minifying and writing it:
/// that is most of a rebuild's work. Templates see nothing else (tera has
/// no I/O and our filters read only the unit catalogue, which comes from
/// the config), so the stamp covers all a page depends on.
pub(super) struct Stamp {
    /// The fingerprint of what all pages of a language share.
    per_lang: BTreeMap<Lang, u64>,
}

impl Stamp {
    pub(super) fn new(input: &RenderInput<'_>, sites: &BTreeMap<Lang, SiteView<'_>>) -> Stamp {
        let mut shared = Fingerprinter::new();
        shared.write(env!("BRIEFING_SOURCE_HASH").as_bytes());
        shared.write(env!("CARGO_PKG_VERSION").as_bytes());
        shared.write_u8(u8::from(input.options.minify));
        shared.write_u8(u8::from(input.options.style == UrlStyle::Offline));
        fingerprint::feed(&mut shared, &input.theme.templates);
        fingerprint::feed(&mut shared, input.config);
        let per_lang = sites
            .iter()
            .map(|(&lang, site)| {
                let mut hasher = shared.clone();
                fingerprint::feed(&mut hasher, &(lang, site, input.theme.i18n.get(&lang)));
                (lang, hasher.finish())
            })
            .collect();
        Stamp { per_lang }
    }

    /// Starts the stamp of a page rendered with `template` in `lang`.
    pub(super) fn start(&self, template: &str, lang: Lang) -> PageStamp {
        let mut hasher = Fingerprinter::new();
        hasher.write_u64(self.per_lang[&lang]);
        hasher.write(template.as_bytes());
        PageStamp(hasher)
    }
}

/// A page's stamp being computed, one context entry after another.
pub(super) struct PageStamp(Fingerprinter);

impl PageStamp {
    pub(super) fn add(&mut self, key: &str, value: &dyn ContextValue) {
        fingerprint::feed(&mut self.0, key);
        value.feed(&mut self.0);
    }

    /// The comment the page ends with.
    pub(super) fn finish(self) -> String {
        format!("{STAMP_START}{:016x}{STAMP_END}", self.0.finish())
    }
}

pub(super) const STAMP_START: &str = "\n<!-- briefing ";
pub(super) const STAMP_END: &str = " -->\n";
pub(super) const STAMP_LEN: usize = STAMP_START.len() + 16 + STAMP_END.len();

/// A page without the stamp that ends it: what readers see. Two pages can
/// differ only in their stamps when a page's context holds something its
/// template does not show.
pub(crate) fn unstamped(page: &[u8]) -> &[u8] {
    let stamped = page.len() >= STAMP_LEN
        && page.ends_with(STAMP_END.as_bytes())
        && page[page.len() - STAMP_LEN..].starts_with(STAMP_START.as_bytes());
    if stamped {
        &page[..page.len() - STAMP_LEN]
    } else {
        page
    }
}
