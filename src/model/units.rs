//! Metric unit catalogue and bilingual number formatting.
//!
//! A figure in a briefing is stored once, as the report wrote it: a number
//! (`value`), the Chinese unit (`亿元`, `万平方米`, `台`, …) and an optional
//! [`Qualifier`] (nearly / about / over). [`format_value`] renders it per
//! language:
//!
//! * Chinese keeps the report's own scale words and never groups digits:
//!   `近 30 亿元`, `133 万余平方米`, `2000 余人`, `70%`.
//! * English converts to its own scale (`CNY 3 billion`, `1.33 million m²`,
//!   `43,000 m²`), groups digits with commas and never invents precision: the
//!   digits shown are exactly the digits of the source value, shifted by a power
//!   of ten.
//!
//! Numbers are handled as decimals (digits plus a power-of-ten exponent) taken
//! from the value rounded to 15 significant digits, so float noise such as
//! `1.2 * 10000 = 11999.999999999998` never reaches the page.
//!
//! Sites can add units in `site.yaml` with [`CustomUnit`] and
//! [`UnitCatalog::with_custom`].

use crate::Lang;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

// ---------------------------------------------------------------------------
// Dimensions
// ---------------------------------------------------------------------------

/// What a unit measures. Values are only comparable (and only normalised to a
/// common base) within one dimension; CNY and USD amounts are different
/// dimensions and never mix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// Money in renminbi; base unit 元 / CNY.
    CurrencyCny,
    /// Money in US dollars; base unit 美元 / USD.
    CurrencyUsd,
    /// Area; base unit 平方米 / m².
    Area,
    /// Mass; base unit 吨 / t.
    Mass,
    /// Power (installed capacity); base unit 千瓦 / kW.
    Power,
    /// Energy (electricity); base unit 千瓦时 / kWh.
    Energy,
    /// Percentages; base unit %.
    Percent,
    /// Counted things (classifiers 个, 家, 台, …); base unit 个 / no symbol.
    Count,
    /// Durations; base unit 天 / days (a month is 1/12 of a 365.25-day year).
    Duration,
    /// A dimension introduced by a site's custom units, by name.
    Other(String),
}

impl Dimension {
    /// The built-in dimensions, in catalogue order.
    pub const BUILTIN: [Dimension; 9] = [
        Dimension::CurrencyCny,
        Dimension::CurrencyUsd,
        Dimension::Area,
        Dimension::Mass,
        Dimension::Power,
        Dimension::Energy,
        Dimension::Percent,
        Dimension::Count,
        Dimension::Duration,
    ];

    /// Parses a dimension name as written in `site.yaml`. Built-in names
    /// (`currency_cny`, `area`, …) give the built-in variant; anything else is
    /// [`Dimension::Other`].
    pub fn from_name(name: &str) -> Dimension {
        let name = name.trim();
        Dimension::BUILTIN
            .iter()
            .find(|d| d.name() == name)
            .cloned()
            .unwrap_or_else(|| Dimension::Other(name.to_string()))
    }

    /// The machine name: `currency_cny`, `currency_usd`, `area`, `mass`,
    /// `power`, `energy`, `percent`, `count`, `duration`, or the custom name.
    pub fn name(&self) -> &str {
        match self {
            Dimension::CurrencyCny => "currency_cny",
            Dimension::CurrencyUsd => "currency_usd",
            Dimension::Area => "area",
            Dimension::Mass => "mass",
            Dimension::Power => "power",
            Dimension::Energy => "energy",
            Dimension::Percent => "percent",
            Dimension::Count => "count",
            Dimension::Duration => "duration",
            Dimension::Other(name) => name,
        }
    }

    /// A human label, e.g. for table headers: `金额 (人民币)` / `Amount (CNY)`.
    /// Custom dimensions are labelled with their name in both languages.
    pub fn label(&self, lang: Lang) -> &str {
        let (zh, en) = match self {
            Dimension::CurrencyCny => ("金额 (人民币)", "Amount (CNY)"),
            Dimension::CurrencyUsd => ("金额 (美元)", "Amount (USD)"),
            Dimension::Area => ("面积", "Area"),
            Dimension::Mass => ("重量", "Mass"),
            Dimension::Power => ("功率", "Power"),
            Dimension::Energy => ("能量", "Energy"),
            Dimension::Percent => ("百分比", "Percentage"),
            Dimension::Count => ("数量", "Count"),
            Dimension::Duration => ("时长", "Duration"),
            Dimension::Other(name) => return name,
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The base unit symbol of a built-in dimension (`元`/`CNY`, `平方米`/`m²`,
    /// `吨`/`t`, `千瓦`/`kW`, `千瓦时`/`kWh`, `%`, `个`/empty, `天`/`days`);
    /// `None` for custom dimensions, whose base is given per unit.
    pub fn base_symbol(&self, lang: Lang) -> Option<&'static str> {
        let (zh, en) = match self {
            Dimension::CurrencyCny => ("元", "CNY"),
            Dimension::CurrencyUsd => ("美元", "USD"),
            Dimension::Area => ("平方米", "m²"),
            Dimension::Mass => ("吨", "t"),
            Dimension::Power => ("千瓦", "kW"),
            Dimension::Energy => ("千瓦时", "kWh"),
            Dimension::Percent => ("%", "%"),
            Dimension::Count => ("个", ""),
            Dimension::Duration => ("天", "days"),
            Dimension::Other(_) => return None,
        };
        Some(match lang {
            Lang::Zh => zh,
            Lang::En => en,
        })
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------
// Qualifiers
// ---------------------------------------------------------------------------

/// Where a qualifier word stands in the Chinese figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZhPlace {
    /// Before the number: `近 30 亿元`, `超 400 亿元`, `不到 10 个`.
    BeforeNumber,
    /// After the number and the unit's scale word: `133 万余平方米`,
    /// `2000 余人`, `30 亿余元`.
    AfterScale,
    /// After the unit: `100 人以上`, `20 天左右`.
    AfterUnit,
}

/// Where the English words go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EnPlace {
    /// `nearly CNY 3 billion`.
    Before,
    /// `100 people or more`.
    After,
}

/// An approximation word attached to a figure, as the source writes it. In
/// YAML a metric's `qualifier` is the Chinese word (`超`, `逾`, `左右`) or its
/// English name (`exceeding`, `upwards_of`, `around`); see [`Qualifier::ALL`]
/// for the table. The Chinese page shows the word in its own place
/// (`超 400 亿元`, `12 万余平方米`, `100 人以上`); English says it
/// idiomatically (`more than CNY 40 billion`, `over 120,000 m²`,
/// `100 people or more`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "&'static str")]
pub enum Qualifier {
    Nearly,
    Almost,
    CloseTo,
    About,
    Roughly,
    Around,
    OrSo,
    Over,
    Plus,
    Exceeding,
    MoreThan,
    UpwardsOf,
    Surpassing,
    AtLeast,
    OrMore,
    Under,
    LessThan,
    OrLess,
    AtMost,
    Within,
}

/// One row of the qualifier table: the word, its name, where each language
/// puts it and what English says.
struct QualifierSpec {
    zh: &'static str,
    name: &'static str,
    zh_place: ZhPlace,
    en: &'static str,
    /// What English says with counted things, when it differs (`fewer than`).
    en_count: Option<&'static str>,
    en_place: EnPlace,
}

impl Qualifier {
    /// Every qualifier, in the order of the documentation table.
    pub const ALL: [Qualifier; 20] = [
        Qualifier::Nearly,
        Qualifier::Almost,
        Qualifier::CloseTo,
        Qualifier::About,
        Qualifier::Roughly,
        Qualifier::Around,
        Qualifier::OrSo,
        Qualifier::Over,
        Qualifier::Plus,
        Qualifier::Exceeding,
        Qualifier::MoreThan,
        Qualifier::UpwardsOf,
        Qualifier::Surpassing,
        Qualifier::AtLeast,
        Qualifier::OrMore,
        Qualifier::Under,
        Qualifier::LessThan,
        Qualifier::OrLess,
        Qualifier::AtMost,
        Qualifier::Within,
    ];

    fn spec(self) -> QualifierSpec {
        use EnPlace::{After, Before};
        use ZhPlace::{AfterScale, AfterUnit, BeforeNumber};
        let (zh, name, zh_place, en, en_count, en_place) = match self {
            Qualifier::Nearly => ("近", "nearly", BeforeNumber, "nearly", None, Before),
            Qualifier::Almost => ("将近", "almost", BeforeNumber, "almost", None, Before),
            Qualifier::CloseTo => ("接近", "close_to", BeforeNumber, "close to", None, Before),
            Qualifier::About => ("约", "about", BeforeNumber, "about", None, Before),
            Qualifier::Roughly => ("大约", "roughly", BeforeNumber, "roughly", None, Before),
            Qualifier::Around => ("左右", "around", AfterUnit, "around", None, Before),
            Qualifier::OrSo => ("上下", "or_so", AfterUnit, "or so", None, After),
            Qualifier::Over => ("余", "over", AfterScale, "over", None, Before),
            Qualifier::Plus => ("多", "plus", AfterScale, "more than", None, Before),
            Qualifier::Exceeding => ("超", "exceeding", BeforeNumber, "more than", None, Before),
            Qualifier::MoreThan => ("超过", "more_than", BeforeNumber, "more than", None, Before),
            Qualifier::UpwardsOf => ("逾", "upwards_of", BeforeNumber, "over", None, Before),
            Qualifier::Surpassing => ("突破", "surpassing", BeforeNumber, "over", None, Before),
            Qualifier::AtLeast => ("至少", "at_least", BeforeNumber, "at least", None, Before),
            Qualifier::OrMore => ("以上", "or_more", AfterUnit, "or more", None, After),
            Qualifier::Under => ("不到", "under", BeforeNumber, "under", None, Before),
            Qualifier::LessThan => {
                let fewer = Some("fewer than");
                (
                    "不足",
                    "less_than",
                    BeforeNumber,
                    "less than",
                    fewer,
                    Before,
                )
            }
            Qualifier::OrLess => (
                "以下",
                "or_less",
                AfterUnit,
                "or less",
                Some("or fewer"),
                After,
            ),
            Qualifier::AtMost => ("最多", "at_most", BeforeNumber, "at most", None, Before),
            Qualifier::Within => ("以内", "within", AfterUnit, "up to", None, Before),
        };
        QualifierSpec {
            zh,
            name,
            zh_place,
            en,
            en_count,
            en_place,
        }
    }

    /// The English name, as exports write it: `nearly`, `exceeding`, `or_more`.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The Chinese word: `近`, `超`, `以上`.
    pub fn zh(self) -> &'static str {
        self.spec().zh
    }

    /// Where the Chinese word stands in a figure of `unit`. With a unit
    /// written attached to the number (`%`), `余` goes before it as `超`
    /// ([`Qualifier::zh_word`]): `超 70%`, as briefings always wrote it; `多`
    /// goes after it: `70%多`.
    pub fn zh_place(self, unit: &Unit) -> ZhPlace {
        match (self, self.spec().zh_place) {
            (Qualifier::Over, ZhPlace::AfterScale) if unit.zh_attached() => ZhPlace::BeforeNumber,
            (_, ZhPlace::AfterScale) if unit.zh_attached() => ZhPlace::AfterUnit,
            (_, place) => place,
        }
    }

    /// The Chinese word as written with `unit` (see [`Qualifier::zh_place`]).
    pub fn zh_word(self, unit: &Unit) -> &'static str {
        match (self, self.zh_place(unit)) {
            (Qualifier::Over, ZhPlace::BeforeNumber) => "超",
            _ => self.zh(),
        }
    }

