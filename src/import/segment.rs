//! Cutting a page into articles: where each starts (a dateline or a
//! continuation mark) and ends (its last sentence and byline), its headline
//! and kicker (printed before or after it), its photo captions, and its
//! text joined into paragraphs. Masthead and folio lines are dropped.

use crate::import::lines;
use crate::import::page::{self, Line, Page};
use std::collections::HashSet;

/// One article as the page gives it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Article {
    pub headline: Option<String>,
    pub kicker: Option<String>,
    pub author: Vec<String>,
    pub continued_from: Option<String>,
    pub continued_to: Option<String>,
    pub captions: Vec<String>,
    pub paragraphs: Vec<String>,
    /// The line of the file the article starts on (`.txt`).
    pub line: Option<usize>,
}

impl Article {
    /// The article's text, paragraphs separated by blank lines.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

/// What the masthead and folio lines say about the page (guesses).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Folio {
    pub publication: Option<String>,
    pub page: Option<String>,
    pub date: Option<(u16, u8, u8)>,
}

/// A page cut into articles, with what was left over.
#[derive(Clone, Debug, Default)]
pub(crate) struct Segmented {
    pub articles: Vec<Article>,
    pub folio: Folio,
    /// Lines that belong to no article: (file line, text).
    pub unassigned: Vec<(Option<usize>, String)>,
}

/// What a line of the page is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum LineKind {
    Folio,
    Caption,
    /// The first line of an article (dateline or continuation mark).
    Start,
    Text,
}

/// Where a page prints headlines: above their bodies, or (as extraction
/// often orders them) after.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    Before,
    After,
}

/// The page's lines by kind, and its body font size (PDF).
struct Typed<'p> {
    lines: &'p [Line],
    kinds: Vec<LineKind>,
    body_size: Option<f32>,
}

impl Typed<'_> {
    /// A line set larger than the body text: a headline or kicker.
    fn is_heading(&self, i: usize) -> bool {
        matches!((self.lines[i].size, self.body_size), (Some(s), Some(b)) if s > b * 1.12)
    }
}

/// Cuts `page` into articles.
pub(crate) fn segment(page: &Page) -> Segmented {
    let typed = classify(page);
    let mut out = Segmented {
        folio: folio_of(&typed),
        ..Segmented::default()
    };
    let starts: Vec<usize> = (0..typed.lines.len())
        .filter(|&i| typed.kinds[i] == LineKind::Start)
        .collect();
    let Some(&first) = starts.first() else {
        out.unassigned = text_lines(&typed, 0..typed.lines.len());
        return out;
    };
    let top: Vec<usize> = heading_lines(&typed, 0..first);
    let mut bodies = Vec::new();
    let mut tails = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(typed.lines.len());
        let (body, tail) = split_region(&typed, start, end);
        bodies.push(body);
        tails.push(tail);
    }
    out.articles = bodies.iter().map(|b| article_body(&typed, b)).collect();
    let layout = layout_of(&typed, &top, &tails, &out.articles);
    place_headings(&typed, layout, top, tails, &mut out);
    place_captions(&typed, &starts, &mut out.articles);
    out
}

/// Sorts the page's lines into kinds.
fn classify(page: &Page) -> Typed<'_> {
    let lines = &page.lines;
    let body_size = page.body_size();
    let mut kinds = Vec::with_capacity(lines.len());
    let mut seen_start = false;
    for (i, line) in lines.iter().enumerate() {
        let small = matches!((line.size, body_size), (Some(s), Some(b)) if s < b * 0.95);
        let prev_ends = i == 0
            || kinds.last() != Some(&LineKind::Text)
            || lines::ends_sentence(&lines[i - 1].text)
            || lines::split_byline(&lines[i - 1].text).is_some()
            || lines::byline(&lines[i - 1].text, true).is_some();
        let kind = if lines::continued_from(&line.text).is_some()
            || lines::starts_article(&line.text, prev_ends)
        {
            seen_start = true;
            LineKind::Start
        } else if lines::is_folio(&line.text, !seen_start) {
            LineKind::Folio
        } else if lines::is_caption(&line.text) || (small && caption_run_ends(lines, i, body_size))
        {
            LineKind::Caption
        } else {
            LineKind::Text
        };
        kinds.push(kind);
    }
    Typed {
        lines,
        kinds,
        body_size,
    }
}

