//! Front matter: the YAML block between `---` lines at the top of a file.
//!
//! This is the one place that knows the front matter is YAML (yaml_serde), so
//! the parser can be swapped. Errors are mapped to lines of the `.md` file.

use crate::diag::Diagnostic;
use crate::util::suggest;
use serde::de::DeserializeOwned;
use std::path::Path;

/// A file split into its front matter and Markdown body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line in the file on which `yaml` starts.
    pub yaml_line: usize,
    pub body: &'a str,
}

/// Splits `text` (BOM and CRLF already normalised) into front matter and body.
/// A file must start with a `---` line; the block ends at the next `---` line.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let rest = match text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    {
        Some(rest) => rest,
        None if text.trim_end() == "---" => {
            return Err(unclosed(path));
        }
        None => {
            return Err(Diagnostic::error(path, Some(1), "the file does not start with front matter")
                .with_hint("start the file with a `---` line, the YAML fields (at least `title`), and another `---` line"));
        }
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &rest[..offset],
                yaml_line: 2,
                body: &rest[offset + line.len()..],
            });
        }
        offset += line.len();
    }
    Err(unclosed(path))
}

fn unclosed(path: &Path) -> Diagnostic {
    Diagnostic::error(
        path,
        Some(1),
        "the front matter that starts here is never closed",
    )
    .with_hint("add a line with just `---` after the last front-matter field")
}

/// Parses the front matter of `split` into `T`, mapping errors to file lines.
pub fn parse<T: DeserializeOwned>(split: &Split<'_>, path: &Path) -> Result<T, Diagnostic> {
    let yaml = if split.yaml.trim().is_empty() {
        "{}"
    } else {
        split.yaml
    };
    yaml_serde::from_str(yaml).map_err(|e| yaml_error(&e, split, path))
}

/// Parses a whole YAML file (such as `site.yaml`) into `T`.
pub(crate) fn parse_file<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, Diagnostic> {
    let split = Split {
        yaml: text,
        yaml_line: 1,
        body: "",
    };
    parse(&split, path)
}

/// Parses a YAML value into generic JSON-like data (for i18n files and the like).
pub(crate) fn parse_value(text: &str, path: &Path) -> Result<serde_json::Value, Diagnostic> {
    parse_file(text, path)
}

