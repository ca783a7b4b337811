//! `briefing archive`.

use super::{failed, print_diagnostics};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(super) struct ArchiveArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The file to write [default: <site-title>-<date>.zip, or <slug>.html with --report, in the current folder].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write only this report (its slug, or section/slug) as one self-contained HTML file.
    #[arg(long, value_name = "SLUG")]
    report: Option<String>,
    /// Replace the file at --out even when it is not a zip (or, with --report, a report file) briefing wrote.
    #[arg(long)]
    overwrite: bool,
    /// Include reports marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Print only errors.
    #[arg(short, long)]
    quiet: bool,
}

pub(super) fn run(args: ArchiveArgs) -> ExitCode {
    let opts = crate::commands::archive::ArchiveOptions {
        root: args.root,
        out: args.out,
        drafts: args.drafts,
        overwrite: args.overwrite,
    };
    let result = match &args.report {
        Some(slug) => crate::commands::archive::report_file(&opts, slug),
        None => crate::commands::archive::archive(&opts),
    };
    match result {
        Ok(report) => {
            if !args.quiet {
                let warnings = &report.warnings;
                print_diagnostics(&warnings[..warnings.len().min(20)]);
                if warnings.len() > 20 {
                    eprintln!("... and {} more warnings", warnings.len() - 20);
                }
                let what = if args.report.is_some() {
                    "one report".to_string()
                } else {
                    format!("{} files", report.files)
                };
                println!(
                    "archived {what} into {} ({} KB)",
                    report.path.display(),
                    report.bytes.div_ceil(1024)
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}
