//! `briefing deploy`.

#[cfg(feature = "deploy-file")]
use super::{failed, print_diagnostics, today};
#[cfg(feature = "deploy-file")]
use crate::pipeline::BuildOptions;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(super) struct DeployArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The target's name under `deploy:` in site.yaml [default: the first].
    #[arg(long, value_name = "NAME")]
    target: Option<String>,
    /// List what would be uploaded and deleted; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Upload every file, even those the target already has.
    #[arg(long)]
    force: bool,
    /// Allow this many deletions [default: the target's max_deletes, else 256].
    #[arg(long, value_name = "N")]
    max_deletes: Option<usize>,
    /// Do not ask before deleting objects.
    #[arg(long)]
    yes: bool,
    /// Deploy public/ as it is, without building.
    #[arg(long)]
    no_build: bool,
    /// Include reports marked `draft: true` in the build.
    #[arg(long)]
    drafts: bool,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = DeployFormat::Text)]
    format: DeployFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DeployFormat {
    /// A summary line (a dry run lists every change).
    Text,
    /// One JSON object: target, url, dry_run, complete, uploaded, unchanged, deleted, failed, not_done, bytes, seconds.
    Json,
}

#[cfg(feature = "deploy-file")]
pub(super) fn run(args: DeployArgs, after_stage: fn(&'static str)) -> ExitCode {
    use std::io::IsTerminal;
    // Before any thread starts: SIGINT and SIGTERM end the build cleanly.
    if let Err(e) = crate::output::interrupt::install() {
        eprintln!("warning: cannot handle Ctrl-C and SIGTERM: {e}");
    }
    let opts = crate::deploy::DeployOptions {
        build: BuildOptions {
            today: Some(today()),
            drafts: args.drafts,
            after_stage: Some(after_stage),
            ..BuildOptions::new(args.root)
        },
        target: args.target,
        dry_run: args.dry_run,
        force: args.force,
        max_deletes: args.max_deletes,
        no_build: args.no_build,
    };
    let ask = !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut built = |report: &crate::pipeline::BuildReport| {
        let warnings = &report.site.warnings;
        print_diagnostics(&warnings[..warnings.len().min(20)]);
        eprintln!(
            "built the site into {} in {} ms{}",
            report.output.display(),
            report.elapsed.as_millis(),
            match warnings.len() {
                0 => String::new(),
                n => format!(", {n} warning(s)"),
            }
        );
    };
    let mut confirm = |target: &str, deletes: &[String]| ask_to_delete(ask, target, deletes);
    let prompts = crate::deploy::Prompts {
        built: &mut built,
        confirm_deletes: &mut confirm,
    };
    let result = crate::deploy::deploy(&opts, prompts);
    crate::output::interrupt::wait_if_interrupted();
    match result {
        Ok(report) => {
            match args.format {
                DeployFormat::Json => println!("{}", report.to_json()),
                DeployFormat::Text => print!("{}", report.to_text()),
            }
            if report.complete {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => failed(&e),
    }
}

/// In a terminal, asks on stderr whether to delete these objects (yes
/// only on `y` or `yes`); elsewhere, or with --yes, does not ask.
#[cfg(feature = "deploy-file")]
fn ask_to_delete(ask: bool, target: &str, deletes: &[String]) -> bool {
    if !ask {
        return true;
    }
    for path in deletes.iter().take(10) {
        eprintln!("  delete {path}");
    }
    if deletes.len() > 10 {
        eprintln!("  ... and {} more", deletes.len() - 10);
    }
    eprint!(
        "delete {} object(s) from {target} that the site no longer has? [y/N] ",
        deletes.len()
    );
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(not(feature = "deploy-file"))]
pub(super) fn run(_: DeployArgs, _: fn(&'static str)) -> ExitCode {
    eprintln!("error: this briefing was built without `deploy` (Cargo feature `deploy`); rebuild it with default features");
    ExitCode::FAILURE
}
