//! A proposed figure's quote (the clause it stands in), label (the words
//! before it, or the noun after a measure word) and ASCII key (pinyin of
//! the label).

use super::{Read, Scan};
use crate::import::page::is_han;
use crate::model::units::Dimension;
use crate::Lang;
use pinyin::ToPinyin;

/// Where clauses end (for quotes).
const CLAUSE_ENDS: &str = "，。；！？\n：";
/// Where a label's words start.
const LABEL_STARTS: &str = "，。；！？\n：、（）“”《》";
/// Words a label does not start with: time and connecting words.
const LEADING: [&str; 20] = [
    "截至目前",
    "今年以来",
    "其中",
    "同时",
    "目前",
    "今年",
    "上半年",
    "全年",
    "累计",
    "共计",
    "共有",
    "已经",
    "已",
    "共",
    "并",
    "还",
    "可",
    "将",
    "预计",
    "力争",
];
/// Words a label does not end with: verbs and words that lead to the number.
const TRAILING: [&str; 22] = [
    "提高到",
    "提高至",
    "缩短至",
    "压缩至",
    "达到",
    "高达",
    "超过",
    "突破",
    "累计",
    "共计",
    "合计",
    "仅用",
    "用时",
    "达",
    "为",
    "至",
    "到",
    "是",
    "有",
    "了",
    "由",
    "近",
];
/// The longest label kept, in characters.
const LABEL_MAX: usize = 12;

impl Scan<'_> {
    /// The clause the figure stands in, or None when it is too short to
    /// say what the figure is.
    pub(super) fn clause(&self, read: &Read) -> String {
        let start = self.back_to(read.start, CLAUSE_ENDS);
        let end = self.on_to(read.end, CLAUSE_ENDS);
        let clause = self.text_kept(start, end);
        if clause.chars().filter(|&c| is_han(c)).count() >= 3 {
            clause
        } else {
            self.sentence(read)
        }
    }

    /// The sentence the figure stands in (at most 120 characters around it).
    pub(super) fn sentence(&self, read: &Read) -> String {
        let start = self
            .back_to(read.start, "。！？\n")
            .max(read.start.saturating_sub(60));
        let end = self.on_to(read.end, "。！？\n").min(read.end + 60);
        self.text_kept(start, end)
    }

    fn back_to(&self, i: usize, stops: &str) -> usize {
        (0..i)
            .rev()
            .find(|&k| stops.contains(self.chars[k]))
            .map_or(0, |k| k + 1)
    }

    fn on_to(&self, i: usize, stops: &str) -> usize {
        (i..self.chars.len())
            .find(|&k| stops.contains(self.chars[k]))
            .unwrap_or(self.chars.len())
    }

    fn text_kept(&self, from: usize, to: usize) -> String {
        self.chars[from..to.max(from)]
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    }

    /// A label: the words before the figure in its clause, without time
    /// and connecting words; for a counted figure followed by its noun
    /// (`128条政策举措`), the noun when the words before say little.
    pub(super) fn label(&self, read: &Read) -> String {
        let start = self.back_to(read.start, LABEL_STARTS);
        let raw = self.text_kept(start, read.start);
        let before = trim_words(&raw);
        let noun: String = self.chars[read.end..]
            .iter()
            .take_while(|&&c| is_han(c) && c != '的')
            .take(6)
            .collect();
        let counted = *read.unit.dimension() == Dimension::Count;
        let before_weak = before.chars().count() < 2
            || raw.ends_with('等')
            || raw.chars().any(|c| c.is_ascii_digit());
        let label = if counted && noun.chars().count() >= 2 && before_weak {
            noun
        } else if before.chars().count() >= 2 {
            let skip = before.chars().count().saturating_sub(LABEL_MAX);
            before.chars().skip(skip).collect()
        } else if noun.chars().count() >= 2 {
            noun
        } else {
            read.unit.dimension().label(Lang::Zh).to_string()
        };
        label.trim().to_string()
    }
}

/// `words` without the leading and trailing words of [`LEADING`] and
/// [`TRAILING`], and without characters a label has no use for.
fn trim_words(words: &str) -> String {
    // After a time or another figure (`到2027年`, `1—5月`), the words start anew.
    let words = match words.rfind(|c: char| c.is_ascii_digit()) {
        Some(at) => words[at + 1..].trim_start_matches(|c: char| "年月日号天个万亿%.".contains(c)),
        None => words,
    };
    let mut w: String = words
        .chars()
        .filter(|&c| is_han(c) || c.is_ascii_alphanumeric() || c == ' ' || c == '·')
        .collect();
    loop {
        let before = w.clone();
        for lead in LEADING {
            if let Some(rest) = w.strip_prefix(lead) {
                w = rest.to_string();
            }
        }
        for trail in TRAILING {
            if let Some(rest) = w.strip_suffix(trail) {
                w = rest.to_string();
            }
        }
        w = w.trim().to_string();
        if w == before {
            return w;
        }
    }
}

/// The pinyin of a Han character in ASCII (`吕` → `lv`), or None.
pub(crate) fn ascii_pinyin(c: char) -> Option<String> {
    let p = c.to_pinyin()?.plain().replace('ü', "v");
    Some(p.chars().filter(char::is_ascii_alphanumeric).collect())
}

/// An ASCII key for a figure's label: the pinyin of its Han characters and
/// its Latin words, joined by `_`, then a word for the unit's dimension
/// (`资金支持`, 亿元 → `zi_jin_zhi_chi_cny`), made unique among `used`
/// with a number. Figures with the same label and kind get the same key
/// in every report (the dashboard compares them); others never do.
pub(crate) fn key_for(label: &str, dimension: &Dimension, used: &[&str]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut latin = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            latin.push(c.to_ascii_lowercase());
            continue;
        }
        if !latin.is_empty() {
            parts.push(std::mem::take(&mut latin));
        }
        parts.extend(ascii_pinyin(c));
    }
    if !latin.is_empty() {
        parts.push(latin);
    }
    let kind: String = match dimension {
        Dimension::CurrencyCny => "cny".to_string(),
        Dimension::CurrencyUsd => "usd".to_string(),
        other => other
            .name()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
            .to_ascii_lowercase(),
    };
    parts.push(if kind.is_empty() {
        "figure".to_string()
    } else {
        kind
    });
    let mut key = parts.join("_");
    if key.starts_with(|c: char| c.is_ascii_digit()) {
        key = format!("n_{key}");
    }
    let mut unique = key.clone();
    let mut n = 2;
    while used.contains(&unique.as_str()) {
        unique = format!("{key}_{n}");
        n += 1;
    }
    unique
}
