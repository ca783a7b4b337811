//! The data export of every figure: `data/metrics.csv` and
//! `data/metrics.json`.

use crate::load::config::Config;
use crate::model::content::Content;
use crate::model::metrics::{entries, Entry};
use crate::model::units::{self, Qualifier, UnitCatalog};
use crate::model::urls;
use crate::output::OutputFile;
use crate::Lang;
use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::borrow::Cow;

/// Where the CSV export is written, relative to the site root.
pub(crate) const CSV_PATH: &str = "data/metrics.csv";
/// Where the JSON export is written, relative to the site root.
pub(crate) const JSON_PATH: &str = "data/metrics.json";

/// A cell of the export: text, a number or nothing.
#[derive(Debug, Clone, PartialEq)]
enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Null,
}

impl<'a> Cell<'a> {
    fn opt(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Null, |s| Cell::Text(Cow::Borrowed(s)))
    }

    fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(s.into())
    }

    /// Appends the CSV field: numbers without grouping or float noise,
    /// null empty, quoted when it holds a comma, quote or line break
    /// (RFC 4180).
    fn push_csv(&self, out: &mut String) {
        let number;
        let s = match self {
            Cell::Text(s) => s.as_ref(),
            Cell::Number(n) => {
                number = units::format_plain_number(*n, Lang::Zh);
                &number
            }
            Cell::Null => "",
        };
        if s.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&s.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(s);
        }
    }
}

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(t) => s.serialize_str(t),
            Cell::Number(n) if n.is_finite() => s.serialize_f64(*n),
            Cell::Number(_) | Cell::Null => s.serialize_none(),
        }
    }
}

/// The export of a site's metrics, one file at a time ([`Export::csv_file`],
/// [`Export::json_file`]): a build writes out each before making the next.
/// Its entries borrow the site's text; rows are made as they are written.
pub struct Export<'a> {
    columns: Vec<String>,
    entries: Vec<Entry<'a>>,
    config: &'a Config,
}

/// One exported metric: its cells in column order (a JSON object with its
/// keys in that order).
struct ExportRow<'e> {
    columns: &'e [String],
    cells: Vec<Cell<'e>>,
}

