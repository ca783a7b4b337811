//! Reading the figure at a number: a range's upper bound, scale words and
//! 余/多, the unit, the qualifier before or after, and what is not a
//! figure (years, dates, days of the month, …).

use super::{Figure, Number, Read, Reading, Scan, GENERIC, NOT_UNITS, RANGE_MARKS};
use crate::import::page::is_han;
use crate::model::units::{self, Dimension, Qualifier, Unit, ZhPlace};
use crate::validate::quote::QuoteStatus;

/// A unit found after a number: the unit, the power of ten its scale word
/// adds (`2.3万户`: 4), the 余/多 between, and where it ends.
struct UnitAfter<'u> {
    unit: &'u Unit,
    written: String,
    exp: usize,
    words: Vec<&'static str>,
    end: usize,
}

impl<'u> Scan<'u> {
    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.at(i) == Some(' ') {
            i += 1;
        }
        i
    }

    /// Reads the figure at `number`.
    pub(super) fn read(&self, number: &Number) -> Reading<'u> {
        let first_start = number.start;
        let number = self.range_upper(number).unwrap_or_else(|| number.clone());
        let Some(after) = self.unit_after(number.end) else {
            return self.no_unit(&number);
        };
        if !self.is_figure(&number, &after) {
            return Reading::NotAFigure;
        }
        let digits = super::shift(&number.digits, after.exp);
        let counted = *after.unit.dimension() == Dimension::Count;
        let amount = digits.parse::<f64>().unwrap_or(0.0) * after.unit.factor();
        if counted && (amount - amount.round()).abs() > 1e-6 {
            return Reading::UnknownUnit(self.text(first_start, after.end));
        }
        let mut words = after.words.clone();
        let mut end = after.end;
        if let Some(w) = self.word_after_unit(end, after.unit) {
            words.push(w);
            end += w.chars().count();
        }
        let mut start = first_start;
        if let Some(w) = self.word_before(first_start, after.unit) {
            words.insert(0, w);
            start = self.word_start(first_start, w);
        }
        Reading::Figure(Read {
            start,
            end,
            digits,
            unit: after.unit,
            words,
        })
    }

    /// The text between `from` and `to` (clamped), spaces dropped.
    fn text(&self, from: usize, to: usize) -> String {
        let to = to.min(self.chars.len());
        self.chars[from..to].iter().filter(|c| **c != ' ').collect()
    }

    /// A range's upper bound: in `5—8亿元` and `5亿—8亿元`, the number 8.
    fn range_upper(&self, number: &Number) -> Option<Number> {
        let mut i = self.skip_spaces(number.end);
        if let Some(w) = self.word_at(i, &units::ZH_SCALE_WORDS) {
            i = self.skip_spaces(i + w.chars().count());
        }
        if !self.at(i).is_some_and(|c| RANGE_MARKS.contains(&c)) {
            return None;
        }
        let j = self.skip_spaces(i + 1);
        let upper = if number.chinese {
            self.zh_numeral_at(j)?
        } else {
            self.digits_at(j)?
        };
        Some(upper)
    }

    /// The unit after a number ending at `i`: `[余|多] [scale] [余|多] unit`,
    /// or a unit name with its scale word in it (`万平方米`).
    fn unit_after(&self, i: usize) -> Option<UnitAfter<'u>> {
        let j = self.skip_spaces(i);
        if let Some((unit, written)) = self.unit_at(j) {
            let end = j + written.chars().count();
            return Some(UnitAfter {
                unit,
                written,
                exp: 0,
                words: Vec::new(),
                end,
            });
        }
        let (mut end, mut scale, mut words) = (i, "", Vec::new());
        for step in 0..3 {
            let k = self.skip_spaces(end);
            let list: &[&'static str] = if step == 1 {
                &units::ZH_SCALE_WORDS
            } else {
                &["余", "多"]
            };
            if let Some(w) = self.word_at(k, list) {
                if step == 1 {
                    scale = w;
                } else {
                    words.push(w);
                }
                end = k + w.chars().count();
            }
        }
        let k = self.skip_spaces(end);
        let (unit, written) = self.unit_at(k)?;
        let end = k + written.chars().count();
        let whole = format!("{scale}{}", unit.zh());
        if let Some(scaled) = self.units.lookup(&whole).filter(|_| !scale.is_empty()) {
            return Some(UnitAfter {
                unit: scaled,
                written: whole,
                exp: 0,
                words,
                end,
            });
        }
        let exp = units::zh_scale_factor(scale).map_or(0, |f| f.log10().round() as usize);
        Some(UnitAfter {
            unit,
            written,
            exp,
            words,
            end,
        })
    }

    /// Whether a number with this unit is a figure: not a year (`2024年`,
    /// `2025年度`), a month or a day of one (`5月`, `2日举行`), a unit that
    /// goes on into another (`兆瓦时`, `辆次`, `吨/日`), nor a Chinese numeral
    /// with a measure word of many things (`两个`).
    fn is_figure(&self, number: &Number, after: &UnitAfter) -> bool {
        let next = self.at(after.end);
        let integer = !number.digits.contains('.');
        let value: f64 = number.digits.parse().unwrap_or(0.0);
        let goes_on = next.is_some_and(|c| "时次秒".contains(c))
            || (next == Some('/') && self.at(after.end + 1).is_some_and(is_han));
        let ok = match after.written.as_str() {
            "年" => {
                let year = integer && (1900.0..=2100.0).contains(&value);
                let period = next.is_some_and(|c| "度代底初末中".contains(c));
                !year && !period
            }
            "月" => false,
            "日" => ["内", "以内", "之内", "后", "左右", "以上"]
                .iter()
                .any(|w| self.has(after.end, w)),
            _ => true,
        };
        let dimension = after.unit.dimension();
        let chinese_ok = !number.chinese
            || match dimension {
                Dimension::Count => !GENERIC.contains(&after.unit.zh()),
                Dimension::CurrencyCny
                | Dimension::CurrencyUsd
                | Dimension::Area
                | Dimension::Mass => true,
                _ => false,
            };
        ok && chinese_ok && !goes_on
    }

    /// A number with no unit of the catalogue after it: a unit to report
    /// when a word follows (`15宗`, `6.8公里`), else nothing.
    fn no_unit(&self, number: &Number) -> Reading<'u> {
        let mut j = self.skip_spaces(number.end);
        if let Some(w) = self.word_at(j, &units::ZH_SCALE_WORDS) {
            j += w.chars().count();
        }
        let next = self.at(j);
        let word = next.is_some_and(|c| is_han(c) && !NOT_UNITS.contains(c) && c != '的');
        if number.chinese || !word || self.protected[j.min(self.chars.len() - 1)] {
            return Reading::NotAFigure;
        }
        let word_end = (j..j + 2)
            .take_while(|&k| self.at(k).is_some_and(is_han))
            .last()
            .map_or(j, |k| k + 1);
        Reading::UnknownUnit(self.text(number.start, word_end))
    }

    /// The qualifier right after the unit (`以上`, `左右`), or 余/多 closing a
    /// phrase (`5天多，`, not `200个多功能厅`).
    fn word_after_unit(&self, i: usize, unit: &Unit) -> Option<&'static str> {
        let after: Vec<&'static str> = Qualifier::ALL
            .iter()
            .filter(|q| q.zh_place(unit) == ZhPlace::AfterUnit)
            .map(|q| q.zh_word(unit))
            .collect();
        if let Some(w) = self.word_at(i, &after) {
            return Some(w);
        }
        let w = self.word_at(i, &["余", "多"])?;
        let next = self.at(i + 1);
        (!next.is_some_and(|c| c.is_alphanumeric())).then_some(w)
    }

    /// The qualifier right before the number at `start` (`近`, `超过`).
    fn word_before(&self, start: usize, unit: &Unit) -> Option<&'static str> {
        let mut end = start;
        while end > 0 && self.at(end - 1) == Some(' ') {
            end -= 1;
        }
        let mut before: Vec<&'static str> = Qualifier::ALL
            .iter()
            .filter(|q| q.zh_place(unit) == ZhPlace::BeforeNumber)
            .map(|q| q.zh_word(unit))
            .collect();
        before.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        before.into_iter().find(|w| {
            let n = w.chars().count();
            end >= n && self.has(end - n, w) && !self.protected[end - n]
        })
    }

    fn word_start(&self, start: usize, word: &str) -> usize {
        let mut end = start;
        while end > 0 && self.at(end - 1) == Some(' ') {
            end -= 1;
        }
        end - word.chars().count()
    }

    /// The figure to propose for `read`, when its quote check passes and
    /// the article has no such figure with that quote yet.
    pub(super) fn figure(&self, read: &Read<'u>, existing: &[Figure]) -> Option<Figure> {
        let qualifier = match read.words.as_slice() {
            [] => None,
            [word] => Some(Qualifier::parse(word)?),
            _ => return None,
        };
        let value: f64 = read.digits.parse().ok()?;
        let passes = |quote: &str| {
            self.checker.check(value, read.unit, qualifier, Some(quote)) == QuoteStatus::Matches
        };
        let quote = [self.clause(read), self.sentence(read)]
            .into_iter()
            .find(|q| passes(q))?;
        // One figure of an amount per article: a repeat is the same fact.
        let duplicate = existing.iter().any(|f| {
            f.value == read.digits && f.unit == read.unit.zh() && f.qualifier == qualifier
        });
        if duplicate {
            return None;
        }
        let label = self.label(read);
        let used: Vec<&str> = existing.iter().map(|f| f.key.as_str()).collect();
        Some(Figure {
            value: read.digits.clone(),
            unit: read.unit.zh().to_string(),
            qualifier,
            key: super::label::key_for(&label, read.unit.dimension(), &used),
            label,
            quote,
            written: self.text(read.start, read.end),
        })
    }
}
