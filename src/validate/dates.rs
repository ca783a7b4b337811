//! Report dates too far in the future.

use crate::diag::Diagnostic;
use crate::model::content::Content;
use crate::model::date::Date;
use crate::Lang;

/// How many days after today a report's date may be before it is a warning.
pub(crate) const FUTURE_DAYS: i64 = 7;

/// Warnings for reports dated more than [`FUTURE_DAYS`] days after `today`
/// (a typo such as 2052 for 2025 would top every list for years), on the
/// source file's `date:` line.
pub(crate) fn future_dates(content: &Content, source: Lang, today: Date) -> Vec<Diagnostic> {
    content
        .reports
        .iter()
        .filter(|r| r.date.days() - today.days() > FUTURE_DAYS)
        .map(|r| {
            Diagnostic::warning(
                &r.texts[&source].path,
                r.date_line,
                format!(
                    "the date {} is more than {FUTURE_DAYS} days after today ({today})",
                    r.date
                ),
            )
            .with_hint("check it for a typo: lists show the newest reports first, so this one would top them until then")
        })
        .collect()
}
