//! Reading a page from a PDF's text layer with oxidize-pdf: its text
//! fragments in the order they are painted, with positions and font sizes,
//! gathered into lines. A PDF without text, or one the crate fails on (an
//! error or a panic), is an error naming the file.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::import::page::{self, Line, Page};
use oxidize_pdf::parser::{PdfDocument, PdfReader};
use oxidize_pdf::text::ExtractionOptions;
use std::io::Cursor;
use std::path::Path;

/// A piece of text the PDF paints in one place, in one size.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Fragment {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub size: f64,
}

/// Reads the page at `path`; `shown` is how messages name it.
pub(crate) fn read_pdf(path: &Path, shown: &Path) -> Result<Page> {
    let bytes = std::fs::read(path).map_err(|e| Error::read(shown, e))?;
    let pages = fragments_guarded(bytes).map_err(|why| unreadable(shown, &why))?;
    let lines: Vec<Line> = pages.iter().flat_map(|p| lines_of(p)).collect();
    if lines
        .iter()
        .all(|l| l.text.chars().all(|c| !page::is_han(c)))
    {
        return Err(Error::Invalid(vec![Diagnostic::error(
            shown,
            None,
            "has no Chinese text layer (a scanned page?)",
        )
        .with_hint(
            "import needs the page's text: run OCR on it first, or import a .txt of its text",
        )]));
    }
    Ok(Page { lines })
}

fn unreadable(shown: &Path, why: &str) -> Error {
    Error::Invalid(vec![Diagnostic::error(
        shown,
        None,
        format!("cannot be read as a PDF: {why}"),
    )
    .with_hint(
        "check that the file is a whole, unencrypted PDF; or import a .txt of its text",
    )])
}

/// The fragments of each page. The PDF crate runs behind `catch_unwind`
/// with a silent panic hook: a crate's panic on odd input is an error.
fn fragments_guarded(bytes: Vec<u8>) -> std::result::Result<Vec<Vec<Fragment>>, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(move || fragments(bytes));
    std::panic::set_hook(hook);
    result.unwrap_or_else(|_| Err("the PDF reader stopped on it (an internal failure)".to_string()))
}

fn fragments(bytes: Vec<u8>) -> std::result::Result<Vec<Vec<Fragment>>, String> {
    let reader = PdfReader::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let doc = PdfDocument::new(reader);
    let options = ExtractionOptions {
        preserve_layout: true,
        sort_by_position: false,
        ..ExtractionOptions::default()
    };
    let pages = doc
        .extract_text_with_options(options)
        .map_err(|e| e.to_string())?;
    Ok(pages
        .into_iter()
        .map(|p| {
            p.fragments
                .into_iter()
                .map(|f| Fragment {
                    text: f.text,
                    x: f.x,
                    y: f.y,
                    width: f.width,
                    size: f.font_size,
                })
                .collect()
        })
        .collect())
}

/// A line being gathered: its text and where it is.
struct Gathered {
    text: String,
    x: f64,
    y: f64,
    end: f64,
    size: f64,
}

/// The fragments of one page gathered into lines (a fragment on another
/// baseline, or back to the left, starts a new one), with each line's
/// first-line indent.
pub(crate) fn lines_of(fragments: &[Fragment]) -> Vec<Line> {
    let mut gathered: Vec<Gathered> = Vec::new();
    for f in fragments
        .iter()
        .filter(|f| f.size.is_finite() && f.size > 0.0)
    {
        let same_line = gathered.last().is_some_and(|g| {
            (f.y - g.y).abs() < 0.4 * g.size.max(f.size) && f.x > g.end - 0.5 * f.size
        });
        match gathered.last_mut() {
            Some(g) if same_line => {
                if f.x - g.end > 0.3 * f.size && !g.text.ends_with(' ') {
                    g.text.push(' ');
                }
                g.text.push_str(&f.text);
                g.end = f.x + f.width;
                g.size = g.size.max(f.size);
            }
            _ => gathered.push(Gathered {
                text: f.text.clone(),
                x: f.x,
                y: f.y,
                end: f.x + f.width,
                size: f.size,
            }),
        }
    }
    gathered.retain(|g| !g.text.trim().is_empty());
    (0..gathered.len())
        .map(|i| Line {
            text: page::collapse_letter_spacing(page::ascii_digits(gathered[i].text.trim()).trim()),
            number: None,
            size: Some(gathered[i].size as f32),
            indent: indented(&gathered, i),
        })
        .collect()
}

/// Whether line `i` starts further right than its column's other lines
/// (by about one to three characters): a paragraph's first line.
fn indented(lines: &[Gathered], i: usize) -> bool {
    let line = &lines[i];
    let same_column = |other: &Gathered| {
        (other.size - line.size).abs() < 0.5
            && (other.y - line.y).abs() < 2.5 * line.size
            && other.y != line.y
    };
    let in_by = |other: &Gathered| {
        let d = line.x - other.x;
        d > 0.8 * line.size && d < 3.5 * line.size
    };
    let neighbour = [i.checked_sub(1), Some(i + 1)]
        .into_iter()
        .flatten()
        .filter_map(|j| lines.get(j))
        .find(|o| same_column(o) && (o.x - line.x).abs() < 3.5 * line.size);
    neighbour.is_some_and(in_by)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frag(text: &str, x: f64, y: f64, size: f64) -> Fragment {
        let width = text
            .chars()
            .map(|c| if page::is_wide(c) { size } else { size / 2.0 })
            .sum();
        Fragment {
            text: text.to_string(),
            x,
            y,
            width,
            size,
        }
    }

    #[test]
    fn gathers_fragments_into_lines_with_indents() {
        let lines = lines_of(&[
            frag("陶瓷产业园数字化改造提速", 40.0, 1000.0, 22.0),
            frag("本报讯 朔州经济开发区", 60.0, 966.0, 10.0),
            frag("化改造项目1", 40.0, 949.0, 10.0),
            frag("4个。", 97.0, 949.0, 10.0),
            frag("园区现有陶瓷企业", 60.0, 932.0, 10.0),
            frag("42家。", 40.0, 915.0, 10.0),
        ]);
        let got: Vec<(&str, bool, Option<f32>)> = lines
            .iter()
            .map(|l| (l.text.as_str(), l.indent, l.size))
            .collect();
        assert_eq!(
            got,
            [
                ("陶瓷产业园数字化改造提速", false, Some(22.0)),
                ("本报讯 朔州经济开发区", true, Some(10.0)),
                ("化改造项目14个。", false, Some(10.0)),
                ("园区现有陶瓷企业", true, Some(10.0)),
                ("42家。", false, Some(10.0)),
            ]
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [&b""[..], b"%PDF-1.4\n", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", b"\x00\xff\xfe"] {
            assert!(fragments_guarded(bytes.to_vec()).is_err(), "{bytes:?}");
        }
    }
}