fn yaml_error(e: &yaml_serde::Error, split: &Split<'_>, path: &Path) -> Diagnostic {
    let line = e.location().map(|l| l.line() + split.yaml_line - 1);
    let full = e.to_string();
    // yaml_serde appends " at line L column C"; the diagnostic carries the line itself.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    let at = e.location().and_then(|l| {
        let text = split.yaml.lines().nth(l.line().checked_sub(1)?)?;
        Some((text, l.column()))
    });
    let hint = limit_hint(&message)
        .or_else(|| pitfall_hint(&message, at))
        .or_else(|| hint_for(&message));
    let d = Diagnostic::error(path, line, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// What to do about YAML the parser refuses to expand: nesting deeper than
/// 128 levels, or aliases (`*name`) that repeat so much that the file would
/// grow without bound once read (a "billion laughs").
fn limit_hint(message: &str) -> Option<String> {
    match message {
        "recursion limit exceeded" => Some("lists and maps here nest more than 128 levels deep; front matter needs a few".into()),
        "repetition limit exceeded" => Some("aliases (`*name`) in this file repeat their anchors' values too often to be read; write the values out".into()),
        _ => None,
    }
}

/// A "did you mean" hint for unknown fields, or advice for common type errors.
fn hint_for(message: &str) -> Option<String> {
    if let Some(unknown) = between(message, "unknown field `", "`") {
        let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
        let in_translation_metric = expected.contains(&"label") && !expected.contains(&"value");
        if ["value", "unit", "qualifier", "quote", "card"].contains(&unknown)
            && in_translation_metric
        {
            return Some(format!(
                "a translation's metrics give only {}; `{unknown}` is written once, in the source-language file",
                expected.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        return Some(match suggest::closest(unknown, expected.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None if expected.is_empty() => "remove this field".to_string(),
            None => format!("remove it; allowed fields here: {}", expected.join(", ")),
        });
    }
    if message.contains("unknown qualifier `") {
        return Some(crate::model::units::Qualifier::known());
    }
    if message.contains("expected f64") || message.contains("expected a number") {
        return Some("write the number with digits, e.g. `value: 30` (no units, words or thousands separators)".into());
    }
    if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
    {
        return Some("check the YAML syntax on this line: indentation, a missing `:` or an unquoted value containing `: `".into());
    }
    None
}

/// Advice for the YAML pitfalls editors meet, from the error and the line
/// (its text and the 1-based column) it points at: a value starting with a
/// character YAML reserves (`%`, `@`, `` ` ``, `[`, `{`, `*`, `- `, …) or
/// holding `: `, a tab indent, a quote inside a quoted value, and numbers
/// written with separators, scale words or full-width digits.
fn pitfall_hint(message: &str, at: Option<(&str, usize)>) -> Option<String> {
    if let Some(text) = between(message, "invalid type: string \"", "\", expected f64") {
        return Some(number_hint(text));
    }
    let (line, column) = at?;
    if let Some(hint) = radix_hint(message, line) {
        return Some(hint);
    }
    let found = line.chars().nth(column.saturating_sub(1));
    if message.contains("tab character") || found == Some('\t') {
        return Some("YAML indents with spaces, never tabs: replace the tab(s) at the start of this line with spaces".into());
    }
    let (key, value) = line.trim_start_matches([' ', '-']).split_once(':')?;
    let value = value.trim();
    let quote = || quoted(key.trim(), value);
    let starts_reserved = "%@`*&!|>[{".contains(value.chars().next()?) || value.starts_with("- ");
    // A type error on a value that is not meant as text is not a pitfall,
    // nor is a field that is not allowed at all (`hint_for` names the right one).
    let unknown = message.contains("unknown field `");
    let syntax =
        !unknown && (!message.contains("invalid type: ") || message.contains("expected a string"));
    if message.contains("cannot start any token") || (starts_reserved && syntax) {
        let first = match value.chars().next()? {
            '`' => "a backtick".to_string(),
            c => format!("`{c}`"),
        };
        return Some(format!("YAML reads a value starting with {first} as syntax: put the value in quotes, e.g. `{}`", quote()));
    }
    if message.contains("mapping values are not allowed") && value.contains(": ") {
        return Some(format!("the value holds `: `, which YAML reads as a new field: put the value in quotes, e.g. `{}`", quote()));
    }
    if message.contains("did not find expected key") && value.starts_with(['\'', '"']) {
        return Some("a quoted value ends at its closing quote: write a `'` inside '…' as `''`, or put the value in the other kind of quotes".into());
    }
    None
}

/// Advice for a figure YAML read in another base (`0x10`, `0o17`, `0b101`):
/// a number type error whose line writes the value with such a prefix.
fn radix_hint(message: &str, line: &str) -> Option<String> {
    let read_as = between(message, "invalid type: integer `", "`, expected f64")?;
    let (key, value) = line.trim_start_matches([' ', '-']).split_once(':')?;
    let written = value.trim();
    let digits = written.trim_start_matches(['+', '-']);
    let base = match digits.get(..2)?.to_ascii_lowercase().as_str() {
        "0x" => "a hexadecimal",
        "0o" => "an octal",
        "0b" => "a binary",
        _ => return None,
    };
    Some(format!(
        "YAML reads `{written}` as {base} number ({read_as}): write the figure in decimal digits as the source does, e.g. `{}: {read_as}`",
        key.trim()
    ))
}

/// `key: "value"`, or with single quotes when the value holds a `"`.
fn quoted(key: &str, value: &str) -> String {
    if value.contains('"') {
        format!("{key}: '{}'", value.replace('\'', "''"))
    } else {
        format!("{key}: \"{}\"", value.replace('\\', "\\\\"))
    }
}

/// Advice for a number written as text (`1,200`, `3万`, `３０`).
fn number_hint(text: &str) -> String {
    let ascii: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            c => c,
        })
        .filter(|c| !matches!(c, ',' | '，' | '_' | ' '))
        .collect();
    let digits: String = ascii
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    let rest = &ascii[digits.len()..];
    if digits.parse::<f64>().is_err() {
        return "write the number with digits, e.g. `value: 30` (no units, words or thousands separators)".into();
    }
    if rest.is_empty() {
        return format!(
            "write the number with ASCII digits and no thousands separators: `value: {digits}`"
        );
    }
    if rest.starts_with(['万', '亿']) {
        let unit = if rest.chars().count() == 1 {
            format!("{rest}元")
        } else {
            rest.to_string()
        };
        return format!("`value` is a plain number in the metric's unit: write `value: {digits}` and put {rest} in the unit, e.g. `unit: {unit}`");
    }
    format!("`value` is a plain number: write `value: {digits}` and give the unit in `unit`")
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// Finds the 1-based file line of the `n`th (0-based) line in the front matter
/// whose trimmed text starts with `prefix`, for errors found after parsing.
pub(crate) fn find_line(split: &Split<'_>, prefix: &str, n: usize) -> Option<usize> {
    split
        .yaml
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start_matches([' ', '-', '{']);
            t.starts_with(prefix)
        })
        .nth(n)
        .map(|(i, _)| i + split.yaml_line)
}

/// The line of field `prefix` (e.g. `quote:`) in the list item that has a
/// field on file line `line` (as [`find_line`] gives it): the item starts at
/// the `- ` line at or above `line` and ends before the next line indented
/// no deeper than its dash. None when the item has no such field.
pub(crate) fn item_field_line(split: &Split<'_>, line: usize, prefix: &str) -> Option<usize> {
    let lines: Vec<&str> = split.yaml.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let at = line
        .checked_sub(split.yaml_line)
        .filter(|&at| at < lines.len())?;
    let dash = (0..=at)
        .rev()
        .find(|&i| lines[i].trim_start().starts_with('-'))?;
    let depth = indent(lines[dash]);
    let field = |l: &str| l.trim_start_matches([' ', '-', '{']).starts_with(prefix);
    if field(lines[dash]) {
        return Some(dash + split.yaml_line);
    }
    lines[dash + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) > depth)
        .position(|l| field(l))
        .map(|i| dash + 1 + i + split.yaml_line)
}

