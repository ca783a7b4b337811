//! `briefing figures`.

use super::failed;
use crate::pipeline::BuildOptions;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(super) struct FiguresArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FiguresFormat::Text)]
    format: FiguresFormat,
    /// Include reports marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum FiguresFormat {
    /// Aligned columns, then a count.
    Text,
    /// An array of objects: report, key, one field per language, quote, problem, file, line.
    Json,
}

pub(super) fn run(args: FiguresArgs) -> ExitCode {
    let opts = BuildOptions {
        drafts: args.drafts,
        ..BuildOptions::new(args.root)
    };
    let table = match crate::commands::figures::figures(&opts) {
        Ok(t) => t,
        Err(e) => return failed(&e),
    };
    match args.format {
        FiguresFormat::Json => {
            println!("{}", crate::commands::figures::format_json(&table.figures))
        }
        FiguresFormat::Text => print!("{}", crate::commands::figures::format_text(&table)),
    }
    if crate::commands::figures::any_differs(&table.figures) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
