//! The quote check: does a metric's `quote` (the source sentence it was
//! copied from) contain its figure, with the same qualifier?
//!
//! A figure in a quote is found in any way Chinese text writes it:
//!
//! - digits, with or without thousands separators (`6,806`, `6806`),
//!   full-width (`６８０６`, `２．６`, `１，２００`), with decimals; no spaces
//!   inside a number (`6 806` is two numbers);
//! - Chinese numerals: 〇 零 一 二 两 三 … 九, 十 百 千 万 亿 and 点 for a
//!   decimal point (`三十亿元`, `十二万`, `一百零五`, `二点五`);
//! - scale words after the number (万 百万 千万 亿 万亿), so value 120000
//!   平方米 is found as `12 万平方米`, and 2.6 亿元 as `26000 万元`;
//! - percentages as `70%`, `70％` or `百分之七十`;
//! - spaces (any width) allowed between the number, its scale word, 余/多
//!   and the unit.
//!
//! The figure's unit must follow it, written as any unit of the catalogue
//! of the metric's dimension (`名` for a count in `人`, `日` for `天`): the
//! amounts are compared in the dimension's base unit. A number with no unit
//! after it counts only for a count (`8 方面` for 8 个) or when it carries a
//! scale word (`824 亿` for 824 亿元). A number inside a longer one (130 in
//! `1300`, in `1,300` or in `A130`) is not a figure. The sign is not
//! compared (`下降 5%` is the figure 5%).
//!
//! A qualifier is "next to" the figure when it stands, with nothing but
//! spaces between, where [`Qualifier::zh_place`] puts it for the metric's
//! unit: right before the number (近, 超过, 不到 …; the longest word wins, so
//! 超过 is not 超), between the number and the unit (余, 多: `130 余个`,
//! `30 亿余元`, `30 多亿元`) or right after the unit (以上, 左右, 以下 …).
//! The quote's word must be the metric's (as the page writes it:
//! [`Qualifier::zh_word`]), and a metric without a qualifier needs a figure
//! without one. When the figure appears more than once, any one that fully
//! agrees is a match.

use crate::diag::Diagnostic;
use crate::model::content::{Content, Metric};
use crate::model::units::{self, Dimension, Qualifier, Unit, UnitCatalog, ZhPlace};
use crate::util::chars;
use crate::Lang;
use rayon::prelude::*;
use serde::Serialize;

/// What a metric's quote says about its figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuoteStatus {
    /// The quote has the figure with the same qualifier (or none).
    Matches,
    /// The quote does not have the figure as the metric gives it.
    Differs(Mismatch),
    /// The metric has no quote (or an empty one).
    NoQuote,
}

impl QuoteStatus {
    /// `matches`, `differs` or `none`, as `briefing figures` shows it.
    pub fn name(&self) -> &'static str {
        match self {
            QuoteStatus::Matches => "matches",
            QuoteStatus::Differs(_) => "differs",
            QuoteStatus::NoQuote => "none",
        }
    }
}

/// How a quote differs from its metric.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub kind: MismatchKind,
    /// The metric's figure as the Chinese page shows it: `超 400 亿元`.
    pub expected: String,
    /// The quote's figures of the metric's kind, as written there: the one
    /// with the metric's amount for a qualifier mismatch, every one of the
    /// metric's dimension for [`MismatchKind::Value`].
    pub found: Vec<String>,
    /// The qualifier next to the quote's figure (`余`), for a qualifier
    /// mismatch.
    pub word: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchKind {
    /// No figure of the quote has the metric's amount.
    Value,
    /// The quote has a qualifier next to the figure; the metric has none.
    ExtraQualifier,
    /// The metric has a qualifier; the quote has none next to the figure.
    MissingQualifier,
    /// The quote's qualifier is another word than the metric's.
    OtherQualifier,
}

impl Mismatch {
    /// What the quote says instead: `quote has 312 亿元`, `quote says 80 余家`.
    pub fn summary(&self) -> String {
        match (self.kind, self.found.is_empty()) {
            (MismatchKind::Value, true) => "quote has no such figure".to_string(),
            (MismatchKind::Value, false) => format!("quote has {}", self.found.join(", ")),
            _ => format!("quote says {}", self.found.join(", ")),
        }
    }

