//! `briefing build`.

use super::{failed, print_diagnostics, today};
use crate::emit::search::site::Work;
use crate::model::urls::UrlStyle;
use crate::pipeline::{build, BuildOptions, BuildReport};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(super) struct BuildArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output folder [default: <root>/public].
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Build into an output folder holding files briefing did not write (no .briefing-manifest):
    /// those files are left in place, never removed; those where the site writes a file are replaced.
    #[arg(long)]
    force: bool,
    /// Make every link to a folder end in index.html, so the output works from disk (file://).
    #[arg(long)]
    offline: bool,
    /// Do not minify HTML and CSS.
    #[arg(long)]
    no_minify: bool,
    /// Include reports marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Print only errors.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print every warning in full and what was written.
    #[arg(short, long)]
    verbose: bool,
}

pub(super) fn run(args: BuildArgs, after_stage: fn(&'static str)) -> ExitCode {
    // Before any thread starts: SIGINT and SIGTERM remove the staging folder.
    if let Err(e) = crate::output::interrupt::install() {
        eprintln!("warning: cannot handle Ctrl-C and SIGTERM: {e}");
    }
    let result = build(&options(&args, after_stage));
    // A signal's cleanup ends the process (exit 130 or 143), whatever the
    // build says.
    crate::output::interrupt::wait_if_interrupted();
    match result {
        Ok(report) => {
            if !args.quiet {
                print_built(&report, args.verbose);
            }
            if args.verbose {
                print_details(&report);
            }
            // The process ends here: freeing the site model one allocation
            // at a time would only cost time.
            std::mem::forget(report);
            ExitCode::SUCCESS
        }
        Err(e) => failed(&e),
    }
}

fn options(args: &BuildArgs, after_stage: fn(&'static str)) -> BuildOptions {
    BuildOptions {
        output: args.output.clone(),
        style: if args.offline {
            UrlStyle::Offline
        } else {
            UrlStyle::Online
        },
        minify: !args.no_minify,
        drafts: args.drafts,
        force: args.force,
        today: Some(today()),
        after_stage: Some(after_stage),
        ..BuildOptions::new(args.root.clone())
    }
}

/// The warnings (the first 20 unless `all`) and the summary line.
fn print_built(report: &BuildReport, all: bool) {
    let warnings = &report.site.warnings;
    if report.repaired {
        println!(
            "repaired an interrupted build: {} held the staging folder of a build that did not finish",
            report.output.display()
        );
    }
    if all || warnings.len() <= 20 {
        print_diagnostics(warnings);
    } else {
        print_diagnostics(&warnings[..20]);
        eprintln!(
            "... and {} more warnings (--verbose shows all)",
            warnings.len() - 20
        );
    }
    let per_lang = report.site.pages_per_language();
    let pages: Vec<String> = per_lang.iter().map(|(l, n)| format!("{n} {l}")).collect();
    println!(
        "built {} pages ({}) in {} ms into {}{}",
        per_lang.values().sum::<usize>(),
        pages.join(", "),
        report.elapsed.as_millis(),
        report.output.display(),
        if warnings.is_empty() {
            String::new()
        } else {
            format!(", {} warning(s)", warnings.len())
        }
    );
}

/// What `build --verbose` adds: stages, the search index, the write.
fn print_details(report: &BuildReport) {
    let t: Vec<String> = report
        .site
        .timings
        .iter()
        .map(|(n, d)| format!("{n} {} ms", d.as_millis()))
        .collect();
    println!("stages: {}", t.join(", "));
    match report.site.search_index {
        Some(Work::Kept) => println!("search index kept (no searchable text changed)"),
        Some(Work::Updated(n)) => {
            println!("search index updated in place ({n} report(s) indexed)")
        }
        Some(Work::Built) => println!("search index built from every report"),
        None => {}
    }
    if let Some(name) = &report.site.minified_per_page {
        println!(
            "minified page by page, as template {name} has a tera tag among a tag's attributes (slower; see themes/README.md)"
        );
    }
    print_write_stats(&report.stats);
    if let Some(kib) = crate::pipeline::peak_memory_kib() {
        println!("peak memory {} MiB", kib / 1024);
    }
}

/// What `build --verbose` says the write did.
fn print_write_stats(stats: &crate::output::WriteStats) {
    println!(
        "{} files written, {} unchanged, {} removed (commit {} ms)",
        stats.written,
        stats.unchanged,
        stats.removed,
        stats.commit.as_millis()
    );
    let left = &stats.left_in_place;
    if !left.is_empty() {
        println!(
            "{} files not in briefing's manifest left in place:",
            left.len()
        );
        for path in left.iter().take(10) {
            println!("  {path}");
        }
        if left.len() > 10 {
            println!("  ... and {} more", left.len() - 10);
        }
    }
}
