//! What one line of a newspaper page is, read from its words alone:
//! a dateline that starts an article, a continuation mark, a byline, a
//! photo caption, a masthead or folio line. Pure functions on text.

use crate::import::page::is_han;

/// Words before a name in a byline.
const ROLES: [&str; 8] = [
    "本报记者",
    "特约记者",
    "见习记者",
    "特约通讯员",
    "记者",
    "通讯员",
    "实习生",
    "摄影",
];

/// Endings of place and organisation names: a word ending so is not a
/// person's name (`广灵县` is a kicker, not a byline).
const PLACE_ENDINGS: [char; 16] = [
    '区', '县', '市', '省', '镇', '乡', '村', '园', '局', '厅', '委', '部', '社', '报', '司', '团',
];

/// Endings of a kicker naming a place, zone or project above a headline.
const KICKER_ENDINGS: [&str; 14] = [
    "区", "县", "市", "省", "镇", "乡", "村", "园", "项目", "公司", "集团", "基地", "中心", "局",
];

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The dateline an article starts with: `科学导报讯`, `本报讯`,
/// `新华社太原7月2日电`. Returns its length in chars of the squeezed text
/// and the text's squeezed form.
pub(crate) fn dateline(text: &str) -> Option<(String, usize)> {
    let t = squeeze(text);
    let chars: Vec<char> = t.chars().collect();
    // `XX讯` with 2–8 Han characters before 讯.
    if let Some(i) = chars.iter().take(9).position(|&c| c == '讯') {
        if i >= 2 && chars[..i].iter().all(|&c| is_han(c)) && !chars[..i].contains(&'通') {
            return Some((chars[..=i].iter().collect(), i + 1));
        }
    }
    // `新华社…电`, `中新社…电`: the agency, a place, a date.
    for agency in ["新华社", "中新社", "人民网", "央视网"] {
        if t.starts_with(agency) {
            let rest: Vec<char> = chars[3..].iter().take(14).copied().collect();
            if let Some(j) = rest.iter().position(|&c| c == '电') {
                let head: String = rest[..j].iter().collect();
                if head.chars().all(|c| is_han(c) || c.is_ascii_digit()) {
                    return Some((chars[..3 + j + 1].iter().collect(), 3 + j + 1));
                }
            }
        }
    }
    None
}

/// Whether `text` starts an article with a dateline: after a sentence's
/// end (`prev_ends`), or with a dateline set off by a space or a bracket
/// (`本报讯 今年以来`, `本报讯（记者 陈晨）`), as no wrapped line is.
pub(crate) fn starts_article(text: &str, prev_ends: bool) -> bool {
    let Some((d, _)) = dateline(text) else {
        return false;
    };
    let last = d.chars().last().unwrap_or('讯');
    let after = text.trim_start().split_once(last).map(|(_, rest)| rest);
    let set_off =
        after.is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '（', '(', '\u{3000}']));
    prev_ends || set_off
}

/// The page a `（上接A1版）` line continues from, and the text after the mark.
pub(crate) fn continued_from(text: &str) -> Option<(String, String)> {
    let t = squeeze(text);
    let inner = t
        .strip_prefix('（')
        .or_else(|| t.strip_prefix('('))?
        .strip_prefix("上接")?;
    let inner = inner.strip_prefix('第').unwrap_or(inner);
    let end = inner.find(['）', ')'])?;
    let page = inner[..end].trim_end_matches('版');
    let page_ok = !page.is_empty()
        && page.chars().count() <= 4
        && page.chars().all(|c| c.is_ascii_alphanumeric());
    let close = inner[end..].chars().next()?;
    page_ok.then(|| {
        (
            page.to_string(),
            inner[end + close.len_utf8()..].to_string(),
        )
    })
}

/// `（下转A4版）` anywhere in `text`: the page, and the text without the mark.
pub(crate) fn continued_to(text: &str) -> Option<(String, String)> {
    for open in ['（', '('] {
        let Some(at) = text.find(&format!("{open}下转")) else {
            continue;
        };
        let rest = &text[at + open.len_utf8() + "下转".len()..];
        let end = rest.find(['）', ')'])?;
        let page = rest[..end].trim();
        let page = page
            .strip_prefix('第')
            .unwrap_or(page)
            .trim_end_matches('版')
            .trim();
        if page.is_empty() || !page.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let close_len = rest[end..].chars().next().map_or(0, char::len_utf8);
        let without = format!("{}{}", &text[..at], &rest[end + close_len..]);
        return Some((page.to_string(), without.trim_end().to_string()));
    }
    None
}