/// Whether the small-type line `i` is part of a caption: the run of
/// small lines it is in ends with a credit (`… 摄`).
fn caption_run_ends(lines: &[Line], i: usize, body: Option<f32>) -> bool {
    let small = |l: &Line| matches!((l.size, body), (Some(s), Some(b)) if s < b * 0.95);
    lines[i..]
        .iter()
        .take_while(|l| small(l))
        .last()
        .is_some_and(|l| lines::is_caption(&l.text) || l.text.ends_with(['摄', '图']))
}

/// The publication, page and date the masthead and folio lines give, and
/// the publication a `XX报讯` dateline names.
fn folio_of(typed: &Typed) -> Folio {
    let mut folio = Folio::default();
    for (line, kind) in typed.lines.iter().zip(&typed.kinds) {
        match kind {
            LineKind::Folio => {
                let t = &line.text;
                let paper = t.ends_with('报') && t.chars().all(page::is_han);
                if paper && folio.publication.is_none() {
                    folio.publication = Some(t.clone());
                }
                folio.page = folio.page.take().or_else(|| lines::page_code(t));
                folio.date = folio.date.or_else(|| lines::date_in(t));
            }
            LineKind::Start if folio.publication.is_none() => {
                if let Some((d, _)) = lines::dateline(&line.text) {
                    let name = d.trim_end_matches('讯');
                    if name.ends_with('报') && name != "本报" {
                        folio.publication = Some(name.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    folio
}

/// The text lines (not folio, not captions) among `range`, for reporting.
fn text_lines(typed: &Typed, range: std::ops::Range<usize>) -> Vec<(Option<usize>, String)> {
    range
        .filter(|&i| matches!(typed.kinds[i], LineKind::Text | LineKind::Start))
        .map(|i| (typed.lines[i].number, typed.lines[i].text.clone()))
        .collect()
}

/// The indexes of text lines among `range` (candidate headings).
fn heading_lines(typed: &Typed, range: std::ops::Range<usize>) -> Vec<usize> {
    range
        .filter(|&i| typed.kinds[i] == LineKind::Text)
        .collect()
}

/// Splits the lines from one article's start to the next's into the body
/// (through the last sentence and its byline) and the lines after it.
fn split_region(typed: &Typed, start: usize, end: usize) -> (Vec<usize>, Vec<usize>) {
    let mut own: Vec<usize> = (start..end)
        .filter(|&i| matches!(typed.kinds[i], LineKind::Start | LineKind::Text))
        .collect();
    let ends_at = |i: usize| {
        let t = &typed.lines[i].text;
        !typed.is_heading(i) && (lines::ends_sentence(t) || lines::split_byline(t).is_some())
    };
    let Some(last) = own.iter().rposition(|&i| ends_at(i)) else {
        return (own, Vec::new());
    };
    let mut body_end = last;
    if let Some(&next) = own.get(last + 1) {
        if !typed.is_heading(next) && lines::byline(&typed.lines[next].text, true).is_some() {
            body_end += 1;
        }
    }
    let tail = own.split_off(body_end + 1);
    (own, tail)
}

/// An article from its body lines: continuation marks, bylines, and the
/// text joined into paragraphs.
fn article_body(typed: &Typed, body: &[usize]) -> Article {
    let mut article = Article {
        line: body.first().and_then(|&i| typed.lines[i].number),
        ..Article::default()
    };
    let mut texts: Vec<(String, bool)> = Vec::new();
    for (n, &i) in body.iter().enumerate() {
        let line = &typed.lines[i];
        let mut text = line.text.clone();
        if n == 0 {
            if let Some((page, rest)) = lines::continued_from(&text) {
                article.continued_from = Some(page);
                text = rest;
            }
        }
        let last = n + 1 == body.len();
        if last && n > 0 {
            if let Some(names) = lines::byline(&text, true) {
                article.author.extend(names);
                continue;
            }
        }
        if n + 2 >= body.len() {
            if let Some((head, names)) = lines::split_byline(&text) {
                article.author.extend(names);
                text = head;
            }
        }
        if !text.is_empty() {
            texts.push((text, n == 0 || line.indent));
        }
    }
    let paragraphs = paragraphs(&texts, typed.body_size.is_some());
    article.paragraphs = finish_paragraphs(paragraphs, &mut article);
    article
}

/// Joins lines into paragraphs. `(text, starts)`: a line that starts one
/// (PDF: its first-line indent). Without positions (`.txt`), a paragraph
/// ends at a sentence end on a line clearly shorter than the column.
fn paragraphs(texts: &[(String, bool)], positioned: bool) -> Vec<String> {
    let mut widths: Vec<usize> = texts.iter().map(|(t, _)| page::width(t)).collect();
    widths.sort_unstable();
    let column = widths.get(widths.len() * 3 / 4).copied().unwrap_or(0);
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for (text, starts) in texts {
        let new = !open || (positioned && *starts);
        match out.last_mut() {
            Some(last) if !new => *last = page::join_pieces(last, text),
            _ => out.push(text.clone()),
        }
        open = true;
        if !positioned && lines::ends_sentence(text) && page::width(text) * 100 < column * 85 {
            open = false;
        }
    }
    out
}

/// The paragraphs' final text: spaces around digits dropped, a
/// `（下转…版）` mark and a dateline's byline read out.
fn finish_paragraphs(paragraphs: Vec<String>, article: &mut Article) -> Vec<String> {
    let mut out = Vec::new();
    for (n, p) in paragraphs.into_iter().enumerate() {
        let mut p = page::drop_digit_spaces(&p);
        if let Some((page, without)) = lines::continued_to(&p) {
            article.continued_to = Some(page);
            p = without;
        }
        if n == 0 {
            if let Some((_, len)) = lines::dateline(&p) {
                let squeezed: String = p.chars().filter(|c| !c.is_whitespace()).collect();
                let after: String = squeezed.chars().skip(len).collect();
                for name in lines::dateline_byline(&after).unwrap_or_default() {
                    if !article.author.contains(&name) {
                        article.author.insert(0, name);
                    }
                }
            }
        }
        if !p.trim().is_empty() {
            out.push(p.trim().to_string());
        }
    }
    out
}

/// Character pairs of Han text, for telling which article a heading or
/// caption shares its words with.
fn pairs(text: &str) -> HashSet<(char, char)> {
    let han: Vec<char> = text.chars().filter(|&c| page::is_han(c)).collect();
    han.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How much of `block`'s character pairs `article` has.
fn likeness(block: &str, article: &Article) -> f64 {
    let block = pairs(block);
    if block.is_empty() {
        return 0.0;
    }
    let text = pairs(&article.text());
    block.intersection(&text).count() as f64 / block.len() as f64
}

/// Whether the page prints headlines before or after their articles: the
/// lines before the first article and after the last say so, and each
/// block between two articles votes for the one it shares words with.
fn layout_of(typed: &Typed, top: &[usize], tails: &[Vec<usize>], articles: &[Article]) -> Layout {
    let (mut before, mut after) = (2 * usize::from(!top.is_empty()), 0);
    if tails.last().is_some_and(|t| !t.is_empty()) {
        after += 2;
    }
    for (k, tail) in tails.iter().enumerate().take(tails.len().saturating_sub(1)) {
        let text = joined(typed, tail);
        let (prev, next) = (
            likeness(&text, &articles[k]),
            likeness(&text, &articles[k + 1]),
        );
        if prev > next {
            after += 1;
        } else if next > prev {
            before += 1;
        }
    }
    if before > after {
        Layout::Before
    } else {
        Layout::After
    }
}

fn joined(typed: &Typed, idx: &[usize]) -> String {
    idx.iter().fold(String::new(), |acc, &i| {
        page::join_pieces(&acc, &typed.lines[i].text)
    })
}

/// Gives each article the heading block printed with it.
fn place_headings(
    typed: &Typed,
    layout: Layout,
    top: Vec<usize>,
    tails: Vec<Vec<usize>>,
    out: &mut Segmented,
) {
    let n = out.articles.len();
    let mut blocks: Vec<(usize, Vec<usize>)> = Vec::new();
    match layout {
        Layout::Before => {
            blocks.push((0, top));
            for (k, tail) in tails.into_iter().enumerate() {
                if k + 1 < n {
                    blocks.push((k + 1, tail));
                } else {
                    out.unassigned
                        .extend(tail.iter().map(|&i| line_note(typed, i)));
                }
            }
        }
        Layout::After => {
            if out.articles[0].continued_from.is_some() {
                out.unassigned
                    .extend(top.iter().map(|&i| line_note(typed, i)));
            } else {
                blocks.push((0, top));
            }
            blocks.extend(tails.into_iter().enumerate());
        }
    }
    for (k, block) in blocks {
        if !block.is_empty() {
            let (kicker, headline) = split_heading(typed, &block);
            out.articles[k].kicker = kicker;
            out.articles[k].headline = headline;
        }
    }
}

fn line_note(typed: &Typed, i: usize) -> (Option<usize>, String) {
    (typed.lines[i].number, typed.lines[i].text.clone())
}

/// A heading block as (kicker, headline). With font sizes, the headline is
/// in the largest type; without, a first line naming a place or project is
/// the kicker and the rest is the headline.
fn split_heading(typed: &Typed, block: &[usize]) -> (Option<String>, Option<String>) {
    let sizes: Vec<Option<f32>> = block.iter().map(|&i| typed.lines[i].size).collect();
    let (kicker, headline): (Vec<usize>, Vec<usize>) = if sizes.iter().all(Option::is_some) {
        let max = sizes.iter().flatten().fold(0.0f32, |m, &s| m.max(s));
        block
            .iter()
            .partition(|&&i| typed.lines[i].size.is_some_and(|s| s < max - 0.5))
    } else if block.len() >= 2 && lines::looks_like_kicker(&typed.lines[block[0]].text) {
        (vec![block[0]], block[1..].to_vec())
    } else {
        (Vec::new(), block.to_vec())
    };
    let text = |idx: &[usize]| (!idx.is_empty()).then(|| joined(typed, idx).trim().to_string());
    (text(&kicker), text(&headline))
}

/// Gives each caption to the neighbouring article it shares more words with.
fn place_captions(typed: &Typed, starts: &[usize], articles: &mut [Article]) {
    for (i, line) in typed.lines.iter().enumerate() {
        if typed.kinds[i] != LineKind::Caption || line.text.is_empty() {
            continue;
        }
        // Captions set in small type over several lines are joined.
        if i > 0
            && typed.kinds[i - 1] == LineKind::Caption
            && !lines::is_caption(&typed.lines[i - 1].text)
        {
            continue;
        }
        let mut text = line.text.clone();
        let mut j = i;
        while !lines::is_caption(&typed.lines[j].text)
            && typed.kinds.get(j + 1) == Some(&LineKind::Caption)
        {
            j += 1;
            text = page::join_pieces(&text, &typed.lines[j].text);
        }
        let next = starts.iter().position(|&s| s > i).unwrap_or(articles.len());
        let prev = next.checked_sub(1);
        let target = match (prev, (next < articles.len()).then_some(next)) {
            (Some(p), Some(n)) if likeness(&text, &articles[p]) > likeness(&text, &articles[n]) => {
                p
            }
            (_, Some(n)) => n,
            (Some(p), None) => p,
            (None, None) => continue,
        };
        articles[target].captions.push(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read_txt::lines_of;

    fn page(text: &str) -> Page {
        Page {
            lines: lines_of(text),
        }
    }

    #[test]
    fn headlines_after_bodies_go_to_the_article_before() {
        let seg = segment(&page(
            "科学导报\n本报讯 晋城经开区锚定光机电产业，投资\n30 亿元。 王波\n晋城经济技术开发区\n光机电产业集群发展新生态\n\
             本报讯 霍州经开区构建亲清政商关系，已累计\n解决问题 20 余个。\n记者 李阳\n持续深化亲清政商关系建设\n",
        ));
        let got: Vec<(Option<&str>, Option<&str>, Vec<String>)> = seg
            .articles
            .iter()
            .map(|a| (a.kicker.as_deref(), a.headline.as_deref(), a.author.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("晋城经济技术开发区"),
                    Some("光机电产业集群发展新生态"),
                    vec!["王波".to_string()]
                ),
                (
                    None,
                    Some("持续深化亲清政商关系建设"),
                    vec!["李阳".to_string()]
                ),
            ]
        );
        assert_eq!(
            seg.articles[0].text(),
            "本报讯 晋城经开区锚定光机电产业，投资30亿元。"
        );
        assert_eq!(seg.folio.publication.as_deref(), Some("科学导报"));
    }

    #[test]
    fn headlines_before_bodies_and_continuations() {
        let seg = segment(&page(
            "（上接A1版）\n据介绍，该基地一期投资35亿元。 本报记者 孙立\n太原综改区\n半导体产业园签约\n\
             新华社太原7月2日电（记者 王静）产业园2日签约，总投资逾86亿元。（下转A3版）\n",
        ));
        let a = &seg.articles;
        assert_eq!(a.len(), 2);
        assert_eq!(
            (a[0].continued_from.as_deref(), a[0].headline.as_deref()),
            (Some("A1"), None)
        );
        assert_eq!(a[0].author, ["孙立"]);
        assert_eq!(
            (a[1].kicker.as_deref(), a[1].headline.as_deref()),
            (Some("太原综改区"), Some("半导体产业园签约"))
        );
        assert_eq!(
            (a[1].author.clone(), a[1].continued_to.as_deref()),
            (vec!["王静".to_string()], Some("A3"))
        );
    }
}
