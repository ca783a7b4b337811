//! A page as read from a `.txt` or `.pdf` file: its lines in reading order,
//! with what the file tells about each (line number, font size, indent).
//! Plain data; `read_txt` and `read_pdf` make it, `segment` reads it.

/// One line of the page as the file gives it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Line {
    /// The text, with full-width digits as ASCII, letter-spacing collapsed
    /// and no leading or trailing spaces.
    pub text: String,
    /// The line's number in a `.txt` file (1-based).
    pub number: Option<usize>,
    /// The font size (PDF), in points.
    pub size: Option<f32>,
    /// Whether the line starts a paragraph: a first-line indent (PDF).
    pub indent: bool,
}

/// A page: its lines in reading order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Page {
    pub lines: Vec<Line>,
}

impl Page {
    /// The size most of the page's characters are set in (PDF): the body
    /// text's.
    pub fn body_size(&self) -> Option<f32> {
        let mut counts: Vec<(f32, usize)> = Vec::new();
        for line in &self.lines {
            let Some(size) = line.size else { continue };
            let n = line.text.chars().count();
            match counts.iter_mut().find(|(s, _)| (s - size).abs() < 0.25) {
                Some((_, c)) => *c += n,
                None => counts.push((size, n)),
            }
        }
        counts.into_iter().max_by_key(|&(_, n)| n).map(|(s, _)| s)
    }
}

/// A Han character (CJK Unified Ideographs and extension A).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Chinese (full-width) punctuation.
pub(crate) fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff01}'..='\u{ff0f}' | '\u{ff1a}'..='\u{ff20}' | '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// A character written in a CJK (full-width) way: Han or Chinese punctuation.
pub(crate) fn is_wide(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// Full-width digits, decimal point, percent sign and comma between
/// full-width digits as ASCII; nothing else changes (NFKC would also turn
/// Chinese punctuation into ASCII).
pub(crate) fn ascii_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_fw_digit = |c: Option<&char>| c.is_some_and(|c| ('０'..='９').contains(c));
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '％' => '%',
            '．' | '，'
                if is_fw_digit(chars.get(i.wrapping_sub(1))) && is_fw_digit(chars.get(i + 1)) =>
            {
                if c == '．' {
                    '.'
                } else {
                    ','
                }
            }
            c => c,
        })
        .collect()
}

/// A letter-spaced (justified) line read back: `该 中 心 总 投 资` →
/// `该中心总投资`. A line is letter-spaced when at least six of its
/// space-separated pieces are single characters and they are most of them.
pub(crate) fn collapse_letter_spacing(text: &str) -> String {
    let pieces: Vec<&str> = text.split(' ').filter(|p| !p.is_empty()).collect();
    let singles = pieces.iter().filter(|p| p.chars().count() == 1).count();
    if singles >= 6 && singles * 10 >= pieces.len() * 8 {
        pieces.concat()
    } else {
        text.to_string()
    }
}

/// Removes the spaces extraction puts between a digit run (or `%`) and
/// CJK text: `投资 30 亿元` → `投资30亿元`. Spaces between Latin words and
/// between two Han characters stay.
pub(crate) fn drop_digit_spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().copied().find(|&n| n != ' ');
            let digitish = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '%');
            let wide = |c: Option<char>| c.is_some_and(is_wide);
            if (digitish(prev) && wide(next)) || (wide(prev) && digitish(next)) || prev == Some(' ')
            {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Joins two pieces of text broken at a line end: no space between CJK
/// text (or a digit and CJK text), one space between Latin words.
pub(crate) fn join_pieces(a: &str, b: &str) -> String {
    let last = a.chars().last();
    let first = b.chars().next();
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
    let sep = if latin(last) && latin(first) { " " } else { "" };
    format!("{a}{sep}{b}")
}

/// Display width in columns: CJK characters take two.
pub(crate) fn width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_only_digits() {
        assert_eq!(ascii_digits("增长２６％，达３．６万"), "增长26%，达3.6万");
        assert_eq!(ascii_digits("１，２００台，共计"), "1,200台，共计");
    }

    #[test]
    fn collapses_letter_spaced_lines_only() {
        assert_eq!(
            collapse_letter_spacing("该 中 心 总 投 资 3 0 亿"),
            "该中心总投资30亿"
        );
        assert_eq!(
            collapse_letter_spacing("记者 赵敏 通讯员 刘洋"),
            "记者 赵敏 通讯员 刘洋"
        );
        assert_eq!(collapse_letter_spacing("投资 30 亿元"), "投资 30 亿元");
    }

    #[test]
    fn drops_spaces_around_digits() {
        assert_eq!(
            drop_digit_spaces("投资 30 亿元，达 70%，"),
            "投资30亿元，达70%，"
        );
        assert_eq!(drop_digit_spaces("CNC 及模具 6806 台"), "CNC 及模具6806台");
        assert_eq!(drop_digit_spaces("不停歇 坚守"), "不停歇 坚守");
        assert_eq!(join_pieces("集聚 CNC", "and"), "集聚 CNC and");
        assert_eq!(join_pieces("注塑机485", "台"), "注塑机485台");
    }
}