impl Serialize for ExportRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len()))?;
        for (k, v) in self.columns.iter().zip(&self.cells) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'a> Export<'a> {
    /// Columns: `report`, `section`, `date`, `key`, `title_<lang>` and
    /// `label_<lang>` for each site language (empty when the report is not
    /// translated), `value`, `unit`, `qualifier`, `display_<lang>` (the
    /// figure as the pages write it), `normalized`, `base_unit`,
    /// `dimension`, `url` (the source-language report page).
    pub fn new(content: &'a Content, config: &'a Config, units: &'a UnitCatalog) -> Export<'a> {
        let langs = &config.languages;
        let mut columns: Vec<String> = ["report", "section", "date", "key"]
            .map(String::from)
            .to_vec();
        columns.extend(langs.iter().map(|l| format!("title_{l}")));
        columns.extend(langs.iter().map(|l| format!("label_{l}")));
        columns.extend(["value", "unit", "qualifier"].map(String::from));
        columns.extend(langs.iter().map(|l| format!("display_{l}")));
        columns.extend(["normalized", "base_unit", "dimension", "url"].map(String::from));
        Export {
            columns,
            entries: entries(content, units),
            config,
        }
    }

    fn row<'e>(&'e self, e: &Entry<'a>) -> ExportRow<'e> {
        let (r, m, u) = (e.report, e.metric, e.unit);
        let langs = &self.config.languages;
        let mut cells = Vec::with_capacity(self.columns.len());
        cells.extend([
            Cell::text(r.slug.as_str()),
            Cell::text(r.section.as_str()),
            Cell::text(r.date.to_string()),
            Cell::text(m.key.as_str()),
        ]);
        cells.extend(
            langs
                .iter()
                .map(|l| Cell::opt(r.texts.get(l).map(|t| t.title.as_str()))),
        );
        cells.extend(langs.iter().map(|l| {
            let label = r.texts.get(l).and_then(|t| t.labels.get(&m.key));
            Cell::opt(label.map(String::as_str))
        }));
        cells.extend([
            Cell::Number(m.value),
            Cell::text(u.zh()),
            Cell::opt(m.qualifier.map(Qualifier::name)),
        ]);
        cells.extend(langs.iter().map(|&l| Cell::text(r.display(m, u, l))));
        let page = urls::report_dir(self.config.source_lang(), &r.section, &r.slug);
        cells.extend([
            Cell::Number(e.normalized),
            Cell::text(u.base_symbol(Lang::Zh)),
            Cell::text(u.dimension().name()),
            Cell::text(urls::permalink(&self.config.base_url, &page)),
        ]);
        ExportRow {
            columns: &self.columns,
            cells,
        }
    }

    /// Appends the text of every row to `out`, `write` making one row's
    /// text (given its place among the rows). Rows are made in parallel a
    /// batch at a time and dropped once written, so a large site's rows are
    /// never all held at once next to the file made from them.
    fn write_rows<B, F>(&self, out: &mut Vec<u8>, write: F)
    where
        B: Default + AsRef<[u8]> + Send,
        F: Fn(&mut B, usize, &ExportRow<'_>) + Sync,
    {
        const BATCH: usize = 8192;
        const PIECE: usize = 64;
        for (b, batch) in self.entries.chunks(BATCH).enumerate() {
            let pieces: Vec<B> = batch
                .par_chunks(PIECE)
                .enumerate()
                .map(|(p, chunk)| {
                    let mut piece = B::default();
                    for (k, e) in chunk.iter().enumerate() {
                        write(&mut piece, b * BATCH + p * PIECE + k, &self.row(e));
                    }
                    piece
                })
                .collect();
            for piece in pieces {
                out.extend_from_slice(piece.as_ref());
            }
        }
    }

    /// `data/metrics.csv`: UTF-8, a header row, CRLF line ends (RFC 4180).
    pub fn csv_file(&self) -> OutputFile {
        // Room for typical rows; pages left untouched cost no memory.
        let mut out = Vec::with_capacity(self.entries.len() * 1024);
        let header: Vec<Cell> = self
            .columns
            .iter()
            .map(|c| Cell::text(c.as_str()))
            .collect();
        let mut line = String::new();
        csv_line(&mut line, &header);
        out.extend_from_slice(line.as_bytes());
        self.write_rows(&mut out, |out: &mut String, _, row| {
            csv_line(out, &row.cells)
        });
        OutputFile::bytes(CSV_PATH, out, ORIGIN)
    }

    /// `data/metrics.json`: an array of objects, one per metric, keys in
    /// column order, one object per line (compact, and a changed figure is
    /// a one-line diff).
    pub fn json_file(&self) -> OutputFile {
        let mut json = Vec::with_capacity(self.entries.len() * 1024);
        json.push(b'[');
        self.write_rows(&mut json, |out: &mut Vec<u8>, i, row| {
            out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            // A row is strings and numbers: writing it to memory cannot fail.
            let _ = serde_json::to_writer(&mut *out, row);
        });
        json.extend_from_slice(if self.entries.is_empty() {
            b"]\n"
        } else {
            b"\n]\n"
        });
        OutputFile::bytes(JSON_PATH, json, ORIGIN)
    }
}

/// Appends one CSV line of `cells`.
fn csv_line(out: &mut String, cells: &[Cell<'_>]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell.push_csv(out);
    }
    out.push_str("\r\n");
}

const ORIGIN: &str = "metrics export";

/// `data/metrics.csv` and `data/metrics.json`: every metric of every report,
/// one row / object each, with the same columns and values.
pub(crate) fn export_files(
    content: &Content,
    config: &Config,
    units: &UnitCatalog,
) -> Vec<OutputFile> {
    let export = Export::new(content, config, units);
    vec![export.csv_file(), export.json_file()]
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::urls::UrlStyle;
    use crate::testutil::{config, dashboard_of, metric_sample as sample};

    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') if field.is_empty() => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, '\n') => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => field.push(c),
            }
        }
        assert!(
            field.is_empty() && row.is_empty(),
            "CSV must end with a line break"
        );
        rows
    }

    fn exports(content: &Content) -> (String, serde_json::Value) {
        let files = export_files(content, &config(), &UnitCatalog::builtin());
        assert_eq!(files[0].path, "data/metrics.csv");
        assert_eq!(files[1].path, "data/metrics.json");
        let csv = String::from_utf8(files[0].as_bytes().unwrap().to_vec()).unwrap();
        let json = serde_json::from_slice(files[1].as_bytes().unwrap()).unwrap();
        (csv, json)
    }

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks() {
        let csv_field = |s: &str| {
            let mut out = String::new();
            Cell::text(s).push_csv(&mut out);
            out
        };
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");

        let (csv, _) = exports(&sample());
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "report,section,date,key,title_zh,title_en,label_zh,label_en,value,unit,qualifier,\
             display_zh,display_en,normalized,base_unit,dimension,url"
        );
        assert_eq!(
            lines[1],
            "a,reports,2025-05-08,investment,甲,\"A, \"\"quoted\"\"\",\"投资,\"\"总\"\"额\",Investment,\
             30,亿元,nearly,近 30 亿元,nearly CNY 3 billion,3000000000,元,currency_cny,\
             https://e.org/b/zh/reports/a/"
        );
        // b has no English text: its English title and labels are empty.
        assert!(
            lines[2].starts_with(
                "b,reports,2025-04-01,investment,乙,,\"投资,\"\"总\"\"额\",,5000,万元,,"
            ),
            "{}",
            lines[2]
        );
        assert_eq!(lines.len(), 5, "header, 3 rows, and the final line break");
        let rows = parse_csv(&csv);
        assert_eq!(rows[1][6], r#"投资,"总"额"#);
        assert_eq!(rows[1][5], r#"A, "quoted""#);
        assert!(rows.iter().all(|r| r.len() == rows[0].len()));
    }

    #[test]
    fn json_has_the_same_rows_as_csv() {
        let (csv, json) = exports(&sample());
        let rows = parse_csv(&csv);
        let (header, rows) = rows.split_first().unwrap();
        let objects = json.as_array().unwrap();
        assert_eq!(objects.len(), rows.len());
        for (row, obj) in rows.iter().zip(objects) {
            let obj = obj.as_object().unwrap();
            let keys: Vec<&String> = obj.keys().collect();
            let mut want: Vec<&String> = header.iter().collect();
            want.sort();
            assert_eq!(keys, want, "same columns");
            for (col, cell) in header.iter().zip(row) {
                match &obj[col] {
                    serde_json::Value::String(s) => assert_eq!(s, cell, "{col}"),
                    serde_json::Value::Number(n) => {
                        assert_eq!(n.as_f64().unwrap(), cell.parse::<f64>().unwrap(), "{col}")
                    }
                    serde_json::Value::Null => assert_eq!(cell, "", "{col}"),
                    other => panic!("{col}: unexpected {other}"),
                }
            }
        }
        assert_eq!(objects[0]["normalized"], serde_json::json!(3000000000.0));
        assert_eq!(objects[0]["label_zh"], r#"投资,"总"额"#);
        assert_eq!(objects[1]["title_en"], serde_json::Value::Null);
        assert_eq!(objects[2]["qualifier"], "over");
    }

    #[test]
    fn export_of_a_site_without_metrics_has_a_header() {
        let (csv, json) = exports(&Content::default());
        assert_eq!(csv.matches("\r\n").count(), 1);
        assert!(csv.starts_with("report,section,date,key,"));
        assert_eq!(json, serde_json::json!([]));
    }

    #[test]
    fn normalised_values_in_base_units() {
        let d = dashboard_of(&sample(), Lang::En, UrlStyle::Online);
        let cny = &d.groups[0];
        assert_eq!(
            (cny.dimension.as_str(), cny.label.as_str()),
            ("currency_cny", "Amount (CNY)")
        );
        let a = &cny.rows[0];
        assert_eq!(a.normalized, 3_000_000_000.0);
        assert_eq!(a.normalized_sort, "3000000000");
        assert_eq!(a.normalized_display, "CNY 3 billion");
        assert_eq!(a.display, "nearly CNY 3 billion");
        assert_eq!(cny.rows[1].normalized, 50_000_000.0);
        let zh = dashboard_of(&sample(), Lang::Zh, UrlStyle::Online);
        assert_eq!(zh.groups[0].rows[0].normalized_display, "30 亿元");
        assert_eq!(zh.groups[0].rows[0].display, "近 30 亿元");
        assert_eq!(zh.groups[1].rows[0].normalized_display, "2000 个");
    }
}
