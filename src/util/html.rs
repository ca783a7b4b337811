//! One scanner for the HTML briefing wrote: `check` reads the start tags
//! of every page (links, anchors, images), and `archive` rewrites attribute
//! values of a report page by their byte ranges. Comments and the text of
//! `script` and `style` elements are skipped.

use std::borrow::Cow;
use std::ops::Range;

/// One start tag: its name (lower case) and attributes in order.
pub(crate) struct Tag<'a> {
    pub name: String,
    pub attrs: Vec<Attr<'a>>,
}

/// One attribute; `value` is raw (character references not decoded) and
/// `range` is where it lies in the document ("" for one without a value).
pub(crate) struct Attr<'a> {
    pub name: String,
    pub value: &'a str,
    pub range: Range<usize>,
}

impl Tag<'_> {
    /// The raw value of the attribute `name`, if the tag has it.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.name == name).map(|a| a.value)
    }
}

/// Every start tag of `html`, in document order.
pub(crate) fn start_tags(html: &str) -> Vec<Tag<'_>> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end = find_from(html, i, |c| c.is_ascii_whitespace() || c == '>' || c == '/');
        let name = html[i..name_end].to_ascii_lowercase();
        let (attrs, end) = attributes(html, name_end);
        i = end;
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = html[i..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(b.len(), |e| i + e);
        }
        tags.push(Tag { name, attrs });
    }
    tags
}

/// The first index at or after `from` whose character matches, or the end.
fn find_from(html: &str, from: usize, stop: impl Fn(char) -> bool) -> usize {
    html[from..].find(stop).map_or(html.len(), |e| from + e)
}

/// The attributes of a tag whose name ends at `j`, and where the tag ends.
fn attributes(html: &str, mut j: usize) -> (Vec<Attr<'_>>, usize) {
    let b = html.as_bytes();
    let skip_space = |j: &mut usize| {
        while b.get(*j).is_some_and(u8::is_ascii_whitespace) {
            *j += 1;
        }
    };
    let mut attrs = Vec::new();
    loop {
        while b
            .get(j)
            .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
        {
            j += 1;
        }
        match b.get(j) {
            None => break,
            Some(b'>') => {
                j += 1;
                break;
            }
            _ => {}
        }
        let key_end = find_from(html, j, |c| {
            c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/')
        });
        let name = html[j..key_end].to_ascii_lowercase();
        j = key_end;
        skip_space(&mut j);
        let mut range = j..j;
        if b.get(j) == Some(&b'=') {
            j += 1;
            skip_space(&mut j);
            (range, j) = value_at(html, j);
        }
        if name.is_empty() {
            j += 1;
            continue;
        }
        let value = &html[range.clone()];
        attrs.push(Attr { name, value, range });
    }
    (attrs, j.min(b.len()))
}

/// The range of an attribute value starting at `j` (quoted or not), and
/// where scanning goes on.
fn value_at(html: &str, j: usize) -> (Range<usize>, usize) {
    match html.as_bytes().get(j) {
        Some(&q @ (b'"' | b'\'')) => {
            let end = find_from(html, j + 1, |c| c == q as char);
            (j + 1..end, (end + 1).min(html.len()))
        }
        _ => {
            let end = find_from(html, j, |c| c.is_ascii_whitespace() || c == '>');
            (j..end, end)
        }
    }
}

/// `s` with its character references decoded (every named reference of
/// HTML, and numeric ones).
pub(crate) fn decode_entities(s: &str) -> Cow<'_, str> {
    html_escape::decode_html_entities(s)
}

/// `html` with the values of the attributes named in `names` replaced by
/// what `f` returns for (attribute, raw value); `None` keeps a value.
pub(crate) fn rewrite_attrs(
    html: &str,
    names: &[&str],
    f: impl Fn(&str, &str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for tag in start_tags(html) {
        for a in tag
            .attrs
            .iter()
            .filter(|a| names.contains(&a.name.as_str()))
        {
            if let Some(new) = f(&a.name, a.value) {
                out.push_str(&html[at..a.range.start]);
                out.push_str(&new);
                at = a.range.end;
            }
        }
    }
    out.push_str(&html[at..]);
    out
}

/// The inner HTML of the first `<tag …>…</tag>` in `html` (to the last
/// closing tag).
pub(crate) fn inner<'h>(html: &'h str, tag: &str) -> Option<&'h str> {
    let open = html.find(&format!("<{tag}"))?;
    let body_start = open + html[open..].find('>')? + 1;
    let close = html.rfind(&format!("</{tag}>"))?;
    (close >= body_start).then(|| &html[body_start..close])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_tags_and_attributes() {
        let html = "<!-- <a href=x> --><p id=a class='b c'>t</p><script>if (a<b) {}</script>\
                    <img src=\"i.png\" alt><a href=\"..&#x2F;x&amp;y\" name=n>";
        let tags = start_tags(html);
        let names: Vec<_> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["p", "script", "img", "a"]);
        assert_eq!(tags[0].attr("id"), Some("a"));
        assert_eq!(tags[0].attr("class"), Some("b c"));
        assert_eq!(tags[2].attr("alt"), Some(""));
        assert_eq!(decode_entities(tags[3].attr("href").unwrap()), "../x&y");
    }

    #[test]
    fn rewrites_values_however_they_are_quoted() {
        let html = "<a href=x id='y'><!-- <a href=z> --><img src=\"s.png\" alt=\"a\">";
        let out = rewrite_attrs(html, &["href", "src", "id"], |attr, v| {
            (attr != "id").then(|| format!("[{v}]"))
        });
        assert_eq!(
            out,
            "<a href=[x] id='y'><!-- <a href=z> --><img src=\"[s.png]\" alt=\"a\">"
        );
    }

    #[test]
    fn inner_html_of_the_first_element() {
        assert_eq!(
            inner("<body><main id=m>hi</main></body>", "main"),
            Some("hi")
        );
        assert_eq!(inner("<body></body>", "main"), None);
    }

    #[test]
    fn named_references_beyond_the_five_xml_ones_decode() {
        assert_eq!(
            decode_entities("a&nbsp;b&eacute;&#20013;&#x6587;"),
            "a\u{a0}bé中文"
        );
        assert_eq!(decode_entities("no refs"), "no refs");
    }
}