    /// Reads a qualifier as YAML writes it: the Chinese word or the English
    /// name (surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<Qualifier> {
        let text = text.trim();
        Qualifier::ALL
            .into_iter()
            .find(|q| q.zh() == text || q.name() == text)
    }

    /// The message for a word that is not a qualifier.
    pub fn unknown(text: &str) -> String {
        format!("unknown qualifier `{}`", text.trim())
    }

    /// What to write instead: every word with its English name.
    pub fn known() -> String {
        let known: Vec<String> = Qualifier::ALL
            .iter()
            .map(|q| format!("{} ({})", q.zh(), q.name()))
            .collect();
        format!(
            "write the word as the source does, one of: {}",
            known.join(", ")
        )
    }
}

impl<'de> Deserialize<'de> for Qualifier {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Word;
        impl serde::de::Visitor<'_> for Word {
            type Value = Qualifier;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a qualifier word such as 超 or 约")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Qualifier, E> {
                Qualifier::parse(text).ok_or_else(|| E::custom(Qualifier::unknown(text)))
            }
        }
        // Errors raised while the scalar is read carry its line.
        deserializer.deserialize_str(Word)
    }
}

impl From<Qualifier> for &'static str {
    fn from(q: Qualifier) -> Self {
        q.name()
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------
// Nouns
// ---------------------------------------------------------------------------

/// The English noun a translation gives a counted figure whose measure word
/// has no safe English noun (`noun:` on a metric): `座` may count refuelling
/// stations or bridges, so English shows a bare number unless told.
///
/// In YAML either the plural, `noun: refuelling stations` (the singular is
/// made by the regular English rule: `station`, `company`, `box`), or both
/// forms, `noun: {one: person, other: people}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Noun {
    pub one: String,
    pub other: String,
}

impl Noun {
    /// A noun from its plural, the singular made by the regular rule.
    pub fn regular(plural: &str) -> Noun {
        let plural = plural.trim();
        Noun {
            one: regular_singular(plural),
            other: plural.to_string(),
        }
    }

    fn for_amount(&self, is_one: bool) -> &str {
        if is_one {
            &self.one
        } else {
            &self.other
        }
    }
}

/// `stations` → `station`, `companies` → `company`, `boxes` → `box`; a
/// word not ending in `s` (`people`, `staff`) stays as it is.
fn regular_singular(plural: &str) -> String {
    let (head, last) = match plural.rfind(' ') {
        Some(i) => plural.split_at(i + 1),
        None => ("", plural),
    };
    let one = if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["ches", "shes", "sses", "xes", "zes"]
        .iter()
        .any(|end| last.ends_with(end))
    {
        last[..last.len() - 2].to_string()
    } else if last.ends_with('s') && !last.ends_with("ss") {
        last[..last.len() - 1].to_string()
    } else {
        last.to_string()
    };
    format!("{head}{one}")
}

impl<'de> Deserialize<'de> for Noun {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor rather than an untagged enum, so errors keep their line.
        struct Written;
        impl<'de> serde::de::Visitor<'de> for Written {
            type Value = Noun;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(NOUN_SHAPE)
            }
            fn visit_str<E: serde::de::Error>(self, plural: &str) -> Result<Noun, E> {
                if plural.trim().is_empty() {
                    return Err(E::custom(NOUN_SHAPE));
                }
                Ok(Noun::regular(plural))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Noun, A::Error> {
                let (mut one, mut other) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    let form = map.next_value::<String>()?.trim().to_string();
                    match key.as_str() {
                        "one" if !form.is_empty() => one = Some(form),
                        "other" if !form.is_empty() => other = Some(form),
                        _ => return Err(serde::de::Error::custom(NOUN_SHAPE)),
                    }
                }
                match (one, other) {
                    (Some(one), Some(other)) => Ok(Noun { one, other }),
                    _ => Err(serde::de::Error::custom(NOUN_SHAPE)),
                }
            }
        }
        deserializer.deserialize_any(Written)
    }
}

/// How a `noun` is written; the error for anything else.
pub(crate) const NOUN_SHAPE: &str = "`noun` must be the English plural, e.g. `noun: refuelling stations`, or both forms, e.g. `noun: {one: person, other: people}`";

// ---------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------

/// Where the English unit goes relative to the number (custom units).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnPosition {
    /// `{n} {en}`, e.g. `12 hectares` (the default).
    #[default]
    Suffix,
    /// `{en} {n}`, e.g. `CNY 3 billion`.
    Prefix,
    /// `{n}{en}` with no space, e.g. `5‰`; the Chinese form is attached too.
    Attached,
}

/// How the English form of a unit is written.
#[derive(Clone, Debug, PartialEq)]
enum EnForm {
    /// `CNY 3 billion`.
    Prefix(String),
    /// `12 hectares` / `1 hectare`.
    Suffix { singular: String, plural: String },
    /// `70%`.
    Attached(String),
    /// Just the number (generic classifier 个).
    Bare,
}

/// One unit of the catalogue, e.g. `亿元`.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    zh: String,
    dimension: Dimension,
    factor: f64,
    base_zh: String,
    base_en: String,
    en: EnForm,
    /// English amount = value × 10^en_exponent.
    en_exponent: i32,
    builtin: bool,
}

impl Unit {
    /// The canonical Chinese form, e.g. `亿元` (aliases such as `日` resolve to
    /// their canonical unit `天`).
    pub fn zh(&self) -> &str {
        &self.zh
    }

    /// What the unit measures.
    pub fn dimension(&self) -> &Dimension {
        &self.dimension
    }

    /// The factor to the dimension's base unit: `亿元` → `1e8` (CNY),
    /// `万平方米` → `1e4` (m²), `亩` → `666.67` (m²).
    pub fn factor(&self) -> f64 {
        self.factor
    }

    /// The base unit symbol: `元`/`CNY`, `平方米`/`m²`, `吨`/`t`, `千瓦`/`kW`,
    /// `千瓦时`/`kWh`, `%`, `个`/empty (count), `天`/`days`, or a custom unit's
    /// `base` (both languages).
    pub fn base_symbol(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.base_zh,
            Lang::En => &self.base_en,
        }
    }

    /// The English unit word or symbol as used for plural amounts: `CNY`,
    /// `m²`, `tonnes`, `machines`, `%`; empty for the bare classifier 个.
    pub fn en(&self) -> &str {
        match &self.en {
            EnForm::Prefix(s) | EnForm::Attached(s) => s,
            EnForm::Suffix { plural, .. } => plural,
            EnForm::Bare => "",
        }
    }

    /// Whether the unit is built in (rather than defined in `site.yaml`).
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// Whether the Chinese unit is written without a space (`70%`).
    fn zh_attached(&self) -> bool {
        matches!(self.en, EnForm::Attached(_))
    }
}

/// Chinese scale words a unit may start with; `余` goes after them.
pub(crate) const ZH_SCALE_WORDS: [&str; 5] = ["万亿", "千万", "百万", "亿", "万"];

/// What a scale word of [`ZH_SCALE_WORDS`] multiplies by (`万` → 1e4); 1 for
/// the empty word.
pub(crate) fn zh_scale_factor(word: &str) -> Option<f64> {
    match word {
        "" => Some(1.0),
        "万" => Some(1e4),
        "百万" => Some(1e6),
        "千万" => Some(1e7),
        "亿" => Some(1e8),
        "万亿" => Some(1e12),
        _ => None,
    }
}

/// Splits `万平方米` into (`万`, `平方米`); units without a scale word give
/// ("", unit).
pub(crate) fn split_zh_scale(zh: &str) -> (&str, &str) {
    for w in ZH_SCALE_WORDS {
        if let Some(rest) = zh.strip_prefix(w) {
            if !rest.is_empty() {
                return (w, rest);
            }
        }
    }
    ("", zh)
}

