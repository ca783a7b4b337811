//! `briefing import`.

use super::figures::FiguresFormat;
use super::{failed_listing, parse_date, today};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(super) struct ImportArgs {
    /// The page: a .pdf with a text layer or a .txt of its text.
    file: PathBuf,
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The section folder below content/.
    #[arg(long, default_value = "reports")]
    section: String,
    /// The reports' date, YYYY-MM-DD [default: the page's folio date, else today].
    #[arg(long, value_parser = parse_date)]
    date: Option<crate::model::date::Date>,
    /// The paper's name for `source.publication` [default: the page's masthead or dateline].
    #[arg(long, value_name = "NAME")]
    publication: Option<String>,
    /// The page's name in the paper for `source.page`, e.g. A3 [default: the page's folio].
    #[arg(long)]
    page: Option<String>,
    /// Write nothing; print what would be written, with each article's figures.
    #[arg(long)]
    dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FiguresFormat::Text)]
    format: FiguresFormat,
}

pub(super) fn run(args: ImportArgs) -> ExitCode {
    let opts = crate::import::ImportOptions {
        file: args.file.clone(),
        root: args.root,
        section: args.section,
        date: args.date,
        publication: args.publication,
        page: args.page,
        dry_run: args.dry_run,
        today: today(),
    };
    match crate::import::import(&opts) {
        Ok(imported) => {
            match args.format {
                FiguresFormat::Json => println!("{}", crate::import::format_json(&imported)),
                FiguresFormat::Text => {
                    print!("{}", crate::import::format_text(&imported, &args.file))
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed_listing(&e),
    }
}
