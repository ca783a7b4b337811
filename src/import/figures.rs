//! Proposing an article's figures: every number with a unit of the unit
//! catalogue after it (scale words 万/亿 and 余/多 between), its qualifier
//! in the source's own word, the clause it stands in as its quote and the
//! words before it as a label. Years, dates, numbers in `《》` or in short
//! quotations, `500 强`, `1+130`, ordinals and page marks are not figures;
//! a number with a unit the catalogue does not have is reported.
//!
//! Every figure proposed passes the quote check ([`crate::quote`]) on its
//! own quote: one that would not is dropped, so none can be written.

use crate::model::units::{Qualifier, Unit, UnitCatalog};
use crate::util::chars;
use crate::validate::quote::{self, Checker};

/// A figure proposed for a metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The number as YAML writes it: `23000`, `1.2`.
    pub value: String,
    /// The catalogue's name of the unit: `亿元`, `天` (for `日`).
    pub unit: String,
    pub qualifier: Option<Qualifier>,
    /// The clause the figure stands in, as the text writes it.
    pub quote: String,
    /// The words before the figure (or the noun after a measure word).
    pub label: String,
    /// An ASCII key from the label, unique in the article.
    pub key: String,
    /// The figure as written: `近30亿元`, `5—8亿元`.
    pub written: String,
}

/// An article's figures, and the numbers whose unit the catalogue lacks
/// (`15宗`, `6.8公里`), as written.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Found {
    pub figures: Vec<Figure>,
    pub unknown_units: Vec<String>,
}

/// Measure words that count many kinds of things: a Chinese numeral
/// before them is too often not a figure (`两个百亿级`, `五条产品短链条`).
const GENERIC: [&str; 9] = ["个", "条", "项", "件", "台", "套", "座", "所", "次"];

/// Characters after a number that never begin a unit: no report of an
/// unknown unit for `500强`, `2日举行` and the like.
const NOT_UNITS: &str = "强版届号期点时分秒后前来岁周年月日代级倍";

/// Where a range's two numbers meet: `5—8亿元`, `1至7月`.
const RANGE_MARKS: [char; 8] = ['—', '―', '–', '-', '～', '~', '至', '到'];

/// Proposes the figures of `text` (an article's paragraphs).
pub(crate) fn propose(text: &str, units: &UnitCatalog) -> Found {
    let scan = Scan::new(text, units);
    let mut found = Found::default();
    let mut i = 0;
    while i < scan.chars.len() {
        let Some(number) = scan.number_at(i) else {
            i += 1;
            continue;
        };
        i = number.end.max(i + 1);
        match scan.read(&number) {
            Reading::Figure(f) => {
                i = f.end;
                if let Some(figure) = scan.figure(&f, &found.figures) {
                    found.figures.push(figure);
                }
            }
            Reading::UnknownUnit(written) if !found.unknown_units.contains(&written) => {
                found.unknown_units.push(written);
            }
            _ => {}
        }
    }
    found
}

/// A number found in the text.
#[derive(Clone, Debug)]
struct Number {
    start: usize,
    end: usize,
    /// Plain decimal digits: `1200`, `4.3`.
    digits: String,
    /// Written in Chinese numerals (`三栋`).
    chinese: bool,
}

/// A figure read at a number: where it is, its amount and unit, the
/// qualifier words next to it.
#[derive(Clone, Debug)]
struct Read<'u> {
    /// Where the figure starts (its qualifier word included) and ends.
    start: usize,
    end: usize,
    digits: String,
    unit: &'u Unit,
    words: Vec<&'static str>,
}

enum Reading<'u> {
    Figure(Read<'u>),
    UnknownUnit(String),
    NotAFigure,
}

struct Scan<'u> {
    chars: Vec<char>,
    /// Inside `《》` or a short quotation: names, not figures.
    protected: Vec<bool>,
    units: &'u UnitCatalog,
    checker: Checker<'u>,
}