/// Compact description of a built-in unit's English form.
enum En {
    P(&'static str),
    S(&'static str, &'static str),
    A(&'static str),
    B,
}

/// (canonical zh, aliases, dimension, factor to base, English form, English
/// power-of-ten shift).
type Spec = (
    &'static str,
    &'static [&'static str],
    Dimension,
    f64,
    En,
    i32,
);

fn builtin_specs() -> Vec<Spec> {
    use Dimension::*;
    use En::*;
    vec![
        // Currency (CNY).
        ("元", &[], CurrencyCny, 1.0, P("CNY"), 0),
        ("万元", &[], CurrencyCny, 1e4, P("CNY"), 4),
        ("亿元", &[], CurrencyCny, 1e8, P("CNY"), 8),
        ("万亿元", &[], CurrencyCny, 1e12, P("CNY"), 12),
        // Currency (USD).
        ("美元", &[], CurrencyUsd, 1.0, P("USD"), 0),
        ("万美元", &[], CurrencyUsd, 1e4, P("USD"), 4),
        ("亿美元", &[], CurrencyUsd, 1e8, P("USD"), 8),
        // Area.
        ("平方米", &[], Area, 1.0, S("m²", "m²"), 0),
        ("万平方米", &[], Area, 1e4, S("m²", "m²"), 4),
        ("平方公里", &["平方千米"], Area, 1e6, S("km²", "km²"), 0),
        ("亩", &[], Area, 10_000.0 / 15.0, S("mu", "mu"), 0),
        ("万亩", &[], Area, 100_000_000.0 / 15.0, S("mu", "mu"), 4),
        ("公顷", &[], Area, 1e4, S("hectare", "hectares"), 0),
        // Mass.
        ("千克", &["公斤"], Mass, 1e-3, S("kg", "kg"), 0),
        ("吨", &[], Mass, 1.0, S("tonne", "tonnes"), 0),
        ("万吨", &[], Mass, 1e4, S("tonne", "tonnes"), 4),
        ("亿吨", &[], Mass, 1e8, S("tonne", "tonnes"), 8),
        // Power.
        ("千瓦", &[], Power, 1.0, S("kW", "kW"), 0),
        ("万千瓦", &[], Power, 1e4, S("kW", "kW"), 4),
        ("兆瓦", &[], Power, 1e3, S("MW", "MW"), 0),
        // Energy.
        ("千瓦时", &[], Energy, 1.0, S("kWh", "kWh"), 0),
        ("万千瓦时", &[], Energy, 1e4, S("kWh", "kWh"), 4),
        ("亿千瓦时", &[], Energy, 1e8, S("kWh", "kWh"), 8),
        // Percent.
        ("%", &["％"], Percent, 1.0, A("%"), 0),
        // Counts. A measure word that counts many kinds of things (个, 条,
        // 座, 套, 项, 件, 台, 所, 次) has no safe English noun: English shows
        // the bare number unless the translation gives one (`noun:`).
        ("个", &[], Count, 1.0, B, 0),
        ("家", &[], Count, 1.0, S("firm", "firms"), 0),
        ("家次", &[], Count, 1.0, S("visit", "visits"), 0),
        ("条", &[], Count, 1.0, B, 0),
        ("项", &[], Count, 1.0, B, 0),
        ("件", &[], Count, 1.0, B, 0),
        ("台", &[], Count, 1.0, B, 0),
        ("套", &[], Count, 1.0, B, 0),
        ("辆", &[], Count, 1.0, S("vehicle", "vehicles"), 0),
        ("栋", &[], Count, 1.0, S("building", "buildings"), 0),
        ("座", &[], Count, 1.0, B, 0),
        ("所", &[], Count, 1.0, B, 0),
        ("户", &[], Count, 1.0, S("household", "households"), 0),
        ("人", &[], Count, 1.0, S("person", "people"), 0),
        ("名", &[], Count, 1.0, S("person", "people"), 0),
        ("万人", &[], Count, 1e4, S("person", "people"), 4),
        ("人次", &[], Count, 1.0, S("person-time", "person-times"), 0),
        (
            "万人次",
            &[],
            Count,
            1e4,
            S("person-time", "person-times"),
            4,
        ),
        ("次", &[], Count, 1.0, B, 0),
        // Durations (base: days).
        (
            "分钟",
            &[],
            Duration,
            1.0 / 1440.0,
            S("minute", "minutes"),
            0,
        ),
        ("小时", &[], Duration, 1.0 / 24.0, S("hour", "hours"), 0),
        ("天", &["日"], Duration, 1.0, S("day", "days"), 0),
        ("周", &["星期"], Duration, 7.0, S("week", "weeks"), 0),
        (
            "个月",
            &["月"],
            Duration,
            365.25 / 12.0,
            S("month", "months"),
            0,
        ),
        ("年", &[], Duration, 365.25, S("year", "years"), 0),
    ]
}

// ---------------------------------------------------------------------------
// Custom units
// ---------------------------------------------------------------------------

/// A unit declared by a site in `site.yaml`, e.g.
///
/// ```yaml
/// units:
///   - zh: 亿立方米
///     en: m³
///     dimension: volume
///     factor: 100000000
///     base: m³
///     en_exponent: 8      # English shows value × 10^8: 12 → "1.2 billion m³"
///   - zh: 吨/日
///     en: tonnes a day
///     dimension: throughput
///     factor: 1
///     base: {zh: 吨/日, en: t/day}
/// dimensions:             # a dimension no built-in unit has must be declared
///   - name: volume
///     label: {zh: 体积, en: Volume}
///   - name: throughput
///     label: {zh: 处理能力, en: Throughput}
/// ```
///
/// English rendering: the English amount is `value × 10^en_exponent`
/// (default 0, i.e. the number as written), formatted with English grouping
/// and million/billion/trillion words, then placed according to
/// `en_position`: `suffix` (default) → `{n} {en}`, `prefix` → `{en} {n}`
/// (currencies), `attached` → `{n}{en}` (the Chinese form is attached too).
/// When the amount is exactly 1 a suffix noun is singular: `en_singular`, or
/// else the regular English singular of `en` (`working days` → `working
/// day`). An empty `en` shows the bare number. In Chinese a leading scale word
/// (万, 亿, 万亿, 千万, 百万) is recognised so that `over` renders as
/// `3 亿余立方米`.
///
/// A custom unit with a built-in `dimension` name must use that dimension's
/// base (`base` in either language, e.g. `kWh` or `千瓦时`); it may replace a
/// built-in unit of the same dimension, but not one of another dimension.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomUnit {
    /// The Chinese unit as written in content, e.g. `亿立方米`.
    pub zh: String,
    /// English unit symbol or (plural) noun, e.g. `m³`, `tonnes`, `CNY`.
    pub en: String,
    /// English singular noun when the regular rule does not give it.
    #[serde(default)]
    pub en_singular: Option<String>,
    /// Dimension name: a built-in one (`currency_cny`, `area`, …) or one the
    /// site declares under `dimensions:`.
    pub dimension: String,
    /// Factor to the base unit (must be positive and finite).
    pub factor: f64,
    /// Base unit name, one for both languages (`m³`) or one each
    /// (`{zh: 吨/日, en: t/day}`).
    pub base: BaseName,
    /// Where the English unit goes (default `suffix`).
    #[serde(default)]
    pub en_position: EnPosition,
    /// English amount = value × 10^en_exponent (default 0, range -30..=30).
    #[serde(default)]
    pub en_exponent: i32,
}

/// A custom unit's base unit name: the same in both languages, or one each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BaseName {
    Same(String),
    PerLang { zh: String, en: String },
}

impl BaseName {
    fn get(&self, lang: Lang) -> &str {
        match (self, lang) {
            (BaseName::Same(s), _) => s.trim(),
            (BaseName::PerLang { zh, .. }, Lang::Zh) => zh.trim(),
            (BaseName::PerLang { en, .. }, Lang::En) => en.trim(),
        }
    }
}

impl From<&str> for BaseName {
    fn from(s: &str) -> Self {
        BaseName::Same(s.to_string())
    }
}

/// A dimension a site declares for its custom units (`dimensions:` in
/// `site.yaml`), with the heading the dashboard gives it in each language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomDimension {
    pub name: String,
    pub label: DimensionLabel,
}

/// A declared dimension's heading in each language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionLabel {
    pub zh: String,
    pub en: String,
}

/// Errors from the unit catalogue.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// A unit that is not in the catalogue; lists every known unit name.
    #[error("unknown unit `{unit}`; known units: {}", .known.join(", "))]
    Unknown { unit: String, known: Vec<String> },
    /// A custom unit with an empty `zh` or `dimension`.
    #[error("custom unit `{unit}` has an empty `{field}`")]
    Empty { unit: String, field: &'static str },
    /// A custom unit that redefines a built-in unit with another dimension.
    #[error("custom unit `{unit}` redefines the built-in {builtin} unit as {custom}")]
    RedefinesBuiltin {
        unit: String,
        builtin: String,
        custom: String,
    },
    /// A zero, negative or non-finite factor.
    #[error("custom unit `{unit}`: factor must be positive and finite, got {factor}")]
    InvalidFactor { unit: String, factor: f64 },
    /// An `en_exponent` outside -30..=30.
    #[error("custom unit `{unit}`: en_exponent {exponent} is outside -30..=30")]
    InvalidExponent { unit: String, exponent: i32 },
    /// A built-in dimension used with another base unit.
    #[error("custom unit `{unit}`: base `{base}` is not the {dimension} base unit `{expected}`")]
    BaseMismatch {
        unit: String,
        dimension: String,
        base: String,
        expected: String,
    },
    /// The same custom unit declared twice.
    #[error("custom unit `{unit}` is declared more than once")]
    Duplicate { unit: String },
    /// A dimension that is neither built in nor declared by the site.
    #[error("custom unit `{unit}`: unknown dimension `{dimension}`")]
    UnknownDimension { unit: String, dimension: String },
    /// A declared dimension that is built in, declared twice or unlabelled.
    #[error("dimension `{dimension}` {problem}")]
    BadDimension {
        dimension: String,
        problem: &'static str,
    },
}

impl UnitError {
    /// The custom unit the error is about, if any.
    pub fn unit(&self) -> Option<&str> {
        match self {
            UnitError::Unknown { unit, .. }
            | UnitError::Empty { unit, .. }
            | UnitError::RedefinesBuiltin { unit, .. }
            | UnitError::InvalidFactor { unit, .. }
            | UnitError::InvalidExponent { unit, .. }
            | UnitError::BaseMismatch { unit, .. }
            | UnitError::Duplicate { unit }
            | UnitError::UnknownDimension { unit, .. } => Some(unit),
            UnitError::BadDimension { .. } => None,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            UnitError::UnknownDimension { dimension, .. } => format!(
                "use a built-in dimension ({}) or declare it: `dimensions: [{{name: {dimension}, label: {{zh: …, en: …}}}}]`",
                Dimension::BUILTIN.map(|d| d.name().to_string()).join(", ")
            ),
            UnitError::BadDimension { .. } => {
                "declare each new dimension once, with `name` and a `label` in zh and en".to_string()
            }
            _ => "fix the unit under `units:` in site.yaml".to_string(),
        }
    }
}

impl CustomUnit {
    fn to_unit(&self) -> Result<Unit, UnitError> {
        let zh = self.zh.trim();
        let err_unit = || zh.to_string();
        if zh.is_empty() {
            return Err(UnitError::Empty {
                unit: self.zh.clone(),
                field: "zh",
            });
        }
        if self.dimension.trim().is_empty() {
            return Err(UnitError::Empty {
                unit: err_unit(),
                field: "dimension",
            });
        }
        if !(self.factor.is_finite() && self.factor > 0.0) {
            return Err(UnitError::InvalidFactor {
                unit: err_unit(),
                factor: self.factor,
            });
        }
        if !(-30..=30).contains(&self.en_exponent) {
            return Err(UnitError::InvalidExponent {
                unit: err_unit(),
                exponent: self.en_exponent,
            });
        }
        let dimension = Dimension::from_name(&self.dimension);
        let (base_zh, base_en) = (self.base.get(Lang::Zh), self.base.get(Lang::En));
        let (base_zh, base_en) = match (
            dimension.base_symbol(Lang::Zh),
            dimension.base_symbol(Lang::En),
        ) {
            (Some(zh_base), Some(en_base)) => {
                for base in [base_zh, base_en] {
                    if base != zh_base && base != en_base {
                        return Err(UnitError::BaseMismatch {
                            unit: err_unit(),
                            dimension: dimension.name().to_string(),
                            base: base.to_string(),
                            expected: en_base.to_string(),
                        });
                    }
                }
                (zh_base.to_string(), en_base.to_string())
            }
            _ => (base_zh.to_string(), base_en.to_string()),
        };
        let en_word = self.en.trim().to_string();
        let en = if en_word.is_empty() {
            EnForm::Bare
        } else {
            match self.en_position {
                EnPosition::Prefix => EnForm::Prefix(en_word),
                EnPosition::Attached => EnForm::Attached(en_word),
                EnPosition::Suffix => EnForm::Suffix {
                    singular: self
                        .en_singular
                        .as_deref()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map_or_else(|| regular_singular(&en_word), str::to_string),
                    plural: en_word,
                },
            }
        };
        Ok(Unit {
            zh: zh.to_string(),
            dimension,
            factor: self.factor,
            base_zh,
            base_en,
            en,
            en_exponent: self.en_exponent,
            builtin: false,
        })
    }
}

// ---------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------

/// The units a site may use: the built-in catalogue plus the site's custom
/// units.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitCatalog {
    units: Vec<Unit>,
    /// Every accepted name (canonical names and aliases) → index into
    /// `units`, in catalogue order.
    names: Vec<(String, usize)>,
    /// The same, by name (the first of equal names), for [`Self::lookup`]:
    /// every metric of every page looks its unit up.
    by_name: HashMap<String, usize>,
    /// Every name as characters → index into `units`, longest first (in
    /// catalogue order among names of one length), for
    /// [`Self::unit_written_at`].
    longest_first: Vec<(Vec<char>, usize)>,
    /// Headings of the dimensions the site declares, by name.
    dimension_labels: HashMap<String, DimensionLabel>,
}

