//! `briefing new report`, `briefing new theme` and `briefing init`.

use super::{failed_listing, parse_date, today};
use crate::commands::scaffold;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub(super) enum NewCommand {
    /// Create content/<section>/<slug>.zh.md and .en.md with a front-matter skeleton.
    ///
    /// The source file gets today's date, `draft: true` (a plain `build`
    /// leaves it out until that line is removed) and an empty metrics list
    /// with a commented example; the translation records which version of the
    /// source it translates (`translated_from`). Refuses to overwrite
    /// anything and rejects slugs that are not URL-safe.
    ///
    /// Examples:
    ///   briefing new report jincheng-opto-cluster
    ///   briefing new report taiyuan-logistics --section briefs --date 2025-05-08
    #[command(verbatim_doc_comment)]
    Report(NewReportArgs),
    /// Copy the built-in default theme to themes/NAME, to customise it.
    ///
    /// With NAME `default` (the default) the copy replaces the built-in theme
    /// for this site at once; with another name, set `theme: NAME` in
    /// site.yaml.
    ///
    /// Examples:
    ///   briefing new theme
    ///   briefing new theme house-style
    #[command(verbatim_doc_comment)]
    Theme(NewThemeArgs),
}

#[derive(Args)]
pub(super) struct NewReportArgs {
    /// The report's URL name: letters, digits, `-`, `_`, `.`.
    slug: String,
    /// The section folder below content/.
    #[arg(long, default_value = "reports")]
    section: String,
    /// The report's date, YYYY-MM-DD [default: today (UTC)].
    #[arg(long, value_parser = parse_date)]
    date: Option<crate::model::date::Date>,
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Args)]
pub(super) struct NewThemeArgs {
    /// The new theme's folder name below themes/.
    #[arg(default_value = "default")]
    name: String,
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Args)]
pub(super) struct InitArgs {
    /// The folder for the new site.
    dir: PathBuf,
    /// Also copy the default theme to themes/default, for customising.
    #[arg(long)]
    eject_theme: bool,
}

/// Prints the files a `new` or `init` command made (stdout), or its errors.
fn report_created(made: crate::Result<Vec<PathBuf>>, next: &str) -> ExitCode {
    match made {
        Ok(files) => {
            for f in files {
                println!("created {}", f.display());
            }
            if !next.is_empty() {
                println!("{next}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed_listing(&e),
    }
}

/// `briefing new report` and `briefing new theme`.
pub(super) fn run_new(command: NewCommand) -> ExitCode {
    match command {
        NewCommand::Report(args) => {
            let date = args.date.unwrap_or_else(today);
            let made = scaffold::new_report(&args.root, &args.section, &args.slug, date);
            report_created(
                made,
                "the report is a draft (`draft: true`): `build` leaves it out until you remove that line; `briefing serve --drafts` shows it meanwhile",
            )
        }
        NewCommand::Theme(args) => {
            let made = scaffold::eject_theme(&args.root, &args.name);
            let next = if args.name == "default" {
                String::new()
            } else {
                format!("set `theme: {}` in site.yaml to use it", args.name)
            };
            report_created(made, &next)
        }
    }
}

/// `briefing init`.
pub(super) fn run_init(args: InitArgs) -> ExitCode {
    let made = scaffold::init_site(&args.dir, args.eject_theme, today());
    let next = format!("next: cd {} && briefing serve", args.dir.display());
    report_created(
        made.map(|files| files.into_iter().map(|f| args.dir.join(f)).collect()),
        &next,
    )
}