impl<'u> Scan<'u> {
    fn new(text: &str, units: &'u UnitCatalog) -> Scan<'u> {
        let chars: Vec<char> = text.chars().collect();
        Scan {
            protected: protected_spans(&chars),
            chars,
            units,
            checker: Checker::new(units),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn has(&self, i: usize, word: &str) -> bool {
        chars::written_at(&self.chars, i, word)
    }

    /// A number starting at `i`: digits (with thousands separators and a
    /// decimal part) not inside a longer token, or a Chinese numeral.
    fn number_at(&self, i: usize) -> Option<Number> {
        let c = self.at(i)?;
        let prev = i.checked_sub(1).and_then(|p| self.at(p));
        if c.is_ascii_digit() {
            let glued = prev
                .is_some_and(|p| p.is_ascii_alphanumeric() || matches!(p, '.' | ',' | '+' | '第'));
            let number = self.digits_at(i)?;
            let next = self.at(number.end);
            let tail_glued = next.is_some_and(|n| n.is_ascii_alphabetic() || n == '+');
            return (!glued && !tail_glued && !self.protected[i]).then_some(number);
        }
        if matches!(
            c,
            '一' | '二' | '两' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
        ) {
            let after_numeral =
                prev.is_some_and(|p| quote::zh_integer(&[p]).is_some() || p == '第');
            return (!after_numeral && !self.protected[i])
                .then(|| self.zh_numeral_at(i))
                .flatten();
        }
        None
    }

    fn digits_at(&self, i: usize) -> Option<Number> {
        let mut j = i;
        let mut digits = String::new();
        while let Some(c) = self.at(j) {
            let group = c == ','
                && (1..=3).all(|k| self.at(j + k).is_some_and(|d| d.is_ascii_digit()))
                && !self.at(j + 4).is_some_and(|d| d.is_ascii_digit());
            if c.is_ascii_digit() {
                digits.push(c);
            } else if !group {
                break;
            }
            j += 1;
        }
        if self.at(j) == Some('.') && self.at(j + 1).is_some_and(|d| d.is_ascii_digit()) {
            digits.push('.');
            j += 1;
            while let Some(d) = self.at(j).filter(char::is_ascii_digit) {
                digits.push(d);
                j += 1;
            }
        }
        (!digits.is_empty()).then_some(Number {
            start: i,
            end: j,
            digits,
            chinese: false,
        })
    }

    fn zh_numeral_at(&self, i: usize) -> Option<Number> {
        let run: Vec<char> = self.chars[i..]
            .iter()
            .take_while(|&&c| quote::zh_integer(&[c]).is_some() && c != '万' && c != '亿')
            .copied()
            .collect();
        let value = quote::zh_integer(&run)?;
        (value >= 2.0 && value.fract() == 0.0).then(|| Number {
            start: i,
            end: i + run.len(),
            digits: format!("{value}"),
            chinese: true,
        })
    }

    /// The longest unit name written at `i`.
    fn unit_at(&self, i: usize) -> Option<(&'u Unit, String)> {
        let (unit, len) = self.units.unit_written_at(&self.chars, i)?;
        Some((unit, self.chars[i..i + len].iter().collect()))
    }

    /// The longest word of `list` written at `i`.
    fn word_at(&self, i: usize, list: &[&'static str]) -> Option<&'static str> {
        chars::longest_written_at(&self.chars, i, list)
    }
}

/// Marks what lies inside `《…》` and inside quotation marks enclosing at
/// most 20 characters (a name: `“以投促进24条”`, `“1+130”`); longer
/// quotations are speech, whose figures count.
fn protected_spans(chars: &[char]) -> Vec<bool> {
    let mut protected = vec![false; chars.len()];
    for (open, close, limit) in [
        ('《', '》', 60),
        ('“', '”', 20),
        ('‘', '’', 20),
        ('"', '"', 20),
    ] {
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == open {
                let end = chars[i + 1..]
                    .iter()
                    .take(limit + 1)
                    .position(|&c| c == close);
                if let Some(len) = end {
                    protected[i..=i + 1 + len]
                        .iter_mut()
                        .for_each(|p| *p = true);
                    i += len + 2;
                    continue;
                }
            }
            i += 1;
        }
    }
    protected
}

/// `digits` × 10^`exp` written out: `2.3`, 4 → `23000`.
fn shift(digits: &str, exp: usize) -> String {
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut frac: String = frac.to_string();
    while frac.len() < exp {
        frac.push('0');
    }
    let (moved, rest) = frac.split_at(exp);
    let int = format!("{int}{moved}").trim_start_matches('0').to_string();
    let int = if int.is_empty() { "0".to_string() } else { int };
    if rest.trim_end_matches('0').is_empty() {
        int
    } else {
        format!("{int}.{}", rest.trim_end_matches('0'))
    }
}

mod label;
mod read;

pub(crate) use label::ascii_pinyin;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::units::Dimension;

    /// The figures `propose` finds in `text`, as `qualifier value unit`.
    fn found(text: &str) -> Vec<String> {
        let units = UnitCatalog::builtin();
        propose(text, &units)
            .figures
            .iter()
            .map(|f| {
                format!(
                    "{}{} {}",
                    f.qualifier.map_or("", |q| q.zh()),
                    f.value,
                    f.unit
                )
            })
            .collect()
    }

    #[test]
    fn reads_figures_as_the_page_writes_them() {
        let cases: [(&str, &[&str]); 14] = [
            ("提供资金支持近30亿元。", &["近30 亿元"]),
            (
                "建成标准地133万余平方米、标准厂房200万平方米。",
                &["余133 万平方米", "200 万平方米"],
            ),
            ("新建总建筑面积6万多平方米的厂房。", &["多6 万平方米"]),
            ("带动周边2.3万户农户。", &["23000 户"]),
            ("二期计划投资5—8亿元。", &["8 亿元"]),
            ("投资1,200万元的项目。", &["1200 万元"]),
            (
                "年产值达5亿元以上，带动就业5000人左右。",
                &["以上5 亿元", "左右5000 人"],
            ),
            ("用时由120天缩短至30天以内。", &["120 天", "以内30 天"]),
            ("日均接待游客3.6万人次。", &["3.6 万人次"]),
            ("主要建设三栋仓库、一栋倒班楼和两个车间。", &["3 栋"]),
            ("年发电量约9000万千瓦时。", &["约9000 万千瓦时"]),
            ("一期规模100兆瓦/200兆瓦时。", &["100 兆瓦"]),
            (
                "明确接到诉求后60分钟内响应，3日内完成处理。",
                &["60 分钟", "3 天"],
            ),
            ("同比分别增长38%和41%。", &["38 %", "41 %"]),
        ];
        for (text, want) in cases {
            assert_eq!(found(text), want, "{text}");
        }
    }

    #[test]
    fn leaves_out_what_is_not_a_figure() {
        for text in [
            "2024年，经开区创新出台“以投促进24条”“风险补偿28条”等政策。",
            "5月1日，在示范区；6月份开始；5月底建成；1—5月实现；产业园2日举行签约。",
            "形成以富士康为龙头的“1+130”产业集群，世界500强企业，建成5G基站。",
            "印发《优化营商环境30条措施》，第3个项目，两个百亿级产业集群。",
            "全年产值1.5个工作日。",
        ] {
            assert_eq!(found(text), Vec::<String>::new(), "{text}");
        }
        let units = UnitCatalog::builtin();
        let f = propose("已出让标准地15宗、全长6.8公里，5吉瓦。", &units);
        assert_eq!(f.unknown_units, ["15宗", "6.8公里", "5吉瓦"]);
    }

    #[test]
    fn quotes_labels_and_keys() {
        let units = UnitCatalog::builtin();
        let f = propose(
            "持续推出改革创新、金融服务等8方面128条政策举措，提供资金支持近30亿元。",
            &units,
        )
        .figures;
        let got: Vec<(&str, &str, &str)> = f
            .iter()
            .map(|f| (f.label.as_str(), f.key.as_str(), f.quote.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "政策举措",
                    "zheng_ce_ju_cuo_count",
                    "持续推出改革创新、金融服务等8方面128条政策举措"
                ),
                (
                    "提供资金支持",
                    "ti_gong_zi_jin_zhi_chi_cny",
                    "提供资金支持近30亿元"
                ),
            ]
        );
        assert_eq!(
            label::key_for("SMT 产线", &Dimension::Count, &["smt_chan_xian_count"]),
            "smt_chan_xian_count_2"
        );
        assert_eq!(
            label::key_for("吕梁", &Dimension::Area, &[]),
            "lv_liang_area"
        );
        assert_eq!(shift("2.3", 4), "23000");
        assert_eq!(shift("0.05", 4), "500");
        assert_eq!(shift("1.23456", 4), "12345.6");
    }
}
