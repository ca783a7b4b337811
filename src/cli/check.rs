//! `briefing check`.

use super::{failed, today};
use crate::pipeline::BuildOptions;
use crate::Diagnostic;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(super) struct CheckArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Record that these translations (all when none are named) are up to
    /// date with their sources, then check.
    #[arg(long, num_args = 0.., value_name = "FILE")]
    accept: Option<Vec<PathBuf>>,
    /// Include reports marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Grouped by file, coloured in a terminal.
    Text,
    /// One JSON object: counts and the list of problems.
    Json,
}

pub(super) fn run(args: CheckArgs) -> ExitCode {
    use std::io::IsTerminal;
    let opts = BuildOptions {
        drafts: args.drafts,
        today: Some(today()),
        ..BuildOptions::new(args.root)
    };
    if let Some(files) = &args.accept {
        match crate::commands::check::accept(&opts, files) {
            Ok(changed) => {
                for path in &changed {
                    eprintln!("accepted {}", path.display());
                }
                if changed.is_empty() {
                    eprintln!("every translation was already up to date");
                }
            }
            Err(e) => return failed(&e),
        }
    }
    let diags = match crate::commands::check::check(&opts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match args.format {
        Format::Json => println!("{}", crate::commands::check::format_json(&diags)),
        Format::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", crate::commands::check::format_text(&diags, color));
        }
    }
    let errors = diags.iter().any(Diagnostic::is_error);
    if errors || (args.strict && !diags.is_empty()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