/// Whether a sentence ends at the end of `text`: 。！？… then closing
/// quotes or brackets, or the end of a `（下转…版）` mark.
pub(crate) fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end();
    if t.ends_with("版）") || t.ends_with("版)") {
        return true;
    }
    let core = t.trim_end_matches(['”', '’', '）', ')', '」', '』', '》']);
    core.ends_with(['。', '！', '？', '…', '!', '?'])
}

/// The names of a byline (`记者 赵敏 通讯员 刘洋` → 赵敏, 刘洋), or None
/// when `text` is not one. `alone`: the line holds nothing else, so a bare
/// name must not end like a place (`广灵县`).
pub(crate) fn byline(text: &str, alone: bool) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut had_role = false;
    for token in text.split_whitespace() {
        let mut word = token;
        if let Some(role) = ROLES.iter().find(|r| word.starts_with(**r)) {
            had_role = true;
            word = &word[role.len()..];
            if word.is_empty() {
                continue;
            }
        }
        let n = word.chars().count();
        let is_name = (2..=4).contains(&n) && word.chars().all(is_han);
        let placeish = word.ends_with(PLACE_ENDINGS);
        if !is_name || (placeish && !had_role) {
            return None;
        }
        names.push(word.to_string());
    }
    let ok =
        !names.is_empty() && (had_role || !alone || names.iter().all(|n| n.chars().count() <= 3));
    ok.then_some(names)
}

/// Splits a line that ends an article's text into the text and its byline:
/// `…“晋城样本”。 王波` → (`…“晋城样本”。`, [王波]).
pub(crate) fn split_byline(text: &str) -> Option<(String, Vec<String>)> {
    let t = text.trim_end();
    let at = t.rfind(['。', '！', '？', '”', '）'])?;
    let close = t[at..].chars().next()?.len_utf8();
    let (head, tail) = t.split_at(at + close);
    if !tail.starts_with(char::is_whitespace) && !ROLES.iter().any(|r| tail.starts_with(r)) {
        return None;
    }
    let names = byline(tail.trim(), false)?;
    ends_sentence(head).then(|| (head.to_string(), names))
}

/// The bylines in parentheses right after a dateline:
/// `本报讯（记者 陈晨）入夏以来` → ([陈晨], length of `（记者 陈晨）`).
pub(crate) fn dateline_byline(after: &str) -> Option<Vec<String>> {
    let t = after.trim_start();
    let inner = t.strip_prefix('（').or_else(|| t.strip_prefix('('))?;
    let end = inner.find(['）', ')'])?;
    let inner = &inner[..end];
    ROLES
        .iter()
        .any(|r| inner.trim_start().starts_with(r))
        .then(|| byline(inner, false))
        .flatten()
}

/// A photo caption: a line ending with the photographer's or giver's
/// credit (`… 记者 陈晨 摄`, `… 山西转型综改示范区供图`).
pub(crate) fn is_caption(text: &str) -> bool {
    let t = text.trim_end();
    let credit = ["摄", "摄影", "供图", "图片"]
        .iter()
        .any(|end| t.ends_with(end));
    // The credit follows the caption's sentence (or a space and a name).
    credit && (t.contains('。') || t.contains(' ')) && t.chars().count() >= 8
}

/// A kicker above a headline: a short name of a place, zone or project.
pub(crate) fn looks_like_kicker(text: &str) -> bool {
    let n = text.chars().count();
    let no_sentence = !text.contains(['，', '。', '、', '：', '！', '？']);
    (2..=20).contains(&n) && no_sentence && KICKER_ENDINGS.iter().any(|e| text.ends_with(e))
}

/// A masthead or folio line: the date with the weekday, the page number
/// (`第 B3 版`, `C1 经济·园区`, a bare number), the editors' credits.
/// `top`: the line comes before the first article, where the paper's own
/// name (`科学导报`) is a masthead too.
pub(crate) fn is_folio(text: &str, top: bool) -> bool {
    let t = squeeze(text);
    let n = t.chars().count();
    let credits = [
        "责任编辑",
        "美术编辑",
        "本版编辑",
        "版式设计",
        "校对：",
        "编辑：",
    ];
    if credits.iter().any(|c| t.contains(c)) {
        return true;
    }
    if t.contains("星期") && date_in(text).is_some() && n <= 40 {
        return true;
    }
    if n <= 3 && t.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if page_code(text).is_some() && n <= 24 && !t.contains('。') && !t.contains('，') {
        return true;
    }
    top && (2..=8).contains(&n) && t.ends_with('报') && t.chars().all(is_han)
}

