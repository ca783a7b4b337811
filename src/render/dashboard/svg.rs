//! Bar charts as SVG, drawn at build time (no script on the page).

use super::BarView;
use crate::util::escape::xml as xml_escape;
use crate::Lang;
use std::fmt::Write as _;

const SVG_WIDTH: f64 = 720.0;
const LABEL_WIDTH: f64 = 220.0;
const VALUE_WIDTH: f64 = 190.0;
const BAR_HEIGHT: f64 = 20.0;
const BAR_GAP: f64 = 10.0;
const PADDING: f64 = 6.0;
const FONT_SIZE: f64 = 13.0;

/// Approximate rendered width of `s` at [`FONT_SIZE`]: CJK and other wide
/// characters one em, ASCII about 0.55 em.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum::<f64>()
        * FONT_SIZE
}

/// `s` cut to fit `max` pixels, with `…` when cut.
fn fit(s: &str, max: f64) -> String {
    if text_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let next = format!("{out}{c}…");
        if text_width(&next) > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A horizontal bar chart: one bar per report, lengths in base units, bar
/// labels on the left, the figures as written at the bar ends. Text uses
/// `currentColor`, so the chart follows the page's colours (dark mode,
/// print). Coordinates have one decimal, so output is deterministic.
pub(crate) fn chart_svg(id: &str, label: &str, bars: &[BarView], lang: Lang) -> String {
    let n = bars.len() as f64;
    let height = 2.0 * PADDING + n * BAR_HEIGHT + (n - 1.0).max(0.0) * BAR_GAP;
    let bar_area = SVG_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let finite = || bars.iter().map(|b| b.normalized).filter(|v| v.is_finite());
    let lo = finite().fold(0.0_f64, f64::min);
    let hi = finite().fold(0.0_f64, f64::max);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let x = |v: f64| {
        let v = if v.is_finite() { v } else { 0.0 };
        LABEL_WIDTH + (v - lo) / span * bar_area
    };
    let x0 = x(0.0);
    let id = format!("metric-chart-{}", xml_escape(id));
    let desc = description(label, bars, lang);

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"metric-chart\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {SVG_WIDTH:.0} {height:.0}\" \
         width=\"{SVG_WIDTH:.0}\" height=\"{height:.0}\" font-size=\"{FONT_SIZE:.0}\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        xml_escape(label),
        xml_escape(&desc),
    );
    for (i, b) in bars.iter().enumerate() {
        let y = PADDING + i as f64 * (BAR_HEIGHT + BAR_GAP);
        let mid = y + BAR_HEIGHT / 2.0;
        let xv = x(b.normalized);
        let (left, right) = (x0.min(xv), x0.max(xv));
        let mut width = right - left;
        if b.normalized != 0.0 && width < 1.0 {
            width = 1.0;
        }
        let shown = fit(&b.label, LABEL_WIDTH - 12.0);
        let _ = write!(
            s,
            "<g class=\"bar-row\">\
             <text class=\"bar-label\" x=\"{:.1}\" y=\"{mid:.1}\" dy=\"0.35em\" text-anchor=\"end\" fill=\"currentColor\">{}",
            LABEL_WIDTH - 8.0,
            xml_escape(&shown),
        );
        if shown != b.label {
            let _ = write!(s, "<title>{}</title>", xml_escape(&b.label));
        }
        let _ = write!(
            s,
            "</text>\
             <rect class=\"bar\" x=\"{left:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{BAR_HEIGHT:.1}\" fill=\"#2b6cb0\"/>\
             <text class=\"bar-value\" x=\"{:.1}\" y=\"{mid:.1}\" dy=\"0.35em\" fill=\"currentColor\">{}</text>\
             </g>",
            left + width + 6.0,
            xml_escape(&b.display),
        );
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{x0:.1}\" y1=\"0\" x2=\"{x0:.1}\" y2=\"{height:.0}\" stroke=\"currentColor\" stroke-opacity=\"0.5\"/></svg>"
    );
    s
}

/// The chart as a sentence, for screen readers: each report's figure.
fn description(label: &str, bars: &[BarView], lang: Lang) -> String {
    // Each bar's own label is named when the reports label the figure
    // differently.
    let own = bars.iter().any(|b| b.metric_label != label);
    match lang {
        Lang::Zh => {
            let items: Vec<String> = bars
                .iter()
                .map(|b| match own {
                    true => format!("{}（{}）：{}", b.label, b.metric_label, b.display),
                    false => format!("{}：{}", b.label, b.display),
                })
                .collect();
            format!("{label}，各报告对比：{}。", items.join("；"))
        }
        Lang::En => {
            let items: Vec<String> = bars
                .iter()
                .map(|b| match own {
                    true => format!("{} ({}): {}", b.label, b.metric_label, b.display),
                    false => format!("{}: {}", b.label, b.display),
                })
                .collect();
            format!("{label}, by report: {}.", items.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::urls::UrlStyle;
    use crate::testutil::{dashboard_of, metric_sample as sample};

    #[test]
    fn svg_is_accessible_and_escapes_text() {
        let d = dashboard_of(&sample(), Lang::En, UrlStyle::Online);
        let svg = &d.charts[0].svg;
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains(
            "aria-labelledby=\"metric-chart-investment-title metric-chart-investment-desc\""
        ));
        assert!(
            svg.contains("<title id=\"metric-chart-investment-title\">Investment</title>"),
            "{svg}"
        );
        assert!(svg.contains("<desc id=\"metric-chart-investment-desc\">Investment, by report: Changzhi HTZ (Investment): nearly CNY 3 billion; &lt;script&gt;alert(1)&lt;/script&gt; (投资,&quot;总&quot;额): CNY 50 million.</desc>"), "{svg}");
        assert!(!svg.contains("<script"), "{svg}");
        assert!(
            svg.contains(">&lt;script&gt;alert(1)&lt;/script&gt;</text>"),
            "{svg}"
        );
        // Long labels are cut to fit, with the full text as a tooltip.
        assert_eq!(
            fit("长治高新区长治高新区长治高新区", 100.0),
            "长治高新区长…"
        );
        assert_eq!(fit("长治高新区", 100.0), "长治高新区");
        assert!(svg.ends_with("</svg>"));
        // The longest bar spans the bar area; the other is proportional.
        assert!(
            svg.contains("<rect class=\"bar\" x=\"220.0\" y=\"6.0\" width=\"310.0\""),
            "{svg}"
        );
        assert!(
            svg.contains("<rect class=\"bar\" x=\"220.0\" y=\"36.0\" width=\"5.2\""),
            "{svg}"
        );
    }

    #[test]
    fn negative_values_grow_left_of_the_axis() {
        let bar = |label: &str, v: f64| BarView {
            label: label.into(),
            report_title: label.into(),
            metric_label: "K".into(),
            report_url: String::new(),
            text_lang: Lang::En,
            display: v.to_string(),
            normalized: v,
            normalized_display: String::new(),
            normalized_sort: String::new(),
        };
        let svg = chart_svg("k", "K", &[bar("up", 30.0), bar("down", -10.0)], Lang::En);
        // Zero sits a quarter into the 310-wide bar area.
        assert!(
            svg.contains("<rect class=\"bar\" x=\"297.5\" y=\"6.0\" width=\"232.5\""),
            "{svg}"
        );
        assert!(
            svg.contains("<rect class=\"bar\" x=\"220.0\" y=\"36.0\" width=\"77.5\""),
            "{svg}"
        );
        assert!(svg.contains("x1=\"297.5\""), "{svg}");
    }
}