/// The declared dimensions by name; built-in names, duplicates and empty
/// labels are errors.
fn declared_dimensions(
    dimensions: &[CustomDimension],
) -> Result<HashMap<String, DimensionLabel>, UnitError> {
    let mut labels = HashMap::new();
    for d in dimensions {
        let name = d.name.trim().to_string();
        let bad = |problem| UnitError::BadDimension {
            dimension: name.clone(),
            problem,
        };
        if name.is_empty() || d.label.zh.trim().is_empty() || d.label.en.trim().is_empty() {
            return Err(bad("needs a name and a label in zh and en"));
        }
        if Dimension::BUILTIN.iter().any(|b| b.name() == name) {
            return Err(bad("is built in; declare only new dimensions"));
        }
        if labels.insert(name.clone(), d.label.clone()).is_some() {
            return Err(bad("is declared more than once"));
        }
    }
    Ok(labels)
}

impl Default for UnitCatalog {
    fn default() -> Self {
        UnitCatalog::builtin()
    }
}

impl UnitCatalog {
    /// The built-in catalogue.
    pub fn builtin() -> UnitCatalog {
        let mut units = Vec::new();
        let mut names = Vec::new();
        for (zh, aliases, dimension, factor, en, en_exponent) in builtin_specs() {
            let index = units.len();
            let en = match en {
                En::P(s) => EnForm::Prefix(s.to_string()),
                En::S(singular, plural) => EnForm::Suffix {
                    singular: singular.to_string(),
                    plural: plural.to_string(),
                },
                En::A(s) => EnForm::Attached(s.to_string()),
                En::B => EnForm::Bare,
            };
            units.push(Unit {
                zh: zh.to_string(),
                base_zh: dimension.base_symbol(Lang::Zh).unwrap_or("").to_string(),
                base_en: dimension.base_symbol(Lang::En).unwrap_or("").to_string(),
                dimension,
                factor,
                en,
                en_exponent,
                builtin: true,
            });
            names.push((zh.to_string(), index));
            names.extend(aliases.iter().map(|a| (a.to_string(), index)));
        }
        UnitCatalog::new(units, names)
    }

    fn new(units: Vec<Unit>, names: Vec<(String, usize)>) -> UnitCatalog {
        let mut by_name = HashMap::with_capacity(names.len());
        for (name, index) in &names {
            by_name.entry(name.clone()).or_insert(*index);
        }
        let mut longest_first: Vec<(Vec<char>, usize)> = names
            .iter()
            .filter(|(name, _)| !name.is_empty())
            .map(|(name, index)| (name.chars().collect(), *index))
            .collect();
        longest_first.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
        UnitCatalog {
            units,
            names,
            by_name,
            longest_first,
            dimension_labels: HashMap::new(),
        }
    }

    /// The built-in catalogue extended with a site's units. A custom unit
    /// with the name of a built-in unit (or alias) of the same dimension
    /// replaces it in place; one with another dimension is an error, as are
    /// non-positive factors, mismatched bases and duplicates.
    ///
    /// A unit's dimension must be built in or one of `dimensions`, which the
    /// site declares with a heading per language.
    pub fn with_custom(
        custom: &[CustomUnit],
        dimensions: &[CustomDimension],
    ) -> Result<UnitCatalog, UnitError> {
        let mut catalog = UnitCatalog::builtin();
        catalog.dimension_labels = declared_dimensions(dimensions)?;
        let mut seen: Vec<String> = Vec::new();
        for c in custom {
            let unit = c.to_unit()?;
            if let Dimension::Other(name) = &unit.dimension {
                if !catalog.dimension_labels.contains_key(name) {
                    return Err(UnitError::UnknownDimension {
                        unit: unit.zh,
                        dimension: name.clone(),
                    });
                }
            }
            if seen.contains(&unit.zh) {
                return Err(UnitError::Duplicate { unit: unit.zh });
            }
            seen.push(unit.zh.clone());
            match catalog.names.iter().position(|(n, _)| *n == unit.zh) {
                Some(pos) => {
                    let index = catalog.names[pos].1;
                    let existing = &catalog.units[index];
                    if existing.dimension != unit.dimension {
                        return Err(UnitError::RedefinesBuiltin {
                            builtin: existing.dimension.name().to_string(),
                            custom: unit.dimension.name().to_string(),
                            unit: unit.zh,
                        });
                    }
                    if existing.zh == unit.zh {
                        catalog.units[index] = unit;
                    } else {
                        // Redefining an alias: it becomes a unit of its own.
                        catalog.names[pos].1 = catalog.units.len();
                        catalog.units.push(unit);
                    }
                }
                None => {
                    catalog.names.push((unit.zh.clone(), catalog.units.len()));
                    catalog.units.push(unit);
                }
            }
        }
        let labels = catalog.dimension_labels;
        Ok(UnitCatalog {
            dimension_labels: labels,
            ..UnitCatalog::new(catalog.units, catalog.names)
        })
    }

    /// The heading of a dimension: the built-in label, or the one the site
    /// declared (its name when it declared none).
    pub fn dimension_label<'d>(&'d self, dimension: &'d Dimension, lang: Lang) -> &'d str {
        match dimension {
            Dimension::Other(name) => {
                self.dimension_labels
                    .get(name)
                    .map_or(name.as_str(), |l| match lang {
                        Lang::Zh => &l.zh,
                        Lang::En => &l.en,
                    })
            }
            builtin => builtin.label(lang),
        }
    }

    /// Finds a unit by its Chinese name or alias (`日` → `天`, `月` → `个月`,
    /// `％` → `%`); surrounding whitespace is ignored.
    pub fn lookup(&self, zh: &str) -> Option<&Unit> {
        self.by_name.get(zh.trim()).map(|&i| &self.units[i])
    }

    /// The unit whose name (or alias) is written at `chars[i..]`, the
    /// longest name first, with the name's length in characters.
    pub fn unit_written_at(&self, chars: &[char], i: usize) -> Option<(&Unit, usize)> {
        self.longest_first
            .iter()
            .find(|(name, _)| chars.get(i..).is_some_and(|rest| rest.starts_with(name)))
            .map(|(name, index)| (&self.units[*index], name.len()))
    }

    /// Like [`lookup`](Self::lookup), but an unknown unit is an error whose
    /// message lists every known unit.
    pub fn resolve(&self, zh: &str) -> Result<&Unit, UnitError> {
        self.lookup(zh).ok_or_else(|| UnitError::Unknown {
            unit: zh.trim().to_string(),
            known: self.known_units().into_iter().map(String::from).collect(),
        })
    }

    /// Every accepted unit name in catalogue order (built-ins first, each
    /// followed by its aliases, then custom units in declaration order).
    pub fn known_units(&self) -> Vec<&str> {
        self.names.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The distinct units in catalogue order.
    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.iter()
    }
}

// ---------------------------------------------------------------------------
// Decimal arithmetic
// ---------------------------------------------------------------------------

/// Significant digits kept from an f64; the rest is float noise.
const SIGNIFICANT_DIGITS: usize = 15;

/// A finite decimal: `±digits × 10^exp`, with no leading or trailing zeros in
/// `digits` (empty `digits` is zero).
#[derive(Clone, Debug, PartialEq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i32,
}

impl Decimal {
    /// The value rounded to 15 significant digits; `None` for NaN / ±∞.
    fn from_f64(value: f64) -> Option<Decimal> {
        if !value.is_finite() {
            return None;
        }
        if value == 0.0 {
            return Some(Decimal {
                negative: false,
                digits: Vec::new(),
                exp: 0,
            });
        }
        // The shortest text that reads back as `value`, e.g. "1.2e4". When
        // it has at most 15 digits it is also the value rounded to 15
        // digits (15-digit steps are wider than two steps of an f64), and
        // far cheaper to get than the exact rounding, e.g. "1.19999999999999e4".
        let mut text = format!("{:e}", value.abs());
        let shortest_digits = text
            .bytes()
            .take_while(|&b| b != b'e')
            .filter(u8::is_ascii_digit)
            .count();
        if shortest_digits > SIGNIFICANT_DIGITS {
            text = format!("{:.*e}", SIGNIFICANT_DIGITS - 1, value.abs());
        }
        let (mantissa, exponent) = text.split_once('e')?;
        let exponent: i32 = exponent.parse().ok()?;
        let mut digits: Vec<u8> = mantissa
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let mut exp = exponent - (digits.len() as i32 - 1);
        while digits.last() == Some(&0) {
            digits.pop();
            exp += 1;
        }
        while digits.first() == Some(&0) {
            digits.remove(0);
        }
        if digits.is_empty() {
            exp = 0;
        }
        Some(Decimal {
            negative: value < 0.0,
            digits,
            exp,
        })
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Multiplies by 10^by (exact).
    fn shifted(&self, by: i32) -> Decimal {
        let mut d = self.clone();
        if !d.is_zero() {
            d.exp = d.exp.saturating_add(by);
        }
        d
    }

    /// Number of digits before the decimal point (may be ≤ 0 for values < 1).
    fn int_digits(&self) -> i64 {
        self.digits.len() as i64 + self.exp as i64
    }

    /// Number of digits after the decimal point.
    fn decimals(&self) -> u64 {
        if self.exp < 0 {
            self.exp.unsigned_abs() as u64
        } else {
            0
        }
    }

    /// (integer part, fraction part) as ASCII digit strings, unsigned.
    fn parts(&self) -> (String, String) {
        if self.is_zero() {
            return ("0".into(), String::new());
        }
        let digits: String = self.digits.iter().map(|d| (b'0' + d) as char).collect();
        if self.exp >= 0 {
            let zeros = "0".repeat(self.exp as usize);
            return (digits + &zeros, String::new());
        }
        let int_len = self.int_digits();
        if int_len > 0 {
            let (i, f) = digits.split_at(int_len as usize);
            (i.to_string(), f.to_string())
        } else {
            let zeros = "0".repeat(int_len.unsigned_abs() as usize);
            ("0".into(), zeros + &digits)
        }
    }

    /// Plain decimal text, optionally with comma thousands separators.
    fn to_text(&self, group: bool) -> String {
        let (int, frac) = self.parts();
        let int = if group { group_thousands(&int) } else { int };
        let mut out = String::new();
        if self.negative && !self.is_zero() {
            out.push('-');
        }
        out.push_str(&int);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(&frac);
        }
        out
    }

    fn to_f64(&self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        let digits: String = self.digits.iter().map(|d| (b'0' + d) as char).collect();
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}{digits}e{}", self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// If this is exactly a power of ten, its exponent.
    fn power_of_ten(&self) -> Option<i32> {
        (!self.negative && self.digits == [1]).then_some(self.exp)
    }

