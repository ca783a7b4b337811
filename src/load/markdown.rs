//! Markdown to HTML, with CJK-aware line joining, heading ids and a table of
//! contents, plus the plain text of the document for search and summaries.

use crate::model::content::{Rendered, TocEntry};
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `markdown`. `rewrite_link(destination, is_image)` may replace a
/// link or image destination (e.g. a link to another report's `.md` file
/// becomes that page's URL).
pub fn render(markdown: &str, rewrite_link: &dyn Fn(&str, bool) -> Option<String>) -> Rendered {
    let mut events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    join_cjk_line_breaks(&mut events);
    let toc = assign_heading_ids(&mut events);
    for ev in &mut events {
        let (dest_url, image) = match ev {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => continue,
        };
        if let Some(new) = rewrite_link(dest_url, image) {
            *dest_url = CowStr::from(new);
        }
    }
    let text = plain_text(&events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html, events.into_iter());
    Rendered {
        html: exact(html),
        toc,
        text: exact(text),
    }
}

/// `s` in a buffer of its own length. The site model holds every body for
/// the whole build, so no spare room; `shrink_to_fit` does not do: an
/// allocator may keep a block that shrinks by less than half in place
/// (mimalloc, the binary's, does).
fn exact(s: String) -> String {
    if s.capacity() == s.len() {
        return s;
    }
    s.as_str().to_owned()
}

/// Is `c` an East Asian wide character (CJK ideographs, kana, hangul,
/// fullwidth forms and CJK punctuation)?
pub(crate) fn is_east_asian_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x2FFFD
        | 0x30000..=0x3FFFD)
}

/// Punctuation of ambiguous width that, in Chinese text, sits against
/// ideographs without spaces: curly quotes, dashes, ellipsis, middle dot.
fn is_cjk_context_punct(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Whether a soft line break between the text `before` and the text `after`
/// should vanish. Like Pandoc's `east_asian_line_breaks`, it vanishes between
/// two wide characters. Curly quotes, dashes and the like are looked through:
/// in `“甲”\n“乙”` the decision is made on 甲 and 乙.
pub(crate) fn break_vanishes(before: &str, after: &str) -> bool {
    let a = before.chars().rev().find(|&c| !is_cjk_context_punct(c));
    let b = after.chars().find(|&c| !is_cjk_context_punct(c));
    matches!((a, b), (Some(a), Some(b)) if is_east_asian_wide(a) && is_east_asian_wide(b))
}

/// Inline container events we look through when finding neighbouring text.
fn is_inline_boundary(ev: &Event<'_>) -> bool {
    matches!(
        ev,
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link)
    )
}

fn neighbour_text<'e>(mut it: impl Iterator<Item = &'e Event<'e>>) -> Option<&'e str> {
    it.find_map(|ev| match ev {
        Event::Text(t) | Event::Code(t) => Some(Some(t.as_ref())),
        ev if is_inline_boundary(ev) => None,
        _ => Some(None),
    })
    .flatten()
}

fn join_cjk_line_breaks(events: &mut [Event<'_>]) {
    for i in 0..events.len() {
        if !matches!(events[i], Event::SoftBreak) {
            continue;
        }
        let vanish = match (
            neighbour_text(events[..i].iter().rev()),
            neighbour_text(events[i + 1..].iter()),
        ) {
            (Some(a), Some(b)) => break_vanishes(a, b),
            _ => false,
        };
        if vanish {
            events[i] = Event::Text(CowStr::Borrowed(""));
        }
    }
}

/// A URL-fragment id for heading text: letters and digits of any script are
/// kept (Chinese ids are fine), ASCII is lower-cased, runs of anything else
/// become one `-`.
pub(crate) fn slugify_heading(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_' || c.is_ascii_punctuation())
            && !id.ends_with('-')
            && !id.is_empty()
        {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "section".to_string()
    } else {
        id.to_string()
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

fn assign_heading_ids(events: &mut [Event<'_>]) -> Vec<TocEntry> {
    let mut used = HashSet::new();
    let mut toc = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = heading_level(*level);
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| slugify_heading(&text));
            let mut unique = base.clone();
            let mut n = 1;
            while !used.insert(unique.clone()) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            if level == 2 || level == 3 {
                toc.push(TocEntry {
                    level,
                    id: unique,
                    text: text.trim().to_string(),
                });
            }
            i = j;
        }
        i += 1;
    }
    toc
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut out = String::new();
    let sep = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for ev in events {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => sep(&mut out),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => sep(&mut out),
            _ => {}
        }
    }
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, &|_, _| None).html
    }

    #[test]
    fn cjk_line_joining_table() {
        let cases = [
            (
                "晋城经开区锚定\n光机电产业",
                "<p>晋城经开区锚定光机电产业</p>\n",
            ),
            (
                "提供资金支持近\n30 亿元",
                "<p>提供资金支持近\n30 亿元</p>\n",
            ),
            ("打造“消费品\n特色园区”", "<p>打造“消费品特色园区”</p>\n"),
            ("“职能定位”\n“有钱干事”", "<p>“职能定位”“有钱干事”</p>\n"),
            ("推进，\n建设。", "<p>推进，建设。</p>\n"),
            ("the quick\nbrown fox", "<p>the quick\nbrown fox</p>\n"),
            ("富士康\nFoxconn", "<p>富士康\nFoxconn</p>\n"),
            ("he said.”\n“Next", "<p>he said.”\n“Next</p>\n"),
            ("**加粗**\n文本", "<p><strong>加粗</strong>文本</p>\n"),
            ("产业\n[链接](x)", "<p>产业<a href=\"x\">链接</a></p>\n"),
        ];
        for (md, want) in cases {
            assert_eq!(html(md), want, "input {md:?}");
        }
    }

    #[test]
    fn plain_text_has_no_space_between_joined_cjk_lines() {
        let r = render(
            "## 要点\n\n晋城\n经开区\n\n<script>x()</script>\n\nend",
            &|_, _| None,
        );
        assert_eq!(r.text, "要点 晋城经开区 end");
    }

    #[test]
    fn heading_ids_are_stable_unique_and_allow_chinese() {
        let r = render(
            "## 要点\n\n## 要点\n\n### Key points: 2025!\n\n## Own {#mine}\n",
            &|_, _| None,
        );
        let ids: Vec<_> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["要点", "要点-1", "key-points-2025", "mine"]);
        assert!(r.html.contains("<h2 id=\"要点-1\">"));
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let h = html("|a|b|\n|-|-|\n|1|2|\n\n~~x~~ y[^1]\n\n[^1]: note\n");
        assert!(h.contains("<table>"));
        assert!(h.contains("<del>x</del>"));
        assert!(h.contains("footnote-definition"));
    }

    #[test]
    fn links_can_be_rewritten() {
        let r = render("[a](other.md) ![b](img.png)", &|u, _| {
            (u == "other.md").then(|| "../other/".to_string())
        });
        assert!(r.html.contains("href=\"../other/\""));
        assert!(r.html.contains("src=\"img.png\""));
    }

    #[test]
    fn slugify() {
        assert_eq!(slugify_heading("Hello, World"), "hello-world");
        assert_eq!(slugify_heading("  "), "section");
        assert_eq!(slugify_heading("一是 政策"), "一是-政策");
    }
}
