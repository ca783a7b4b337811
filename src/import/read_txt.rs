//! Reading a page from a `.txt` file, as PDF extractors write it: one line
//! of print per line, often with blank lines between them.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::import::page::{self, Line, Page};
use std::path::Path;

/// Reads the page at `path`; `shown` is how messages name it.
pub(crate) fn read_txt(path: &Path, shown: &Path) -> Result<Page> {
    let bytes = std::fs::read(path).map_err(|e| Error::read(shown, e))?;
    let text = decode(&bytes, shown)?;
    Ok(Page {
        lines: lines_of(&text),
    })
}

/// The text of `bytes` as UTF-8 (a byte-order mark dropped), or an error
/// on the first line that is not UTF-8.
fn decode(bytes: &[u8], shown: &Path) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Err(Error::Invalid(vec![Diagnostic::error(
                shown,
                Some(line),
                "is not UTF-8 text",
            )
            .with_hint("save the page's text as UTF-8 (e.g. `iconv -f GB18030 -t UTF-8`), or import the PDF itself")]))
        }
    }
}

/// The non-blank lines of `text`, numbered, with digits normalised and
/// letter-spacing collapsed.
pub(crate) fn lines_of(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .filter_map(|(i, raw)| {
            let clean: String = raw
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .filter(|c| !c.is_control())
                .collect();
            let clean = page::collapse_letter_spacing(page::ascii_digits(&clean).trim());
            (!clean.is_empty()).then(|| Line {
                text: clean,
                number: Some(i + 1),
                ..Line::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_line_numbers_and_drops_blank_lines() {
        let lines = lines_of(" 科学导报讯 近年来\r\n\r\n光机电 ２３ 个\n\u{3000}\n");
        let got: Vec<(&str, Option<usize>)> =
            lines.iter().map(|l| (l.text.as_str(), l.number)).collect();
        assert_eq!(
            got,
            [("科学导报讯 近年来", Some(1)), ("光机电 23 个", Some(3))]
        );
    }

    #[test]
    fn names_the_line_that_is_not_utf8() {
        let err = decode(b"ok\nok\n\xb1\xbe\xb1\xa8", Path::new("p.txt")).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!((d.line, d.message.as_str()), (Some(3), "is not UTF-8 text"));
    }
}