    /// Rounded half away from zero to a multiple of 10^at.
    fn rounded_at(&self, at: i32) -> Decimal {
        if self.is_zero() || self.exp >= at {
            return self.clone();
        }
        let drop = (i64::from(at) - i64::from(self.exp)) as usize;
        let keep = self.digits.len().saturating_sub(drop);
        let round_up = drop <= self.digits.len() && self.digits[keep] >= 5;
        let mut digits = self.digits[..keep].to_vec();
        if round_up {
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        let mut exp = at;
        while digits.last() == Some(&0) {
            digits.pop();
            exp += 1;
        }
        Decimal {
            negative: self.negative && !digits.is_empty(),
            exp: if digits.is_empty() { 0 } else { exp },
            digits,
        }
    }

    /// Rounded to [`BASE_DIGITS`] significant digits, or, when `keep_int`,
    /// to at least its integer digits (`173333.3` → `173333`, `666.67` →
    /// `667`, `0.0026667` → `0.00267`).
    fn rounded_for_reading(&self, keep_int: bool) -> Decimal {
        let at = self.int_digits() - BASE_DIGITS;
        let at = if keep_int { at.min(0) } else { at };
        self.rounded_at(at.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
    }
}

/// Significant digits of an amount in base units as the dashboard shows it.
const BASE_DIGITS: i64 = 3;

fn group_thousands(int: &str) -> String {
    let len = int.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text for NaN and infinities (never a panic, never "NaN" on a page).
fn non_finite_text(value: f64) -> &'static str {
    if value.is_nan() {
        "—"
    } else if value > 0.0 {
        "∞"
    } else {
        "-∞"
    }
}

/// English amount: comma-grouped, or with million / billion / trillion when
/// the value is at least a million and the mantissa has at most 4 decimals.
fn english_amount(d: &Decimal) -> String {
    const WORDS: [(i32, &str); 3] = [(12, "trillion"), (9, "billion"), (6, "million")];
    if d.int_digits() >= 7 {
        for (power, word) in WORDS {
            if d.int_digits() > power as i64 {
                let mantissa = d.shifted(-power);
                if mantissa.decimals() <= 4 {
                    return format!("{} {word}", mantissa.to_text(true));
                }
                break;
            }
        }
    }
    d.to_text(true)
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

/// Renders a figure as the report wrote it (`value` in `unit`, with an
/// optional qualifier) in the given language. `noun`, the English noun a
/// translation gives a counted figure, replaces the unit's own English word.
///
/// Chinese: `近 30 亿元`, `超 400 亿元`, `133 万余平方米`, `2000 余人`,
/// `100 人以上`, `70%`, `超 70%`. English: `nearly CNY 3 billion`,
/// `more than CNY 40 billion`, `over 1.33 million m²`, `100 people or more`,
/// `6,806` (台: no safe English noun), `1 firm`. Never panics: NaN renders as
/// `—`, infinities as `∞`.
pub(crate) fn format_value(
    value: f64,
    unit: &Unit,
    qualifier: Option<Qualifier>,
    noun: Option<&Noun>,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format_zh(value, unit, qualifier),
        Lang::En => format_en(value, unit, qualifier, noun),
    }
}

fn format_zh(value: f64, unit: &Unit, qualifier: Option<Qualifier>) -> String {
    let decimal = Decimal::from_f64(value);
    let number = match &decimal {
        Some(d) => d.to_text(false),
        None => non_finite_text(value).to_string(),
    };
    let zh = unit.zh();
    let space = if unit.zh_attached() { "" } else { " " };
    let Some(q) = qualifier else {
        return format!("{number}{space}{zh}");
    };
    let word = q.zh_word(unit);
    match q.zh_place(unit) {
        ZhPlace::BeforeNumber => format!("{word} {number}{space}{zh}"),
        ZhPlace::AfterUnit => format!("{number}{space}{zh}{word}"),
        ZhPlace::AfterScale => {
            let (scale, rest) = split_zh_scale(zh);
            let round = decimal.is_some_and(|d| d.exp >= 1 && !d.is_zero());
            match q {
                // 多 follows a round number directly (30 多亿元, 80 多家) and
                // a number ending in 1–9 after its measure (3 万多人, 5 天多).
                Qualifier::Plus if round => format!("{number} {word}{zh}"),
                Qualifier::Plus if scale.is_empty() => format!("{number} {zh}{word}"),
                _ => format!("{number} {scale}{word}{rest}"),
            }
        }
    }
}

fn format_en(value: f64, unit: &Unit, qualifier: Option<Qualifier>, noun: Option<&Noun>) -> String {
    let (amount, is_one) = match Decimal::from_f64(value) {
        Some(d) => {
            let d = d.shifted(unit.en_exponent);
            let one = d.digits == [1] && d.exp == 0;
            (english_amount(&d), one)
        }
        None => (non_finite_text(value).to_string(), false),
    };
    let body = match (&unit.en, noun) {
        (EnForm::Suffix { .. } | EnForm::Bare, Some(noun)) => {
            format!("{amount} {}", noun.for_amount(is_one))
        }
        (EnForm::Prefix(symbol), _) => format!("{symbol} {amount}"),
        (EnForm::Suffix { singular, plural }, None) => {
            let word = if is_one { singular } else { plural };
            format!("{amount} {word}")
        }
        (EnForm::Attached(symbol), _) => format!("{amount}{symbol}"),
        (EnForm::Bare, None) => amount,
    };
    let Some(q) = qualifier else {
        return body;
    };
    let spec = q.spec();
    let words = match spec.en_count {
        Some(count_words) if unit.dimension == Dimension::Count => count_words,
        _ => spec.en,
    };
    match spec.en_place {
        EnPlace::Before => format!("{words} {body}"),
        EnPlace::After => format!("{body} {words}"),
    }
}

/// The value in the dimension's base unit (`130 亿元` → `1.3e10` CNY,
/// `4.3 万平方米` → `43000.0` m²). Power-of-ten factors are applied exactly
/// in decimal; other factors by multiplication, rounded to 15 significant
/// digits. NaN and infinities pass through.
pub fn normalized(value: f64, unit: &Unit) -> f64 {
    let Some(d) = Decimal::from_f64(value) else {
        return value * unit.factor;
    };
    let power = Decimal::from_f64(unit.factor).and_then(|f| f.power_of_ten());
    match power {
        Some(p) => d.shifted(p).to_f64(),
        None => {
            let product = value * unit.factor;
            Decimal::from_f64(product).map_or(product, |d| d.to_f64())
        }
    }
}

/// A bare number for tables (e.g. a normalised value): rounded to 15
/// significant digits to drop float noise, comma-grouped in English
/// (`1,330,000`, `0.5`), ungrouped in Chinese (`1330000`). Never uses
/// scale words. NaN renders as `—`, infinities as `∞`.
pub(crate) fn format_plain_number(value: f64, lang: Lang) -> String {
    match Decimal::from_f64(value) {
        Some(d) => d.to_text(lang == Lang::En),
        None => non_finite_text(value).to_string(),
    }
}

/// A number with a unit symbol: `43000 平方米`, `43,000 m²`, `70%`
/// (attached when the symbol does not start with a letter or digit).
fn with_symbol(number: &str, symbol: &str) -> String {
    match symbol.chars().next() {
        None => number.to_string(),
        Some(c) if c.is_alphanumeric() => format!("{number} {symbol}"),
        Some(_) => format!("{number}{symbol}"),
    }
}

/// An amount in `unit`'s base unit (a [`normalized`] value) written for
/// readers, e.g. on the dashboard. Precision: three significant digits,
/// but never fewer than the integer digits, except that large amounts
/// (from 10^5 in Chinese, 10^6 in English) are scaled and keep three
/// significant digits:
///
/// * Chinese: no digit grouping; 万 / 亿 / 万亿 from 10^5:
///   `17.3 万平方米`, `400 亿元`, `5000 万元`, `43000 平方米`, `667 平方米`.
/// * English: comma-grouped; million / billion / trillion from 10^6;
///   currencies before the number: `173,333 m²`, `CNY 40 billion`,
///   `1.33 million m²`, `667 m²`, `2,000` (counts have no English base).
///
/// Percentages (and other attached symbols) are never scaled: `54.5%`.
/// The raw value stays in the exports. NaN renders as `—`, infinities as `∞`.
pub(crate) fn format_base_amount(value: f64, unit: &Unit, lang: Lang) -> String {
    let base = unit.base_symbol(lang);
    let Some(d) = Decimal::from_f64(value) else {
        return with_symbol(non_finite_text(value), base);
    };
    let scalable = base.chars().next().is_none_or(char::is_alphanumeric);
    let int_digits = d.int_digits();
    match lang {
        Lang::Zh => {
            const SCALES: [(i32, &str); 3] = [(12, "万亿"), (8, "亿"), (4, "万")];
            let scale = SCALES
                .iter()
                .find(|(power, _)| scalable && int_digits > i64::from(*power) && int_digits >= 6);
            match scale {
                Some(&(power, word)) => {
                    let n = d.rounded_for_reading(false).shifted(-power).to_text(false);
                    format!("{n} {word}{base}")
                }
                None => with_symbol(&d.rounded_for_reading(true).to_text(false), base),
            }
        }
        Lang::En => {
            let n = if scalable && int_digits >= 7 {
                english_amount(&d.rounded_for_reading(false))
            } else {
                d.rounded_for_reading(true).to_text(true)
            };
            match unit.dimension() {
                Dimension::CurrencyCny | Dimension::CurrencyUsd => format!("{base} {n}"),
                _ => with_symbol(&n, base),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Qualifier::{About, Nearly, Over};

    /// (value, unit, qualifier, expected zh, expected en).
    type Case = (
        f64,
        &'static str,
        Option<Qualifier>,
        &'static str,
        &'static str,
    );

    const N: Option<Qualifier> = None;
    const NEARLY: Option<Qualifier> = Some(Nearly);
    const ABOUT: Option<Qualifier> = Some(About);
    const OVER: Option<Qualifier> = Some(Over);

    const CASES: &[Case] = &[
        // Currency (CNY).
        (500.0, "元", N, "500 元", "CNY 500"),
        (12345.0, "元", N, "12345 元", "CNY 12,345"),
        (1.5, "万元", N, "1.5 万元", "CNY 15,000"),
        (1900.0, "万元", N, "1900 万元", "CNY 19 million"),
        (123.4567, "万元", N, "123.4567 万元", "CNY 1,234,567"),
        (30.0, "亿元", NEARLY, "近 30 亿元", "nearly CNY 3 billion"),
        (7.0, "亿元", ABOUT, "约 7 亿元", "about CNY 700 million"),
        (30.0, "亿元", OVER, "30 亿余元", "over CNY 3 billion"),
        (130.0, "亿元", N, "130 亿元", "CNY 13 billion"),
        (0.5, "亿元", N, "0.5 亿元", "CNY 50 million"),
        (824.0, "亿元", N, "824 亿元", "CNY 82.4 billion"),
        (0.03, "亿元", N, "0.03 亿元", "CNY 3 million"),
        (12345.0, "亿元", N, "12345 亿元", "CNY 1.2345 trillion"),
        (1.1, "亿元", N, "1.1 亿元", "CNY 110 million"),
        (0.0001, "亿元", N, "0.0001 亿元", "CNY 10,000"),
        (1.2, "万亿元", N, "1.2 万亿元", "CNY 1.2 trillion"),
        (3.0, "万亿元", OVER, "3 万亿余元", "over CNY 3 trillion"),
        // Currency (USD).
        (3.5, "美元", N, "3.5 美元", "USD 3.5"),
        (50.0, "万美元", N, "50 万美元", "USD 500,000"),
        (2.6, "亿美元", OVER, "2.6 亿余美元", "over USD 260 million"),
        (
            1.0,
            "亿美元",
            NEARLY,
            "近 1 亿美元",
            "nearly USD 100 million",
        ),
        // Area.
        (1500.0, "平方米", N, "1500 平方米", "1,500 m²"),
        (1.0, "平方米", N, "1 平方米", "1 m²"),
        (
            133.0,
            "万平方米",
            OVER,
            "133 万余平方米",
            "over 1.33 million m²",
        ),
        (200.0, "万平方米", N, "200 万平方米", "2 million m²"),
        (4.3, "万平方米", N, "4.3 万平方米", "43,000 m²"),
        (6.0, "万平方米", OVER, "6 万余平方米", "over 60,000 m²"),
        (
            4.35,
            "万平方米",
            ABOUT,
            "约 4.35 万平方米",
            "about 43,500 m²",
        ),
        (9.0, "平方公里", N, "9 平方公里", "9 km²"),
        (2.5, "平方公里", NEARLY, "近 2.5 平方公里", "nearly 2.5 km²"),
        (300.0, "亩", N, "300 亩", "300 mu"),
        (1.0, "亩", N, "1 亩", "1 mu"),
        (50.0, "万亩", OVER, "50 万余亩", "over 500,000 mu"),
        (12.0, "公顷", N, "12 公顷", "12 hectares"),
        (1.0, "公顷", N, "1 公顷", "1 hectare"),
        // Mass.
        (500.0, "千克", N, "500 千克", "500 kg"),
        (1.0, "吨", N, "1 吨", "1 tonne"),
        (0.001, "吨", N, "0.001 吨", "0.001 tonnes"),
        (3000.0, "吨", OVER, "3000 余吨", "over 3,000 tonnes"),
        (20.0, "万吨", N, "20 万吨", "200,000 tonnes"),
        (3.2, "亿吨", N, "3.2 亿吨", "320 million tonnes"),
        // Power.
        (800.0, "千瓦", N, "800 千瓦", "800 kW"),
        (1.2, "万千瓦", N, "1.2 万千瓦", "12,000 kW"),
        (500.0, "万千瓦", OVER, "500 万余千瓦", "over 5 million kW"),
        (30.0, "兆瓦", N, "30 兆瓦", "30 MW"),
        // Energy.
        (1200.0, "千瓦时", N, "1200 千瓦时", "1,200 kWh"),
        (3.6, "万千瓦时", N, "3.6 万千瓦时", "36,000 kWh"),
        (
            12.0,
            "亿千瓦时",
            ABOUT,
            "约 12 亿千瓦时",
            "about 1.2 billion kWh",
        ),
        // Percent.
        (70.0, "%", N, "70%", "70%"),
        (54.5, "%", N, "54.5%", "54.5%"),
        (30.0, "%", NEARLY, "近 30%", "nearly 30%"),
        (40.0, "%", ABOUT, "约 40%", "about 40%"),
        (70.0, "%", OVER, "超 70%", "over 70%"),
        (-5.0, "%", N, "-5%", "-5%"),
        (0.1 + 0.2, "%", N, "0.3%", "0.3%"),
        // Counts.
        (130.0, "个", OVER, "130 余个", "over 130"),
        (1.0, "个", N, "1 个", "1"),
        (35.0, "家", N, "35 家", "35 firms"),
        (1.0, "家", N, "1 家", "1 firm"),
        (500.0, "家次", OVER, "500 余家次", "over 500 visits"),
        (1.0, "家次", N, "1 家次", "1 visit"),
        (12.0, "条", N, "12 条", "12"),
        (128.0, "项", N, "128 项", "128"),
        (1.0, "项", N, "1 项", "1"),
        (2300.0, "件", NEARLY, "近 2300 件", "nearly 2,300"),
        (6806.0, "台", N, "6806 台", "6,806"),
        (1.0, "台", N, "1 台", "1"),
        (200.0, "套", N, "200 套", "200"),
        (1200.0, "辆", N, "1200 辆", "1,200 vehicles"),
        (1.0, "栋", N, "1 栋", "1 building"),
        (3.0, "座", N, "3 座", "3"),
        (6.0, "所", N, "6 所", "6"),
        (1.0, "户", N, "1 户", "1 household"),
        (5000.0, "户", ABOUT, "约 5000 户", "about 5,000 households"),
        (2000.0, "人", OVER, "2000 余人", "over 2,000 people"),
        (1.0, "人", N, "1 人", "1 person"),
        (500.0, "人", NEARLY, "近 500 人", "nearly 500 people"),
        (80.0, "人", ABOUT, "约 80 人", "about 80 people"),
        (45.0, "名", N, "45 名", "45 people"),
        (3.0, "万人", N, "3 万人", "30,000 people"),
        (1.0, "万人", OVER, "1 万余人", "over 10,000 people"),
        (800.0, "人次", N, "800 人次", "800 person-times"),
        (150.0, "万人次", N, "150 万人次", "1.5 million person-times"),
        (3.0, "次", N, "3 次", "3"),
        // Durations.
        (60.0, "分钟", N, "60 分钟", "60 minutes"),
        (1.0, "分钟", N, "1 分钟", "1 minute"),
        (2.0, "小时", N, "2 小时", "2 hours"),
        (3.0, "天", N, "3 天", "3 days"),
        (1.0, "天", N, "1 天", "1 day"),
        (10.0, "天", OVER, "10 余天", "over 10 days"),
        (2.0, "周", N, "2 周", "2 weeks"),
        (6.0, "个月", N, "6 个月", "6 months"),
        (1.0, "个月", NEARLY, "近 1 个月", "nearly 1 month"),
        (10.0, "年", OVER, "10 余年", "over 10 years"),
        (0.5, "年", N, "0.5 年", "0.5 years"),
        // Zero, negative, small, large.
        (0.0, "亿元", N, "0 亿元", "CNY 0"),
        (-0.0, "家", N, "0 家", "0 firms"),
        (-3.0, "亿元", N, "-3 亿元", "CNY -300 million"),
        (-1.0, "天", N, "-1 天", "-1 day"),
        (1e-9, "吨", N, "0.000000001 吨", "0.000000001 tonnes"),
        (
            1e12,
            "亿元",
            N,
            "1000000000000 亿元",
            "CNY 100,000,000 trillion",
        ),
        (1234567.0, "元", N, "1234567 元", "CNY 1,234,567"),
        (1234500.0, "元", N, "1234500 元", "CNY 1.2345 million"),
        (1000000.5, "元", N, "1000000.5 元", "CNY 1,000,000.5"),
        (999999.0, "元", N, "999999 元", "CNY 999,999"),
        // Non-finite values.
        (f64::NAN, "亿元", N, "— 亿元", "CNY —"),
        (f64::INFINITY, "%", OVER, "超 ∞%", "over ∞%"),
        (f64::NEG_INFINITY, "人", N, "-∞ 人", "-∞ people"),
    ];

    fn check(catalog: &UnitCatalog, cases: &[Case]) {
        let mut failures = Vec::new();
        for &(value, unit, q, zh, en) in cases {
            let u = catalog
                .lookup(unit)
                .unwrap_or_else(|| panic!("unit {unit} missing"));
            let got_zh = format_value(value, u, q, None, Lang::Zh);
            let got_en = format_value(value, u, q, None, Lang::En);
            if got_zh != zh || got_en != en {
                failures.push(format!(
                    "({value}, {unit}, {q:?}): got ({got_zh:?}, {got_en:?}), want ({zh:?}, {en:?})"
                ));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn formats_table() {
        check(&UnitCatalog::builtin(), CASES);
    }

    #[test]
    fn every_builtin_unit_is_covered_by_the_table() {
        let catalog = UnitCatalog::builtin();
        for unit in catalog.units() {
            assert!(
                CASES.iter().any(|c| c.1 == unit.zh()),
                "no formatting case for {}",
                unit.zh()
            );
        }
    }

    #[test]
    fn every_qualifier_in_both_languages() {
        let catalog = UnitCatalog::builtin();
        for q in [Nearly, About, Over] {
            for unit in ["亿元", "%", "人"] {
                assert!(
                    CASES.iter().any(|c| c.1 == unit && c.2 == Some(q)),
                    "no case for {unit} with {q}"
                );
            }
        }
        let u = catalog.lookup("亿元").unwrap();
        assert_eq!(format_value(7.0, u, None, None, Lang::Zh), "7 亿元");
    }

    #[test]
    fn aliases_resolve_to_canonical_units() {
        let catalog = UnitCatalog::builtin();
        for (alias, canonical) in [
            ("日", "天"),
            ("月", "个月"),
            ("％", "%"),
            ("平方千米", "平方公里"),
            ("公斤", "千克"),
            ("星期", "周"),
            (" 亿元 ", "亿元"),
        ] {
            assert_eq!(catalog.lookup(alias).unwrap().zh(), canonical, "{alias}");
        }
        let day = catalog.lookup("日").unwrap();
        assert_eq!(format_value(3.0, day, None, None, Lang::Zh), "3 天");
        assert_eq!(format_value(3.0, day, None, None, Lang::En), "3 days");
        let month = catalog.lookup("月").unwrap();
        assert_eq!(
            format_value(6.0, month, Some(Over), None, Lang::Zh),
            "6 余个月"
        );
    }

    #[test]
    fn unknown_unit_lists_known_units() {
        let catalog = UnitCatalog::builtin();
        assert!(catalog.lookup("斤").is_none());
        let known = catalog.known_units();
        assert_eq!(&known[..4], &["元", "万元", "亿元", "万亿元"]);
        assert!(known.contains(&"日") && known.contains(&"家次"));
        assert_eq!(known.last(), Some(&"年"));
        let err = catalog.resolve("斤").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("unknown unit `斤`; known units: 元, 万元, 亿元, 万亿元, 美元, "),
            "{msg}"
        );
        assert!(msg.ends_with(", 个月, 月, 年"), "{msg}");
        assert_eq!(catalog.resolve("亿元").unwrap().zh(), "亿元");
    }

    #[test]
    fn dimensions_factors_and_bases() {
        let catalog = UnitCatalog::builtin();
        let expect = [
            ("亿元", "currency_cny", 1e8, "元", "CNY"),
            ("万美元", "currency_usd", 1e4, "美元", "USD"),
            ("万平方米", "area", 1e4, "平方米", "m²"),
            ("平方公里", "area", 1e6, "平方米", "m²"),
            ("万吨", "mass", 1e4, "吨", "t"),
            ("兆瓦", "power", 1e3, "千瓦", "kW"),
            ("万千瓦时", "energy", 1e4, "千瓦时", "kWh"),
            ("%", "percent", 1.0, "%", "%"),
            ("家次", "count", 1.0, "个", ""),
            ("年", "duration", 365.25, "天", "days"),
        ];
        for (zh, dim, factor, base_zh, base_en) in expect {
            let u = catalog.lookup(zh).unwrap();
            assert_eq!(u.dimension().name(), dim, "{zh}");
            assert_eq!(u.factor(), factor, "{zh}");
            assert_eq!(u.base_symbol(Lang::Zh), base_zh, "{zh}");
            assert_eq!(u.base_symbol(Lang::En), base_en, "{zh}");
            assert!(u.is_builtin());
        }
        // Power and energy, CNY and USD are different dimensions.
        let dim = |zh| catalog.lookup(zh).unwrap().dimension().clone();
        assert_ne!(dim("千瓦"), dim("千瓦时"));
        assert_ne!(dim("亿元"), dim("亿美元"));
        assert_eq!(Dimension::CurrencyCny.label(Lang::Zh), "金额 (人民币)");
        assert_eq!(Dimension::CurrencyCny.label(Lang::En), "Amount (CNY)");
        assert_eq!(Dimension::Area.label(Lang::Zh), "面积");
        assert_eq!(Dimension::Area.label(Lang::En), "Area");
        for d in Dimension::BUILTIN {
            assert_eq!(Dimension::from_name(d.name()), d);
            assert!(!d.label(Lang::Zh).is_empty() && !d.label(Lang::En).is_empty());
        }
        assert_eq!(
            Dimension::from_name("volume"),
            Dimension::Other("volume".into())
        );
        assert_eq!(catalog.lookup("台").unwrap().en(), "");
        assert_eq!(catalog.lookup("家").unwrap().en(), "firms");
        assert_eq!(catalog.lookup("亿元").unwrap().en(), "CNY");
        assert_eq!(catalog.lookup("个").unwrap().en(), "");
    }

    #[test]
    fn normalized_values_are_exact() {
        let catalog = UnitCatalog::builtin();
        let norm = |v, zh| normalized(v, catalog.lookup(zh).unwrap());
        assert_eq!(norm(4.3, "万平方米"), 43000.0);
        assert_eq!(norm(1.2, "万千瓦"), 12000.0);
        assert_eq!(norm(130.0, "亿元"), 13_000_000_000.0);
        assert_eq!(norm(0.03, "亿元"), 3_000_000.0);
        assert_eq!(norm(1.1, "亿元"), 110_000_000.0);
        assert_eq!(norm(9.0, "平方公里"), 9_000_000.0);
        assert_eq!(norm(15.0, "亩"), 10_000.0);
        assert_eq!(norm(3.0, "亩"), 2_000.0);
        assert_eq!(norm(30.0, "兆瓦"), 30_000.0);
        assert_eq!(norm(500.0, "千克"), 0.5);
        assert_eq!(norm(6.0, "个月"), 182.625);
        assert_eq!(norm(2.0, "周"), 14.0);
        assert_eq!(norm(-2.0, "万元"), -20_000.0);
        assert!(norm(f64::NAN, "亿元").is_nan());
        assert_eq!(norm(f64::INFINITY, "亿元"), f64::INFINITY);
    }

    #[test]
    fn base_amounts_for_readers() {
        let units = UnitCatalog::builtin();
        // (value in base units, a unit of the dimension, zh, en)
        let cases: &[(f64, &str, &str, &str)] = &[
            (
                173_333.333_333_333,
                "万平方米",
                "17.3 万平方米",
                "173,333 m²",
            ),
            (4e10, "亿元", "400 亿元", "CNY 40 billion"),
            (3e9, "亿元", "30 亿元", "CNY 3 billion"),
            (1.3e10, "亿元", "130 亿元", "CNY 13 billion"),
            (5e7, "万元", "5000 万元", "CNY 50 million"),
            (51_234_567.0, "万元", "5120 万元", "CNY 51.2 million"),
            (
                1_234_567_890_123.0,
                "万亿元",
                "1.23 万亿元",
                "CNY 1.23 trillion",
            ),
            (99_999.0, "元", "99999 元", "CNY 99,999"),
            (100_000.0, "元", "10 万元", "CNY 100,000"),
            (999_999.6, "元", "100 万元", "CNY 1,000,000"),
            (43_000.0, "万平方米", "43000 平方米", "43,000 m²"),
            (666.666_666_666_667, "亩", "667 平方米", "667 m²"),
            (1_333_333.333, "平方公里", "133 万平方米", "1.33 million m²"),
            (0.002_666_7, "千克", "0.00267 吨", "0.00267 t"),
            (30.437_5, "个月", "30.4 天", "30.4 days"),
            (2000.0, "人", "2000 个", "2,000"),
            (250_000.0, "人", "25 万个", "250,000"),
            (54.5, "%", "54.5%", "54.5%"),
            (123_456.0, "%", "123456%", "123,456%"),
            (-2.5e9, "亿元", "-25 亿元", "CNY -2.5 billion"),
            (0.0, "吨", "0 吨", "0 t"),
            (f64::NAN, "吨", "— 吨", "— t"),
        ];
        for &(value, unit, zh, en) in cases {
            let u = units.lookup(unit).unwrap();
            assert_eq!(format_base_amount(value, u, Lang::Zh), zh, "{value} {unit}");
            assert_eq!(format_base_amount(value, u, Lang::En), en, "{value} {unit}");
        }
    }

    #[test]
    fn plain_numbers() {
        let cases = [
            (1_330_000.0, "1,330,000", "1330000"),
            (4.3 * 10000.0, "43,000", "43000"),
            (1.2 * 10000.0, "12,000", "12000"),
            (0.5, "0.5", "0.5"),
            (1234.5678, "1,234.5678", "1234.5678"),
            (-1234.0, "-1,234", "-1234"),
            (0.0, "0", "0"),
            (999.0, "999", "999"),
            (100.0, "100", "100"),
            (0.1 + 0.2, "0.3", "0.3"),
            (1.000_000_000_000_000_2, "1", "1"),
            (
                123_456_789_012_345.6,
                "123,456,789,012,346",
                "123456789012346",
            ),
            (
                1e21,
                "1,000,000,000,000,000,000,000",
                "1000000000000000000000",
            ),
            (f64::NAN, "—", "—"),
            (f64::NEG_INFINITY, "-∞", "-∞"),
        ];
        for (v, en, zh) in cases {
            assert_eq!(format_plain_number(v, Lang::En), en, "{v}");
            assert_eq!(format_plain_number(v, Lang::Zh), zh, "{v}");
        }
    }

    #[test]
    fn never_panics_on_extreme_values() {
        let catalog = UnitCatalog::builtin();
        let extremes = [
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            1e300,
            -1e-300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
        ];
        for unit in catalog.units() {
            for &v in &extremes {
                for q in [None, NEARLY, ABOUT, OVER] {
                    for lang in Lang::ALL {
                        assert!(!format_value(v, unit, q, None, lang).is_empty());
                    }
                }
                let _ = normalized(v, unit);
                let _ = format_plain_number(normalized(v, unit), Lang::En);
            }
        }
        let max = format_value(
            f64::MAX,
            catalog.lookup("万亿元").unwrap(),
            None,
            None,
            Lang::En,
        );
        assert!(max.starts_with("CNY 179,769,313,486,232,000,") && max.ends_with(" trillion"));
    }

    fn custom(zh: &str, en: &str, dimension: &str, factor: f64, base: &str) -> CustomUnit {
        CustomUnit {
            zh: zh.into(),
            en: en.into(),
            en_singular: None,
            dimension: dimension.into(),
            factor,
            base: BaseName::Same(base.into()),
            en_position: EnPosition::Suffix,
            en_exponent: 0,
        }
    }

    #[test]
    fn custom_units_from_yaml() {
        let yaml = r#"
- zh: 亿立方米
  en: m³
  dimension: volume
  factor: 100000000
  base: m³
  en_exponent: 8
- zh: 艘
  en: ships
  en_singular: ship
  dimension: count
  factor: 1
  base: 个
- zh: 亿港元
  en: HKD
  en_position: prefix
  dimension: currency_hkd
  factor: 1e8
  base: HKD
  en_exponent: 8
- zh: ‰
  en: ‰
  en_position: attached
  dimension: permille
  factor: 1
  base: ‰
- zh: 批
  en: ""
  dimension: count
  factor: 1
  base: ""
"#;
        let units: Vec<CustomUnit> = yaml_serde::from_str(yaml).unwrap();
        let dims: Vec<CustomDimension> = yaml_serde::from_str(
            "[{name: volume, label: {zh: 体积, en: Volume}}, {name: currency_hkd, label: {zh: 金额 (港元), en: Amount (HKD)}}, {name: permille, label: {zh: 千分比, en: Per mille}}]",
        )
        .unwrap();
        let catalog = UnitCatalog::with_custom(&units, &dims).unwrap();
        let cases: &[Case] = &[
            (12.0, "亿立方米", N, "12 亿立方米", "1.2 billion m³"),
            (3.0, "亿立方米", OVER, "3 亿余立方米", "over 300 million m³"),
            (12.0, "艘", N, "12 艘", "12 ships"),
            (1.0, "艘", ABOUT, "约 1 艘", "about 1 ship"),
            (
                5.5,
                "亿港元",
                NEARLY,
                "近 5.5 亿港元",
                "nearly HKD 550 million",
            ),
            (3.0, "‰", N, "3‰", "3‰"),
            (3.0, "‰", OVER, "超 3‰", "over 3‰"),
            (20.0, "批", OVER, "20 余批", "over 20"),
            // Built-ins still work next to custom units.
            (30.0, "亿元", NEARLY, "近 30 亿元", "nearly CNY 3 billion"),
        ];
        check(&catalog, cases);
        let vol = catalog.lookup("亿立方米").unwrap();
        assert!(!vol.is_builtin());
        assert_eq!(vol.dimension(), &Dimension::Other("volume".into()));
        assert_eq!(vol.dimension().label(Lang::En), "volume");
        assert_eq!(vol.base_symbol(Lang::Zh), "m³");
        assert_eq!(normalized(12.0, vol), 1_200_000_000.0);
        let ship = catalog.lookup("艘").unwrap();
        assert_eq!(ship.base_symbol(Lang::Zh), "个");
        assert_eq!(ship.base_symbol(Lang::En), "");
        let known = catalog.known_units();
        assert_eq!(
            &known[known.len() - 5..],
            &["亿立方米", "艘", "亿港元", "‰", "批"]
        );
    }

    #[test]
    fn custom_unit_may_replace_builtin_of_same_dimension() {
        let mut seat = custom("座", "bridges", "count", 1.0, "个");
        seat.en_singular = Some("bridge".into());
        let day = custom("日", "working days", "duration", 1.4, "天");
        let catalog = UnitCatalog::with_custom(&[seat, day], &[]).unwrap();
        check(
            &catalog,
            &[
                (3.0, "座", N, "3 座", "3 bridges"),
                (1.0, "座", N, "1 座", "1 bridge"),
                (5.0, "日", N, "5 日", "5 working days"),
                (5.0, "天", N, "5 天", "5 days"),
            ],
        );
        let builtin = UnitCatalog::builtin();
        // Replacement keeps the catalogue order and the number of names.
        assert_eq!(catalog.known_units(), builtin.known_units());
        assert_eq!(normalized(5.0, catalog.lookup("日").unwrap()), 7.0);
    }

    #[test]
    fn custom_unit_errors() {
        let err = |units: &[CustomUnit]| UnitCatalog::with_custom(units, &[]).unwrap_err();
        assert_eq!(
            err(&[custom("亿元", "CNY", "mass", 1e8, "t")]),
            UnitError::RedefinesBuiltin {
                unit: "亿元".into(),
                builtin: "currency_cny".into(),
                custom: "mass".into(),
            }
        );
        assert_eq!(
            err(&[custom("月", "moons", "count", 1.0, "个")]).to_string(),
            "custom unit `月` redefines the built-in duration unit as count"
        );
        for factor in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                err(&[custom("斤", "jin", "mass", factor, "t")]),
                UnitError::InvalidFactor { .. }
            ));
        }
        assert_eq!(
            err(&[custom("斤", "jin", "mass", 0.0005, "kg")]).to_string(),
            "custom unit `斤`: base `kg` is not the mass base unit `t`"
        );
        assert!(matches!(
            err(&[
                custom("斤", "jin", "mass", 0.0005, "t"),
                custom("斤", "jin", "mass", 0.0005, "吨"),
            ]),
            UnitError::Duplicate { .. }
        ));
        assert!(matches!(
            err(&[custom(" ", "x", "count", 1.0, "个")]),
            UnitError::Empty { field: "zh", .. }
        ));
        assert!(matches!(
            err(&[custom("斤", "jin", "", 1.0, "个")]),
            UnitError::Empty {
                field: "dimension",
                ..
            }
        ));
        let mut far = custom("斤", "jin", "mass", 0.0005, "t");
        far.en_exponent = 99;
        assert!(matches!(
            err(&[far]),
            UnitError::InvalidExponent { exponent: 99, .. }
        ));
        // Unknown YAML fields are rejected.
        let bad = "zh: 斤\nen: jin\ndimension: mass\nfactor: 0.0005\nbase: t\nplural: jin\n";
        assert!(yaml_serde::from_str::<CustomUnit>(bad).is_err());
        // An empty list is just the built-in catalogue.
        assert_eq!(
            UnitCatalog::with_custom(&[], &[]).unwrap(),
            UnitCatalog::default()
        );
    }

    /// Every qualifier with a money, an area and a count figure:
    /// (qualifier, [zh, en] for 400 亿元, for 12 万平方米, for 80 家).
    const QUALIFIED: &[(Qualifier, [(&str, &str); 3])] = {
        use Qualifier::*;
        &[
            (
                Nearly,
                [
                    ("近 400 亿元", "nearly CNY 40 billion"),
                    ("近 12 万平方米", "nearly 120,000 m²"),
                    ("近 80 家", "nearly 80 firms"),
                ],
            ),
            (
                Almost,
                [
                    ("将近 400 亿元", "almost CNY 40 billion"),
                    ("将近 12 万平方米", "almost 120,000 m²"),
                    ("将近 80 家", "almost 80 firms"),
                ],
            ),
            (
                CloseTo,
                [
                    ("接近 400 亿元", "close to CNY 40 billion"),
                    ("接近 12 万平方米", "close to 120,000 m²"),
                    ("接近 80 家", "close to 80 firms"),
                ],
            ),
            (
                About,
                [
                    ("约 400 亿元", "about CNY 40 billion"),
                    ("约 12 万平方米", "about 120,000 m²"),
                    ("约 80 家", "about 80 firms"),
                ],
            ),
            (
                Roughly,
                [
                    ("大约 400 亿元", "roughly CNY 40 billion"),
                    ("大约 12 万平方米", "roughly 120,000 m²"),
                    ("大约 80 家", "roughly 80 firms"),
                ],
            ),
            (
                Around,
                [
                    ("400 亿元左右", "around CNY 40 billion"),
                    ("12 万平方米左右", "around 120,000 m²"),
                    ("80 家左右", "around 80 firms"),
                ],
            ),
            (
                OrSo,
                [
                    ("400 亿元上下", "CNY 40 billion or so"),
                    ("12 万平方米上下", "120,000 m² or so"),
                    ("80 家上下", "80 firms or so"),
                ],
            ),
            (
                Over,
                [
                    ("400 亿余元", "over CNY 40 billion"),
                    ("12 万余平方米", "over 120,000 m²"),
                    ("80 余家", "over 80 firms"),
                ],
            ),
            (
                Plus,
                [
                    ("400 多亿元", "more than CNY 40 billion"),
                    ("12 万多平方米", "more than 120,000 m²"),
                    ("80 多家", "more than 80 firms"),
                ],
            ),
            (
                Exceeding,
                [
                    ("超 400 亿元", "more than CNY 40 billion"),
                    ("超 12 万平方米", "more than 120,000 m²"),
                    ("超 80 家", "more than 80 firms"),
                ],
            ),
            (
                MoreThan,
                [
                    ("超过 400 亿元", "more than CNY 40 billion"),
                    ("超过 12 万平方米", "more than 120,000 m²"),
                    ("超过 80 家", "more than 80 firms"),
                ],
            ),
            (
                UpwardsOf,
                [
                    ("逾 400 亿元", "over CNY 40 billion"),
                    ("逾 12 万平方米", "over 120,000 m²"),
                    ("逾 80 家", "over 80 firms"),
                ],
            ),
            (
                Surpassing,
                [
                    ("突破 400 亿元", "over CNY 40 billion"),
                    ("突破 12 万平方米", "over 120,000 m²"),
                    ("突破 80 家", "over 80 firms"),
                ],
            ),
            (
                AtLeast,
                [
                    ("至少 400 亿元", "at least CNY 40 billion"),
                    ("至少 12 万平方米", "at least 120,000 m²"),
                    ("至少 80 家", "at least 80 firms"),
                ],
            ),
            (
                OrMore,
                [
                    ("400 亿元以上", "CNY 40 billion or more"),
                    ("12 万平方米以上", "120,000 m² or more"),
                    ("80 家以上", "80 firms or more"),
                ],
            ),
            (
                Under,
                [
                    ("不到 400 亿元", "under CNY 40 billion"),
                    ("不到 12 万平方米", "under 120,000 m²"),
                    ("不到 80 家", "under 80 firms"),
                ],
            ),
            (
                LessThan,
                [
                    ("不足 400 亿元", "less than CNY 40 billion"),
                    ("不足 12 万平方米", "less than 120,000 m²"),
                    ("不足 80 家", "fewer than 80 firms"),
                ],
            ),
            (
                OrLess,
                [
                    ("400 亿元以下", "CNY 40 billion or less"),
                    ("12 万平方米以下", "120,000 m² or less"),
                    ("80 家以下", "80 firms or fewer"),
                ],
            ),
            (
                AtMost,
                [
                    ("最多 400 亿元", "at most CNY 40 billion"),
                    ("最多 12 万平方米", "at most 120,000 m²"),
                    ("最多 80 家", "at most 80 firms"),
                ],
            ),
            (
                Within,
                [
                    ("400 亿元以内", "up to CNY 40 billion"),
                    ("12 万平方米以内", "up to 120,000 m²"),
                    ("80 家以内", "up to 80 firms"),
                ],
            ),
        ]
    };

    #[test]
    fn every_qualifier_with_money_area_and_count() {
        let catalog = UnitCatalog::builtin();
        let mut cases = Vec::new();
        for &(q, forms) in QUALIFIED {
            for ((value, unit), (zh, en)) in [(400.0, "亿元"), (12.0, "万平方米"), (80.0, "家")]
                .into_iter()
                .zip(forms)
            {
                cases.push((value, unit, Some(q), zh, en));
            }
        }
        check(&catalog, &cases);
        assert_eq!(QUALIFIED.len(), Qualifier::ALL.len());
        for (row, q) in QUALIFIED.iter().zip(Qualifier::ALL) {
            assert_eq!(row.0, q, "the table follows Qualifier::ALL");
        }
    }

    #[test]
    fn qualifiers_as_newspapers_write_them() {
        use Qualifier::*;
        check(
            &UnitCatalog::builtin(),
            &[
                (
                    400.0,
                    "亿元",
                    Some(Exceeding),
                    "超 400 亿元",
                    "more than CNY 40 billion",
                ),
                (
                    120.0,
                    "亿元",
                    Some(Surpassing),
                    "突破 120 亿元",
                    "over CNY 12 billion",
                ),
                (50.0, "家", Some(UpwardsOf), "逾 50 家", "over 50 firms"),
                (
                    18.0,
                    "亿元",
                    Some(About),
                    "约 18 亿元",
                    "about CNY 1.8 billion",
                ),
                (3500.0, "人", Some(Over), "3500 余人", "over 3,500 people"),
                (
                    100.0,
                    "人",
                    Some(OrMore),
                    "100 人以上",
                    "100 people or more",
                ),
                (20.0, "天", Some(Around), "20 天左右", "around 20 days"),
                (10.0, "个", Some(Under), "不到 10 个", "under 10"),
                (
                    3.0,
                    "万人",
                    Some(Plus),
                    "3 万多人",
                    "more than 30,000 people",
                ),
                (5.0, "天", Some(Plus), "5 天多", "more than 5 days"),
                (
                    30.0,
                    "亿元",
                    Some(Plus),
                    "30 多亿元",
                    "more than CNY 3 billion",
                ),
                (70.0, "%", Some(Plus), "70%多", "more than 70%"),
                (70.0, "%", Some(Around), "70%左右", "around 70%"),
                (70.0, "%", Some(Exceeding), "超 70%", "more than 70%"),
                (9.0, "条", Some(LessThan), "不足 9 条", "fewer than 9"),
            ],
        );
    }

    #[test]
    fn nouns_replace_bare_and_counted_words_in_english_only() {
        let catalog = UnitCatalog::builtin();
        let stations = Noun::regular("refuelling stations");
        assert_eq!(stations.one, "refuelling station");
        let people = Noun {
            one: "person".into(),
            other: "people".into(),
        };
        let show =
            |v, zh, q, noun, lang| format_value(v, catalog.lookup(zh).unwrap(), q, noun, lang);
        assert_eq!(
            show(3.0, "座", None, Some(&stations), Lang::En),
            "3 refuelling stations"
        );
        assert_eq!(
            show(1.0, "座", None, Some(&stations), Lang::En),
            "1 refuelling station"
        );
        assert_eq!(show(3.0, "座", None, Some(&stations), Lang::Zh), "3 座");
        assert_eq!(show(3.0, "座", None, None, Lang::En), "3");
        assert_eq!(
            show(2.0, "万人", Some(Over), Some(&people), Lang::En),
            "over 20,000 people"
        );
        assert_eq!(show(1.0, "家", None, Some(&people), Lang::En), "1 person");
        for (plural, one) in [
            ("industrial chains", "industrial chain"),
            ("companies", "company"),
            ("boxes", "box"),
            ("benches", "bench"),
            ("glasses", "glass"),
            ("people", "people"),
            ("fuel-cell stacks", "fuel-cell stack"),
        ] {
            assert_eq!(Noun::regular(plural).one, one, "{plural}");
        }
        let parsed: Vec<Noun> =
            yaml_serde::from_str("[SMT lines, {one: person, other: people}]").unwrap();
        assert_eq!(parsed, vec![Noun::regular("SMT lines"), people]);
        for bad in ["''", "{one: x}", "{one: a, other: b, few: c}", "[a]"] {
            let err = yaml_serde::from_str::<Noun>(bad).unwrap_err().to_string();
            assert!(err.contains(NOUN_SHAPE), "{bad}: {err}");
        }
    }

    #[test]
    fn qualifier_serde() {
        let qs: Vec<Qualifier> = yaml_serde::from_str("[nearly, about, over]").unwrap();
        assert_eq!(qs, vec![Nearly, About, Over]);
        let words: Vec<Qualifier> =
            yaml_serde::from_str("[近, 约, 余, 超, 以上, ' 左右 ']").unwrap();
        assert_eq!(
            words,
            vec![
                Nearly,
                About,
                Over,
                Qualifier::Exceeding,
                Qualifier::OrMore,
                Qualifier::Around
            ]
        );
        for q in Qualifier::ALL {
            assert_eq!(Qualifier::parse(q.zh()), Some(q));
            assert_eq!(Qualifier::parse(q.name()), Some(q));
            assert_eq!(yaml_serde::to_string(&q).unwrap().trim(), q.name());
        }
        assert!(yaml_serde::from_str::<Qualifier>("Over").is_err());
        let err = yaml_serde::from_str::<Qualifier>("大概")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("unknown qualifier `大概`"), "{err}");
        assert!(
            Qualifier::known().starts_with(
                "write the word as the source does, one of: 近 (nearly), 将近 (almost), "
            ),
            "{}",
            Qualifier::known()
        );
        assert_eq!(Over.to_string(), "over");
    }
}
