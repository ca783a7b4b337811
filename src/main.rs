//! The `briefing` command line: parses arguments and calls the library.

use briefing::build::{build, BuildOptions};
use briefing::urls::UrlStyle;
use briefing::Diagnostic;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: rendering and minifying allocate many small strings, and the
/// system allocator spends a large share of the build in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A static site generator for bilingual (Chinese / English) briefing sites.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/.
    ///
    /// Examples:
    ///   briefing build                   build the site in this folder
    ///   briefing build --offline         links end in index.html, for file://
    ///   briefing build --root site -o out
    #[command(verbatim_doc_comment)]
    Build(BuildArgs),
    /// Write the site as one zip that works from disk, or one report as one HTML file.
    ///
    /// The zip holds the site built for file:// (every link ends in index.html):
    /// unzip it and open index.html, no server or network needed. The same
    /// content always gives a byte-identical zip. public/ is not touched.
    ///
    /// Examples:
    ///   briefing archive                        ./<site-title>-<newest-date>.zip
    ///   briefing archive --out ~/briefing.zip
    ///   briefing archive --report jincheng-opto-mechatronics-cluster
    ///                                           ./jincheng-opto-mechatronics-cluster.html:
    ///                                           both languages, CSS and images inside
    #[command(verbatim_doc_comment)]
    Archive(ArchiveArgs),
}

#[derive(Args)]
struct ArchiveArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The file to write [default: <site-title>-<date>.zip, or <slug>.html with --report, in the current folder].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write only this report (its slug, or section/slug) as one self-contained HTML file.
    #[arg(long, value_name = "SLUG")]
    report: Option<String>,
    /// Include reports marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Print only errors.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct BuildArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output folder [default: <root>/public].
    #[arg(short, long)]
    output: Option<PathBuf>,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => run_build(args),
        Command::Archive(args) => run_archive(args),
    }
}

fn run_archive(args: ArchiveArgs) -> ExitCode {
    let opts = briefing::archive::ArchiveOptions {
        root: args.root,
        out: args.out,
        drafts: args.drafts,
    };
    let result = match &args.report {
        Some(slug) => briefing::archive::report_file(&opts, slug),
        None => briefing::archive::archive(&opts),
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
        Err(e) => {
            print_diagnostics(e.diagnostics());
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_diagnostics(ds: &[Diagnostic]) {
    for d in ds {
        eprintln!("{d}");
    }
}

fn run_build(args: BuildArgs) -> ExitCode {
    let opts = BuildOptions {
        output: args.output,
        style: if args.offline {
            UrlStyle::Offline
        } else {
            UrlStyle::Online
        },
        minify: !args.no_minify,
        drafts: args.drafts,
        ..BuildOptions::new(args.root)
    };
    match build(&opts) {
        Ok(report) => {
            let warnings = &report.site.warnings;
            if !args.quiet {
                if args.verbose || warnings.len() <= 20 {
                    print_diagnostics(warnings);
                } else {
                    print_diagnostics(&warnings[..20]);
                    eprintln!(
                        "... and {} more warnings (--verbose shows all)",
                        warnings.len() - 20
                    );
                }
                let pages: Vec<String> = report
                    .site
                    .pages_per_language()
                    .iter()
                    .map(|(l, n)| format!("{n} {l}"))
                    .collect();
                println!(
                    "built {} pages ({}) in {} ms into {}{}",
                    pages
                        .join(" + ")
                        .split(" + ")
                        .filter_map(|p| p.split(' ').next()?.parse::<usize>().ok())
                        .sum::<usize>(),
                    pages.join(", "),
                    report.elapsed.as_millis(),
                    report.output.display(),
                    if warnings.is_empty() {
                        String::new()
                    } else {
                        format!(", {} warning(s)", warnings.len())
                    }
                );
                if args.verbose {
                    let t: Vec<String> = report
                        .site
                        .timings
                        .iter()
                        .map(|(n, d)| format!("{n} {} ms", d.as_millis()))
                        .collect();
                    println!("stages: {}", t.join(", "));
                    println!(
                        "{} files written, {} unchanged, {} removed",
                        report.stats.written, report.stats.unchanged, report.stats.removed
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_diagnostics(e.diagnostics());
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
