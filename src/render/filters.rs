//! The `metric` template filter.

use crate::model::units::{self, Qualifier, UnitCatalog};
use crate::Lang;
use std::sync::Arc;

/// Registers the `metric` filter: `{{ m | metric(lang=lang) }}` formats a
/// metric view (anything with `value`, `unit` and optionally `qualifier`)
/// as the pages write it, e.g. `近 30 亿元` / `nearly CNY 3 billion`. `lang`
/// defaults to the page's `lang`.
pub(crate) fn register_filters(tera: &mut tera::Tera, units: Arc<UnitCatalog>) {
    tera.register_filter(
        "metric",
        move |m: &tera::Value,
              kwargs: tera::Kwargs,
              state: &tera::State|
              -> tera::TeraResult<String> { metric_filter(&units, m, &kwargs, state) },
    );
}

fn metric_filter(
    units: &UnitCatalog,
    m: &tera::Value,
    kwargs: &tera::Kwargs,
    state: &tera::State,
) -> tera::TeraResult<String> {
    let err = |msg: String| tera::Error::message(format!("filter `metric`: {msg}"));
    let code = match kwargs.get::<String>("lang")? {
        Some(code) => code,
        None => state
            .get::<String>("lang")?
            .ok_or_else(|| err("no language: pass it, e.g. `m | metric(lang=lang)`".to_string()))?,
    };
    let lang = Lang::from_code(&code)
        .ok_or_else(|| err(format!("unknown language `{code}` (use `zh` or `en`)")))?;
    if !m.is_map() {
        return Err(err(format!(
            "expects a metric (with `value` and `unit`), got a {}",
            m.name()
        )));
    }
    let value = m
        .get_from_path("value")
        .and_then(tera::Value::as_f64)
        .ok_or_else(|| err("the metric has no numeric `value`".to_string()))?;
    let unit_name = m
        .get_from_path("unit")
        .and_then(tera::Value::as_str)
        .ok_or_else(|| err("the metric has no `unit`".to_string()))?;
    let unit = units.resolve(unit_name).map_err(|e| err(e.to_string()))?;
    let text = |field| optional_text(m, field).map_err(err);
    let qualifier = match text("qualifier")? {
        None => None,
        Some(word) => Some(Qualifier::parse(word).ok_or_else(|| {
            err(format!(
                "{}; {}",
                Qualifier::unknown(word),
                Qualifier::known()
            ))
        })?),
    };
    let noun = match (text("noun.one")?, text("noun.other")?) {
        (Some(one), Some(other)) => Some(units::Noun {
            one: one.to_string(),
            other: other.to_string(),
        }),
        _ => None,
    };
    Ok(units::format_value(
        value,
        unit,
        qualifier,
        noun.as_ref(),
        lang,
    ))
}

/// A metric view's optional text field: `None` when absent, null or blank.
fn optional_text<'v>(m: &'v tera::Value, field: &'v str) -> Result<Option<&'v str>, String> {
    match m.get_from_path(field) {
        None => Ok(None),
        Some(v) if v.is_none() || v.is_undefined() => Ok(None),
        Some(v) => match v.as_str().map(str::trim) {
            Some("") => Ok(None),
            Some(s) => Ok(Some(s)),
            None => Err(format!("`{field}` must be a string")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testutil::tera_with_filter;

    #[test]
    fn metric_filter_formats_per_language() {
        let mut tera = tera_with_filter();
        tera.add_raw_templates([
            (
                "en.html",
                "{{ m | metric(lang=\"en\") }}|{{ m | metric(lang=lang) }}|{{ m | metric }}",
            ),
            ("bad.html", "{{ m | metric(lang=\"en\") }}"),
        ])
        .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("lang", &Lang::Zh);
        ctx.insert("m", &serde_json::json!({"value": 30.0, "unit": "亿元", "qualifier": "nearly", "label": "x"}));
        assert_eq!(
            tera.render("en.html", &ctx).unwrap(),
            "nearly CNY 3 billion|近 30 亿元|近 30 亿元"
        );
        ctx.insert(
            "m",
            &serde_json::json!({"value": 2000, "unit": "人", "qualifier": null}),
        );
        assert_eq!(tera.render("bad.html", &ctx).unwrap(), "2,000 people");
        let station = serde_json::json!({"one": "station", "other": "stations"});
        for (qualifier, noun, en) in [
            ("超", station.clone(), "more than 2,000 stations"),
            ("or_more", serde_json::Value::Null, "2,000 or more"),
        ] {
            ctx.insert(
                "m",
                &serde_json::json!({"value": 2000, "unit": "座", "qualifier": qualifier, "noun": noun}),
            );
            assert_eq!(tera.render("bad.html", &ctx).unwrap(), en);
        }
        for bad in [
            serde_json::json!({"value": 1, "unit": "斤"}),
            serde_json::json!({"value": "x", "unit": "人"}),
            serde_json::json!({"value": 1, "unit": "人", "qualifier": "大概"}),
            serde_json::json!(3),
        ] {
            ctx.insert("m", &bad);
            let err = tera.render("bad.html", &ctx).unwrap_err();
            let mut text = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                text += &s.to_string();
                source = s.source();
            }
            assert!(text.contains("filter `metric`"), "{bad}: {text}");
        }
    }
}