/// Strips a UTF-8 BOM and normalises CRLF line endings.
pub fn normalise(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        value: Option<f64>,
    }

    fn p(text: &str) -> Result<Fm, Diagnostic> {
        let path = Path::new("a.md");
        let s = split(text, path)?;
        parse(&s, path)
    }

    #[test]
    fn finds_a_field_in_the_same_list_item() {
        let text = "---\ntitle: t\nmetrics:\n  - key: a\n    value: 1\n  - label: b\n    key: b\n    quote: q\n  - {key: c, quote: r}\n  - quote: s\n    key: d\ntags: []\n---\n";
        let split = split(text, Path::new("a.md")).unwrap();
        let key = |n| find_line(&split, "key:", n).unwrap();
        let quote = |n| item_field_line(&split, key(n), "quote:");
        assert_eq!((key(0), quote(0)), (4, None), "a's item ends before b's");
        assert_eq!((key(1), quote(1)), (7, Some(8)));
        assert_eq!(quote(2), None, "a flow mapping: the key's line is used");
        assert_eq!((key(3), quote(3)), (11, Some(10)), "quote before key");
        assert_eq!(item_field_line(&split, 99, "quote:"), None);
        assert_eq!(item_field_line(&split, 0, "quote:"), None);
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: x\n---\nbody\n", Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn unclosed_front_matter_is_reported_on_line_one() {
        let e = p("---\ntitle: x\nbody\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn missing_front_matter() {
        let e = p("# hello\n").unwrap_err();
        assert!(e.message.contains("does not start with front matter"));
    }

    #[test]
    fn yaml_errors_map_to_file_lines() {
        let e = p("---\ntitle: x\nvalue: 三十\n---\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("invalid type"), "{e}");
        assert!(e.hint.unwrap().contains("digits"));
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let e = p("---\ntitel: x\n---\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert_eq!(e.hint.as_deref(), Some("did you mean `title`?"), "{e}");
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        let t = normalise("\u{feff}---\r\ntitle: x\r\n---\r\nbody\r\n");
        assert_eq!(p(&t).unwrap().title, "x");
    }

    /// Every pitfall with a hint: (front matter, the full diagnostic).
    #[test]
    fn yaml_pitfalls_get_a_hint_on_how_to_write_it() {
        #[derive(Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Fm {
            title: Option<String>,
            value: Option<f64>,
            unit: Option<String>,
            quote: Option<String>,
            metrics: Option<Vec<yaml_serde::Value>>,
        }
        let cases: &[(&str, &str)] = &[
            (
                "title: x\nunit: %",
                "error: a.md:3: found character that cannot start any token\n  help: YAML reads a value starting with `%` as syntax: put the value in quotes, e.g. `unit: \"%\"`",
            ),
            (
                "quote: @某公司 投资 30 亿元",
                "error: a.md:2: found character that cannot start any token\n  help: YAML reads a value starting with `@` as syntax: put the value in quotes, e.g. `quote: \"@某公司 投资 30 亿元\"`",
            ),
            (
                "quote: `briefing` 说",
                "error: a.md:2: found character that cannot start any token\n  help: YAML reads a value starting with a backtick as syntax: put the value in quotes, e.g. `quote: \"`briefing` 说\"`",
            ),
            (
                "title: [编辑] 标题",
                "error: a.md:2: title: invalid type: sequence, expected a string\n  help: YAML reads a value starting with `[` as syntax: put the value in quotes, e.g. `title: \"[编辑] 标题\"`",
            ),
            (
                "titel: [编辑] 标题",
                "error: a.md:2: unknown field `titel`, expected one of `title`, `value`, `unit`, `quote`, `metrics`\n  help: did you mean `title`?",
            ),
            (
                "title: *重要* 标题",
                "error: a.md:2: did not find expected alphabetic or numeric character\n  help: YAML reads a value starting with `*` as syntax: put the value in quotes, e.g. `title: \"*重要* 标题\"`",
            ),
            (
                "title: - 标题",
                "error: a.md:2: block sequence entries are not allowed in this context\n  help: YAML reads a value starting with `-` as syntax: put the value in quotes, e.g. `title: \"- 标题\"`",
            ),
            (
                "title: 晋城: \"新生态\"",
                "error: a.md:2: mapping values are not allowed in this context\n  help: the value holds `: `, which YAML reads as a new field: put the value in quotes, e.g. `title: '晋城: \"新生态\"'`",
            ),
            (
                "title: 'It's here'",
                "error: a.md:2: did not find expected key\n  help: a quoted value ends at its closing quote: write a `'` inside '…' as `''`, or put the value in the other kind of quotes",
            ),
            (
                "title: x\n\tunit: 亿元",
                "error: a.md:3: found a tab character that violates indentation\n  help: YAML indents with spaces, never tabs: replace the tab(s) at the start of this line with spaces",
            ),
            (
                "metrics:\n\t- key: a",
                "error: a.md:3: found character that cannot start any token\n  help: YAML indents with spaces, never tabs: replace the tab(s) at the start of this line with spaces",
            ),
            (
                "value: 0x10",
                "error: a.md:2: value: invalid type: integer `16`, expected f64\n  help: YAML reads `0x10` as a hexadecimal number (16): write the figure in decimal digits as the source does, e.g. `value: 16`",
            ),
            (
                "value: 0o17",
                "error: a.md:2: value: invalid type: integer `15`, expected f64\n  help: YAML reads `0o17` as an octal number (15): write the figure in decimal digits as the source does, e.g. `value: 15`",
            ),
            (
                "value: 1,200",
                "error: a.md:2: value: invalid type: string \"1,200\", expected f64\n  help: write the number with ASCII digits and no thousands separators: `value: 1200`",
            ),
            (
                "value: ３０",
                "error: a.md:2: value: invalid type: string \"３０\", expected f64\n  help: write the number with ASCII digits and no thousands separators: `value: 30`",
            ),
            (
                "value: 3万",
                "error: a.md:2: value: invalid type: string \"3万\", expected f64\n  help: `value` is a plain number in the metric's unit: write `value: 3` and put 万 in the unit, e.g. `unit: 万元`",
            ),
            (
                "value: 12 万平方米",
                "error: a.md:2: value: invalid type: string \"12 万平方米\", expected f64\n  help: `value` is a plain number in the metric's unit: write `value: 12` and put 万平方米 in the unit, e.g. `unit: 万平方米`",
            ),
            (
                "value: 30 kW",
                "error: a.md:2: value: invalid type: string \"30 kW\", expected f64\n  help: `value` is a plain number: write `value: 30` and give the unit in `unit`",
            ),
            (
                "value: 三十",
                "error: a.md:2: value: invalid type: string \"三十\", expected f64\n  help: write the number with digits, e.g. `value: 30` (no units, words or thousands separators)",
            ),
        ];
        for (yaml, want) in cases {
            let text = format!("---\n{yaml}\n---\nbody\n");
            let path = Path::new("a.md");
            let e = parse::<Fm>(&split(&text, path).unwrap(), path).unwrap_err();
            assert_eq!(e.to_string(), *want, "{yaml}");
        }
    }

    #[test]
    fn find_line_counts_from_the_file_start() {
        let text = "---\ntitle: x\nmetrics:\n  - key: a\n  - key: a\n---\n";
        let s = split(text, Path::new("a.md")).unwrap();
        assert_eq!(find_line(&s, "key: a", 1), Some(5));
    }
}