    /// The diagnostic's message for metric `key`.
    pub fn message(&self, key: &str) -> String {
        format!(
            "metric `{key}` is {}, but its {}",
            self.expected,
            self.summary()
        )
    }

    /// What the editor can do.
    pub fn hint(&self) -> String {
        match (self.kind, self.word) {
            (MismatchKind::Value, _) => {
                "make `value` and `unit` (万 and 亿 included) give the amount the quote gives"
                    .to_string()
            }
            (MismatchKind::MissingQualifier, _) => {
                "remove `qualifier`, or check the quote against the source".to_string()
            }
            (_, Some(word)) => format!("write `qualifier: {word}`, the word the source uses"),
            (_, None) => "write the qualifier the source uses".to_string(),
        }
    }
}

/// Checks figures against quotes with one unit catalogue.
pub struct Checker<'u> {
    units: &'u UnitCatalog,
}

impl<'u> Checker<'u> {
    pub fn new(units: &'u UnitCatalog) -> Checker<'u> {
        Checker { units }
    }

    /// Checks `metric` against its quote. None when its unit is unknown (an
    /// error reported elsewhere).
    pub fn check_metric(&self, metric: &Metric) -> Option<QuoteStatus> {
        let unit = self.units.lookup(&metric.unit)?;
        Some(self.check(
            metric.value,
            unit,
            metric.qualifier,
            metric.quote.as_deref(),
        ))
    }

    /// Checks a figure (`value` in `unit`, with `qualifier`) against `quote`.
    pub fn check(
        &self,
        value: f64,
        unit: &Unit,
        qualifier: Option<Qualifier>,
        quote: Option<&str>,
    ) -> QuoteStatus {
        match quote.filter(|q| !q.trim().is_empty()) {
            None => QuoteStatus::NoQuote,
            Some(quote) => {
                let scanner = Scanner::new(quote, unit, self.units);
                compare(&scanner.figures(), value, unit, qualifier)
            }
        }
    }
}

/// A figure's status given the quote's figures.
fn compare(
    figures: &[Figure],
    value: f64,
    unit: &Unit,
    qualifier: Option<Qualifier>,
) -> QuoteStatus {
    let expected = units::format_value(value, unit, qualifier, None, Lang::Zh);
    let same: Vec<&Figure> = figures
        .iter()
        .filter(|f| f.has_amount(value, unit))
        .collect();
    if same.iter().any(|f| f.agrees(qualifier, unit)) {
        return QuoteStatus::Matches;
    }
    let kind = match (same.first(), qualifier) {
        (None, _) => MismatchKind::Value,
        (Some(_), None) => MismatchKind::ExtraQualifier,
        (Some(f), Some(_)) if f.words.is_empty() => MismatchKind::MissingQualifier,
        (Some(_), Some(_)) => MismatchKind::OtherQualifier,
    };
    let found = match same.first() {
        Some(f) => vec![f.text.clone()],
        None => {
            let mut found: Vec<String> = Vec::new();
            for f in figures.iter().filter(|f| f.is_of_kind(unit)) {
                if !found.contains(&f.text) {
                    found.push(f.text.clone());
                }
            }
            found
        }
    };
    QuoteStatus::Differs(Mismatch {
        kind,
        expected,
        found,
        word: same.first().and_then(|f| f.words.first().copied()),
    })
}

/// The quote check's warnings for every metric of `content`: a quote that
/// differs, on its `quote:` line (else the metric's); with `require_quotes`,
/// also a metric without a quote.
pub fn diagnostics(
    content: &Content,
    units: &UnitCatalog,
    source: Lang,
    require_quotes: bool,
) -> Vec<Diagnostic> {
    let checker = Checker::new(units);
    content
        .reports
        .par_iter()
        .flat_map_iter(|report| {
            let path = report.texts.get(&source).map(|t| t.path.as_path());
            let checker = &checker;
            report.metrics.iter().filter_map(move |metric| {
                let path = path?;
                match checker.check_metric(metric)? {
                    QuoteStatus::Differs(m) => Some(
                        Diagnostic::warning(path, metric.quote_line.or(metric.line), m.message(&metric.key))
                            .with_hint(m.hint()),
                    ),
                    QuoteStatus::NoQuote if require_quotes => Some(
                        Diagnostic::warning(path, metric.line, format!("metric `{}` has no quote", metric.key))
                            .with_hint("add `quote:` with the source's sentence that gives the figure (site.yaml has `require_quotes: true`)"),
                    ),
                    _ => None,
                }
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Finding figures in a quote

/// A figure found in a quote.
#[derive(Debug)]
struct Figure<'u> {
    /// The figure as the quote writes it, qualifiers included: `近 30 亿元`.
    text: String,
    /// The number times its scale words: `12 万` → 120000.
    number: f64,
    /// Whether a scale word (万, 亿 …) was written.
    scaled: bool,
    unit: Option<&'u Unit>,
    /// Qualifier words next to the figure, in order.
    words: Vec<&'static str>,
}

impl Figure<'_> {
    /// Whether the figure is of the metric's dimension (or a number that
    /// may stand for it).
    fn is_of_kind(&self, unit: &Unit) -> bool {
        match self.unit {
            Some(u) => u.dimension() == unit.dimension(),
            None => self.scaled || *unit.dimension() == Dimension::Count,
        }
    }

    /// Whether the figure gives `value` in `unit`.
    fn has_amount(&self, value: f64, unit: &Unit) -> bool {
        if !self.is_of_kind(unit) || !value.is_finite() {
            return false;
        }
        let value = value.abs();
        match self.unit {
            Some(u) => close(self.number * u.factor(), units::normalized(value, unit)),
            None => {
                // A bare number is in the unit without its scale word.
                let (scale, _) = units::split_zh_scale(unit.zh());
                let factor = units::zh_scale_factor(scale).unwrap_or(1.0);
                close(self.number, value * factor)
            }
        }
    }

    /// Whether the quote's qualifier is the metric's.
    fn agrees(&self, qualifier: Option<Qualifier>, unit: &Unit) -> bool {
        match (qualifier, self.words.as_slice()) {
            (None, []) => true,
            (Some(q), [word]) => *word == q.zh() || *word == q.zh_word(unit),
            _ => false,
        }
    }
}

/// Equal up to float noise (and finite).
fn close(a: f64, b: f64) -> bool {
    a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// The qualifier words of each place, for the metric's unit.
struct Slots {
    before: Vec<&'static str>,
    middle: Vec<&'static str>,
    after: Vec<&'static str>,
}

impl Slots {
    fn new(unit: &Unit) -> Slots {
        let mut slots = Slots {
            before: Vec::new(),
            middle: Vec::new(),
            after: Vec::new(),
        };
        for q in Qualifier::ALL {
            let list = match q.zh_place(unit) {
                ZhPlace::BeforeNumber => &mut slots.before,
                ZhPlace::AfterScale => &mut slots.middle,
                ZhPlace::AfterUnit => &mut slots.after,
            };
            let word = q.zh_word(unit);
            if !list.contains(&word) {
                list.push(word);
            }
        }
        // Longest first, so `超过` is found before `超`.
        for list in [&mut slots.before, &mut slots.middle, &mut slots.after] {
            list.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        }
        slots
    }
}

/// Chinese digits and their values.
const ZH_DIGITS: [(char, u32); 12] = [
    ('〇', 0),
    ('零', 0),
    ('一', 1),
    ('二', 2),
    ('两', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
];

fn zh_digit(c: char) -> Option<u32> {
    ZH_DIGITS.iter().find(|(d, _)| *d == c).map(|(_, v)| *v)
}

/// A character of a Chinese numeral (点 aside).
fn is_zh_numeral(c: char) -> bool {
    zh_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万' | '亿')
}

/// Full-width digits and punctuation as ASCII, any space as ' ': one char
/// for one char, so positions stay those of the quote.
fn normalise(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '，' => ',',
        '％' => '%',
        c if c.is_whitespace() => ' ',
        c => c,
    }
}

/// Walks a quote, finding figures.
struct Scanner<'a> {
    /// The quote as written.
    original: Vec<char>,
    /// The same, normalised ([`normalise`]).
    chars: Vec<char>,
    units: &'a UnitCatalog,
    slots: Slots,
}

impl<'a> Scanner<'a> {
    fn new(quote: &str, unit: &Unit, units: &'a UnitCatalog) -> Scanner<'a> {
        let original: Vec<char> = quote.chars().collect();
        Scanner {
            chars: original.iter().map(|&c| normalise(c)).collect(),
            original,
            units,
            slots: Slots::new(unit),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// Every figure of the quote, in order.
    fn figures(&self) -> Vec<Figure<'a>> {
        let mut figures = Vec::new();
        let mut i = 0;
        while i < self.chars.len() {
            match self.number(i) {
                Some(number) => {
                    let (figure, end) = self.figure(i, number);
                    figures.extend(figure);
                    i = end.max(i + 1);
                }
                None => i += 1,
            }
        }
        figures
    }

    /// Whether `word` is written at `i`.
    fn has(&self, i: usize, word: &str) -> bool {
        chars::written_at(&self.chars, i, word)
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.at(i) == Some(' ') {
            i += 1;
        }
        i
    }

    /// The longest of `words` written at `i`.
    fn word_at(&self, i: usize, words: &[&'static str]) -> Option<&'static str> {
        chars::longest_written_at(&self.chars, i, words)
    }
}

/// A number read at some position.
#[derive(Debug)]
struct Number {
    value: f64,
    /// Where it ends (after `百分之七十`'s numeral, too).
    end: usize,
    scaled: bool,
    /// Written as `百分之…`: a percentage with no unit after it.
    percent: bool,
    /// Not a figure (part of a longer number or a name such as `A320`).
    rejected: bool,
}

impl Scanner<'_> {
    /// The number starting at `i`, if one does.
    fn number(&self, i: usize) -> Option<Number> {
        let c = self.at(i)?;
        if self.has(i, "百分之") {
            let start = self.skip_spaces(i + 3);
            let inner = self.arabic(start).or_else(|| self.chinese(start))?;
            return Some(Number {
                percent: true,
                ..inner
            });
        }
        if c.is_ascii_digit() {
            return self.arabic(i);
        }
        if is_zh_numeral(c)
            && !i
                .checked_sub(1)
                .and_then(|p| self.at(p))
                .is_some_and(is_zh_numeral)
        {
            return self.chinese(i);
        }
        None
    }

    /// Digits at `i`: `6806`, `6,806`, `54.5`.
    fn arabic(&self, i: usize) -> Option<Number> {
        let digits_from = |mut j: usize| {
            while self.at(j).is_some_and(|c| c.is_ascii_digit()) {
                j += 1;
            }
            j
        };
        let mut end = digits_from(i);
        if end == i {
            return None;
        }
        let mut text: String = self.chars[i..end].iter().collect();
        if end - i <= 3 {
            while self.at(end) == Some(',') && digits_from(end + 1) == end + 4 {
                text.extend(&self.chars[end + 1..end + 4]);
                end += 4;
            }
        }
        if self.at(end) == Some('.') && self.at(end + 1).is_some_and(|c| c.is_ascii_digit()) {
            let frac_end = digits_from(end + 1);
            text.extend(&self.chars[end..frac_end]);
            end = frac_end;
        }
        let before = i.checked_sub(1).and_then(|p| self.at(p));
        let rejected = before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
            || self.at(end).is_some_and(|c| c.is_ascii_alphanumeric());
        Some(Number {
            value: text.parse().ok()?,
            end,
            scaled: false,
            percent: false,
            rejected,
        })
    }

    /// A Chinese numeral at `i`: `三十`, `十二万`, `一百零五`, `二点五`.
    fn chinese(&self, i: usize) -> Option<Number> {
        let mut end = i;
        while self.at(end).is_some_and(is_zh_numeral) {
            end += 1;
        }
        let run = &self.chars[i..end];
        if !run.iter().any(|&c| zh_digit(c).is_some() || c == '十') {
            return None;
        }
        let mut value = zh_integer(run)?;
        if self.at(end) == Some('点') {
            let mut frac = String::from("0.");
            let mut j = end + 1;
            while let Some(d) = self.at(j).and_then(zh_digit) {
                frac.push(char::from_digit(d, 10)?);
                j += 1;
            }
            if j > end + 1 {
                value += frac.parse::<f64>().ok()?;
                end = j;
            }
        }
        Some(Number {
            value,
            end,
            scaled: run.iter().any(|&c| c == '万' || c == '亿'),
            percent: false,
            rejected: false,
        })
    }
}

/// The value of a run of Chinese numerals: `一百零五` → 105, `三十亿` → 3e9,
/// `一万二千` → 12000; digits alone read digit by digit (`二〇二五` → 2025).
pub(crate) fn zh_integer(run: &[char]) -> Option<f64> {
    if run.iter().all(|&c| zh_digit(c).is_some()) {
        return run
            .iter()
            .try_fold(0.0, |n, &c| Some(n * 10.0 + f64::from(zh_digit(c)?)));
    }
    let (mut total, mut section, mut digit) = (0.0, 0.0, 0.0);
    for &c in run {
        if let Some(d) = zh_digit(c) {
            digit = f64::from(d);
            continue;
        }
        match c {
            '十' | '百' | '千' => {
                let unit = match c {
                    '十' => 10.0,
                    '百' => 100.0,
                    _ => 1000.0,
                };
                // `十二` is 12: a bare 十 counts one ten.
                let times = if digit == 0.0 { 1.0 } else { digit };
                section += times * unit;
            }
            '万' => total += (section + digit) * 1e4,
            '亿' => total = (total + section + digit) * 1e8,
            _ => return None,
        }
        if matches!(c, '万' | '亿') {
            section = 0.0;
        }
        digit = 0.0;
    }
    Some(total + section + digit)
}

impl<'a> Scanner<'a> {
    /// The figure whose number starts at `start`: its scale words, unit and
    /// qualifiers. Also gives where scanning goes on.
    fn figure(&self, start: usize, number: Number) -> (Option<Figure<'a>>, usize) {
        if number.rejected {
            return (None, number.end);
        }
        let mut words = Vec::new();
        let mut from = start;
        if let Some(w) = self.word_before(start) {
            from = self.before_word_start(start, w);
            words.push(w);
        }
        let mut value = number.value;
        let mut scaled = number.scaled;
        let (unit, mut end) = if number.percent {
            (self.units.lookup("%"), number.end)
        } else {
            let (unit, factor, end) = self.unit_after(number.end, &mut words);
            value *= factor;
            scaled |= factor != 1.0;
            (unit, end)
        };
        let j = self.skip_spaces(end);
        if let Some(w) = self.word_after_unit(j, unit.is_some()) {
            words.push(w);
            end = j + w.chars().count();
        }
        let text: String = self.original[from..end].iter().collect();
        let figure = Figure {
            text: text.trim().to_string(),
            number: value,
            scaled,
            unit,
            words,
        };
        (Some(figure), number.end)
    }

    /// The qualifier word after a figure's unit, at `i`: 以上, 左右 …, or
    /// 余 and 多 closing a phrase (`5 天多，`, not `200 个多功能厅`).
    fn word_after_unit(&self, i: usize, has_unit: bool) -> Option<&'static str> {
        if let Some(w) = self.word_at(i, &self.slots.after) {
            return Some(w);
        }
        let w = self.word_at(i, &self.slots.middle).filter(|_| has_unit)?;
        let next = self.at(i + w.chars().count());
        (!next.is_some_and(char::is_alphanumeric)).then_some(w)
    }

    /// The qualifier word right before the number at `start` (spaces
    /// between allowed).
    fn word_before(&self, start: usize) -> Option<&'static str> {
        let mut end = start;
        while end > 0 && self.at(end - 1) == Some(' ') {
            end -= 1;
        }
        self.slots.before.iter().copied().find(|w| {
            let n = w.chars().count();
            end >= n && self.has(end - n, w)
        })
    }

    fn before_word_start(&self, start: usize, word: &str) -> usize {
        let mut end = start;
        while end > 0 && self.at(end - 1) == Some(' ') {
            end -= 1;
        }
        end.saturating_sub(word.chars().count())
    }

    /// After a number ending at `i`: the unit (None when no unit follows),
    /// the factor of the scale words before it, and where the figure ends.
    /// 余 and 多 found between them go to `words`.
    fn unit_after(
        &self,
        i: usize,
        words: &mut Vec<&'static str>,
    ) -> (Option<&'a Unit>, f64, usize) {
        let j = self.skip_spaces(i);
        if let Some((unit, end)) = self.unit_at(j) {
            return (Some(unit), 1.0, end);
        }
        // [余|多] [scale word] [余|多] unit
        let mut end = i;
        let mut factor = 1.0;
        for step in 0..3 {
            let k = self.skip_spaces(end);
            let scale = step == 1;
            let list: &[&'static str] = if scale {
                &units::ZH_SCALE_WORDS
            } else {
                &self.slots.middle
            };
            let Some(w) = self.word_at(k, list) else {
                continue;
            };
            if scale {
                factor = units::zh_scale_factor(w).unwrap_or(1.0);
            } else {
                words.push(w);
            }
            end = k + w.chars().count();
        }
        match self.unit_at(self.skip_spaces(end)) {
            Some((unit, unit_end)) => (Some(unit), factor, unit_end),
            None => (None, factor, end),
        }
    }

    /// The longest unit name written at `i`, and where it ends.
    fn unit_at(&self, i: usize) -> Option<(&'a Unit, usize)> {
        let (unit, len) = self.units.unit_written_at(&self.chars, i)?;
        Some((unit, i + len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `value unit [qualifier]` against `quote`: `ok`, `none`, or the
    /// mismatch's summary.
    fn status(value: f64, unit: &str, qualifier: &str, quote: &str) -> String {
        let units = UnitCatalog::builtin();
        let checker = Checker::new(&units);
        let unit = units.lookup(unit).expect("a known unit");
        let qualifier = Qualifier::parse(qualifier);
        match checker.check(value, unit, qualifier, Some(quote)) {
            QuoteStatus::Matches => "ok".to_string(),
            QuoteStatus::NoQuote => "none".to_string(),
            QuoteStatus::Differs(m) => format!("{:?}: {}", m.kind, m.summary()),
        }
    }

    fn assert_table(cases: &[(f64, &str, &str, &str, &str)]) {
        let mut wrong = Vec::new();
        for &(value, unit, qualifier, quote, want) in cases {
            let got = status(value, unit, qualifier, quote);
            if got != want {
                wrong.push(format!(
                    "{value} {unit} {qualifier:?} in {quote:?}: got {got:?}, want {want:?}"
                ));
            }
        }
        assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    }

    #[test]
    fn finds_figures_written_in_every_way() {
        assert_table(&[
            (6806.0, "台", "", "集聚 CNC 及模具加工设备 6806 台", "ok"),
            (6806.0, "台", "", "设备 6,806 台", "ok"),
            (6806.0, "台", "", "设备６８０６台", "ok"),
            (1200.0, "台", "", "设备１，２００台", "ok"),
            (2.6, "亿元", "", "总投资 2.6 亿元", "ok"),
            (2.6, "亿元", "", "总投资2.6亿元", "ok"),
            (2.6, "亿元", "", "总投资２．６亿元", "ok"),
            (2.6, "亿元", "", "总投资 26000 万元", "ok"),
            (2.6, "亿元", "", "总投资 260,000,000 元", "ok"),
            (120000.0, "平方米", "", "建筑面积 12 万平方米", "ok"),
            (12.0, "万平方米", "", "建筑面积 120000 平方米", "ok"),
            (30.0, "亿元", "", "投资三十亿元", "ok"),
            (12.0, "万平方米", "", "面积十二万平方米", "ok"),
            (105.0, "个", "", "一百零五个项目", "ok"),
            (3.0, "栋", "", "主要建设三栋双层生产仓库", "ok"),
            (2.0, "个", "", "两个园区", "ok"),
            (1.2, "亿元", "", "一亿二千万元", "ok"),
            (2.5, "亿元", "", "二点五亿元", "ok"),
            (70.0, "%", "", "本地配套率达到 70%", "ok"),
            (70.0, "%", "", "本地配套率达到７０％", "ok"),
            (70.0, "%", "", "本地配套率达到百分之七十", "ok"),
            (54.5, "%", "", "开工率达 54.5%", "ok"),
            (3.0, "天", "", "3 日内完成处理", "ok"),
            (6.0, "个月", "", "仅用时 6 个月", "ok"),
            (200.0, "人", "多", "200 多名建设者", "ok"),
            (8.0, "个", "", "人才支撑等 8 方面 128 条政策举措", "ok"),
            (824.0, "亿元", "", "总投资 824 亿", "ok"),
            (5.0, "%", "", "同比下降 5%", "ok"),
            (-5.0, "%", "", "同比下降 5%", "ok"),
            (
                1000.0,
                "吨",
                "",
                "总投资 1 亿元的华晋磁材年产 1000 吨永磁材料",
                "ok",
            ),
        ]);
    }

    #[test]
    fn qualifiers_next_to_the_figure() {
        assert_table(&[
            (130.0, "个", "余", "5 年集聚项目 130 余个", "ok"),
            (130.0, "个", "over", "项目 130 余个", "ok"),
            (30.0, "亿元", "余", "投资 30 亿余元", "ok"),
            (30.0, "亿元", "多", "投资 30 多亿元", "ok"),
            (12.0, "万平方米", "余", "12 万余平方米", "ok"),
            (6.0, "万平方米", "多", "6 万多平方米", "ok"),
            (30.0, "亿元", "近", "提供资金支持近 30 亿元", "ok"),
            (30.0, "亿元", "将近", "将近 30 亿元", "ok"),
            (400.0, "亿元", "超", "协议投资额超 400 亿元", "ok"),
            (400.0, "亿元", "超过", "超过 400 亿元", "ok"),
            (120.0, "亿元", "突破", "突破 120 亿元", "ok"),
            (5.0, "亿元", "以上", "年产值达 5 亿元以上", "ok"),
            (20.0, "天", "左右", "20 天左右", "ok"),
            (10.0, "个", "不到", "不到 10 个", "ok"),
            (70.0, "%", "余", "超 70%", "ok"),
            (70.0, "%", "多", "70%多", "ok"),
            (70.0, "%", "以上", "百分之七十以上", "ok"),
            (80.0, "家", "", "80 家企业，其中 80 余家", "ok"),
            (80.0, "家", "余", "80 家企业，其中 80 余家", "ok"),
            (
                80.0,
                "家",
                "",
                "引进企业 80 余家",
                "ExtraQualifier: quote says 80 余家",
            ),
            (
                30.0,
                "亿元",
                "近",
                "资金支持 30 亿元",
                "MissingQualifier: quote says 30 亿元",
            ),
            (
                400.0,
                "亿元",
                "超",
                "投资近 400 亿元",
                "OtherQualifier: quote says 近 400 亿元",
            ),
            (
                400.0,
                "亿元",
                "超",
                "投资超过 400 亿元",
                "OtherQualifier: quote says 超过 400 亿元",
            ),
            (
                5.0,
                "亿元",
                "余",
                "年产值达 5 亿元以上",
                "OtherQualifier: quote says 5 亿元以上",
            ),
            (
                6.0,
                "万平方米",
                "余",
                "6 万多平方米",
                "OtherQualifier: quote says 6 万多平方米",
            ),
            (
                100.0,
                "人",
                "",
                "100 人以上",
                "ExtraQualifier: quote says 100 人以上",
            ),
            (5.0, "天", "多", "历时 5 天多，", "ok"),
            (5.0, "年", "余", "历时 5 年余", "ok"),
            (200.0, "个", "", "建成 200 个多功能厅", "ok"),
        ]);
    }

    #[test]
    fn is_not_fooled() {
        assert_table(&[
            (
                321.0,
                "亿元",
                "",
                "总投资 312 亿元",
                "Value: quote has 312 亿元",
            ),
            (
                12.0,
                "平方米",
                "",
                "12 万平方米",
                "Value: quote has 12 万平方米",
            ),
            (130.0, "个", "", "项目 1300 个", "Value: quote has 1300 个"),
            (
                130.0,
                "个",
                "",
                "项目 1,300 个",
                "Value: quote has 1,300 个",
            ),
            (320.0, "台", "", "A320 飞机 5 台", "Value: quote has 5 台"),
            (2.6, "万元", "", "2.6 亿元", "Value: quote has 2.6 亿元"),
            (
                70.0,
                "%",
                "",
                "增长 70 个",
                "Value: quote has no such figure",
            ),
            (
                30.0,
                "亿元",
                "",
                "30 吨钢材，3 亿元投资",
                "Value: quote has 3 亿元",
            ),
            (5.0, "个", "", "5G 基站", "Value: quote has no such figure"),
            (
                824.0,
                "亿元",
                "",
                "200 个，总投资 842 亿元，其中 24 亿元",
                "Value: quote has 842 亿元, 24 亿元",
            ),
            (
                1.0,
                "亿元",
                "",
                "1e999 亿元",
                "Value: quote has no such figure",
            ),
            (1.0, "亿元", "", "", "none"),
            (1.0, "亿元", "", "  ", "none"),
        ]);
    }

    #[test]
    fn reads_chinese_numerals() {
        let read = |s: &str| zh_integer(&s.chars().collect::<Vec<_>>());
        for (text, want) in [
            ("十", 10.0),
            ("十二", 12.0),
            ("二十", 20.0),
            ("一百零五", 105.0),
            ("两千", 2000.0),
            ("十二万", 120_000.0),
            ("三十亿", 3e9),
            ("一万亿", 1e12),
            ("三亿五千万", 3.5e8),
            ("二〇二五", 2025.0),
        ] {
            assert_eq!(read(text), Some(want), "{text}");
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        let units = UnitCatalog::builtin();
        let checker = Checker::new(&units);
        let unit = units.lookup("亿元").unwrap();
        for quote in [
            "百分之",
            "百分之百分之",
            "１，",
            "1,",
            "1.",
            "．５",
            "超",
            "余多以上",
            "零点",
            "一点",
            "9999999999999999999999999999999999 亿元",
            "🙂 30 亿元 🙂",
            "万万万亿亿",
            "\u{3000}\u{3000}30\u{3000}亿元",
        ] {
            let _ = checker.check(30.0, unit, None, Some(quote));
            let _ = checker.check(30.0, unit, Some(Qualifier::Nearly), Some(quote));
        }
        assert_eq!(
            checker.check(30.0, unit, None, Some("🙂 30 亿元 🙂")),
            QuoteStatus::Matches
        );
        // A number too long for f64 is infinite, equal to nothing.
        let huge = format!("{} 亿元", "9".repeat(400));
        let status = checker.check(f64::MAX, unit, None, Some(&huge));
        assert!(matches!(status, QuoteStatus::Differs(_)), "{status:?}");
    }

    #[test]
    fn messages_and_hints() {
        let units = UnitCatalog::builtin();
        let checker = Checker::new(&units);
        let yi = units.lookup("亿元").unwrap();
        let jia = units.lookup("家").unwrap();
        let differs = |s| match s {
            QuoteStatus::Differs(m) => m,
            other => panic!("{other:?}"),
        };
        let m = differs(checker.check(321.0, yi, None, Some("总投资 312 亿元")));
        assert_eq!(
            m.message("total"),
            "metric `total` is 321 亿元, but its quote has 312 亿元"
        );
        assert_eq!(
            m.hint(),
            "make `value` and `unit` (万 and 亿 included) give the amount the quote gives"
        );
        let m = differs(checker.check(80.0, jia, None, Some("引进企业 80 余家")));
        assert_eq!(
            m.message("firms"),
            "metric `firms` is 80 家, but its quote says 80 余家"
        );
        assert_eq!(m.hint(), "write `qualifier: 余`, the word the source uses");
        let m = differs(checker.check(30.0, yi, Some(Qualifier::Nearly), Some("30 亿元")));
        assert_eq!(
            m.message("fund"),
            "metric `fund` is 近 30 亿元, but its quote says 30 亿元"
        );
        assert_eq!(
            m.hint(),
            "remove `qualifier`, or check the quote against the source"
        );
    }
}