/// The page code a folio line gives: `第 B3 版` → B3, `C1 经济·园区` → C1.
pub(crate) fn page_code(text: &str) -> Option<String> {
    let t = squeeze(text);
    if let Some(rest) = t.find('第').map(|i| &t[i + '第'.len_utf8()..]) {
        if let Some(end) = rest.find('版') {
            let code = &rest[..end];
            if (1..=4).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Some(code.to_string());
            }
        }
    }
    text.split_whitespace()
        .find(|w| {
            let mut cs = w.chars();
            let letter = cs.next().is_some_and(|c| c.is_ascii_uppercase());
            let digits: String = cs.collect();
            letter && (1..=2).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
        })
        .map(str::to_string)
}

/// A date written `2025年6月12日` (spaces allowed) in `text`:
/// (year, month, day).
pub(crate) fn date_in(text: &str) -> Option<(u16, u8, u8)> {
    let t = squeeze(text);
    let chars: Vec<char> = t.chars().collect();
    for start in 0..chars.len() {
        if start > 0 && chars[start - 1].is_ascii_digit() {
            continue;
        }
        let mut parts = Vec::new();
        let mut i = start;
        for mark in ['年', '月', '日'] {
            let from = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i == from || chars.get(i) != Some(&mark) {
                break;
            }
            parts.push(chars[from..i].iter().collect::<String>());
            i += 1;
        }
        if let [y, m, d] = parts.as_slice() {
            let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
            if (1900..=2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) {
                return Some((y, m, d));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines() {
        let d = |t: &str| dateline(t).map(|(s, _)| s);
        assert_eq!(d(" 科学导报讯 近年来，晋城").as_deref(), Some("科学导报讯"));
        assert_eq!(d("本报讯（记者 陈晨）入夏").as_deref(), Some("本报讯"));
        assert_eq!(
            d("新华社太原 7 月 2 日电（记者 王静）").as_deref(),
            Some("新华社太原7月2日电")
        );
        assert_eq!(d("通讯员 刘洋"), None);
        assert_eq!(d("在制氢环节，园区依托"), None);
        assert_eq!(d("资讯"), None);
    }

    #[test]
    fn continuation_marks() {
        assert_eq!(
            continued_from("（上接 A1 版）"),
            Some(("A1".into(), String::new()))
        );
        assert_eq!(
            continued_from("（上接第2版）据介绍"),
            Some(("2".into(), "据介绍".into()))
        );
        assert_eq!(continued_from("上接"), None);
        assert_eq!(
            continued_to("增长12.6%。（下转B4版）"),
            Some(("B4".into(), "增长12.6%。".into()))
        );
        assert_eq!(
            continued_to("（下转第 4 版）"),
            Some(("4".into(), String::new()))
        );
    }

    #[test]
    fn bylines() {
        assert_eq!(
            byline("记者 赵敏 通讯员 刘洋", true),
            Some(vec!["赵敏".into(), "刘洋".into()])
        );
        assert_eq!(
            byline("白续宏 常珍珍", true),
            Some(vec!["白续宏".into(), "常珍珍".into()])
        );
        assert_eq!(byline("广灵县", true), None);
        assert_eq!(byline("阳泉高新区", true), None);
        assert_eq!(byline("本报记者 孙立", true), Some(vec!["孙立".into()]));
        assert_eq!(
            split_byline("提供“晋城样本”。 王波"),
            Some(("提供“晋城样本”。".into(), vec!["王波".into()]))
        );
        assert_eq!(split_byline("产业集聚效应初步显现。园区"), None);
        assert_eq!(
            dateline_byline("（通讯员 冯磊）孝义"),
            Some(vec!["冯磊".into()])
        );
        assert_eq!(dateline_byline("（2025年）"), None);
    }

    #[test]
    fn captions_kickers_and_folios() {
        assert!(is_caption(
            "深国际·太原智慧物流制造项目建设现场。 山西转型综改示范区供图"
        ));
        assert!(is_caption(
            "游客在云冈文旅街区夜市选购文创产品。 记者 陈晨 摄"
        ));
        assert!(!is_caption("摄"));
        assert!(looks_like_kicker("晋城经济技术开发区"));
        assert!(looks_like_kicker("深国际·太原智慧物流制造项目"));
        assert!(!looks_like_kicker("加速构建装备制造等"));
        assert!(is_folio("2025 年 6 月 12 日 星期四", false));
        assert!(is_folio("第 B3 版 园区经济", false));
        assert!(is_folio("C1 经济·园区", false));
        assert!(is_folio("4", false));
        assert!(is_folio("科学导报", true));
        assert!(!is_folio("科学导报", false));
        assert!(!is_folio("累计引进氢能项目 23 个，协议投资额突", false));
        assert_eq!(
            page_code("2025年9月3日 星期三 A3 园区新闻").as_deref(),
            Some("A3")
        );
        assert_eq!(date_in("2025 年 6 月 12 日 星期四"), Some((2025, 6, 12)));
    }
}
