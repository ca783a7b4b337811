//! The command line: its arguments (clap) and, for each command, what it
//! prints and its exit code. The commands themselves are in the library's
//! other folders; `main.rs` only sets up the process and calls [`run`].

mod archive;
mod build;
mod check;
mod deploy;
mod figures;
mod import;
mod scaffold;
mod serve;

use crate::Diagnostic;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
    /// A build removes only files an earlier build wrote (listed in
    /// public/.briefing-manifest); anything else in the folder stays. It
    /// refuses an output folder inside content/ or themes/, one holding the
    /// site, and one holding files but no manifest (unless --force).
    ///
    /// Examples:
    ///   briefing build                   build the site in this folder
    ///   briefing build --offline         links end in index.html, for file://
    ///   briefing build --root site -o out
    #[command(verbatim_doc_comment)]
    Build(build::BuildArgs),
    /// Write the site as one zip that works from disk, or one report as one HTML file.
    ///
    /// The zip holds the site built for file:// (every link ends in index.html):
    /// unzip it and open index.html, no server or network needed. The same
    /// content always gives a byte-identical zip. public/ is not touched.
    /// An existing file at the target is replaced only when it is a zip (with
    /// --report: a report file briefing wrote), or with --overwrite; devices,
    /// pipes, folders and the site's own files never are.
    ///
    /// Examples:
    ///   briefing archive                        ./<site-title>-<newest-date>.zip
    ///   briefing archive --out ~/briefing.zip
    ///   briefing archive --report jincheng-opto-mechatronics-cluster
    ///                                           ./jincheng-opto-mechatronics-cluster.html:
    ///                                           both languages, CSS and images inside
    #[command(verbatim_doc_comment)]
    Archive(archive::ArchiveArgs),
    /// Serve the site locally, rebuilding and reloading the browser on every change.
    ///
    /// Builds the site in memory (nothing is written), serves it at
    /// http://127.0.0.1:1111/ and watches content/, the theme and site.yaml.
    /// After a change only the pages it affects are rendered again and the
    /// open browser tab reloads itself. When a change breaks the build the
    /// error is printed here and shown over the page, and the last good site
    /// stays served until the file is fixed. Stop with Ctrl-C.
    ///
    /// Examples:
    ///   briefing serve                     serve the site in this folder
    ///   briefing serve --open              ...and open it in the browser
    ///   briefing serve --port 8080 --drafts
    ///   briefing serve --bind 0.0.0.0      reachable from other machines
    #[command(verbatim_doc_comment)]
    Serve(serve::ServeArgs),
    /// Check the site without writing anything.
    ///
    /// Runs every validation of `build`, then checks that need the whole
    /// site: links and anchors that lead nowhere, images without alt text,
    /// empty summaries, duplicate titles, metric labels missing in a
    /// language, and translations that are out of date with their source.
    /// Problems are listed by file, with line numbers.
    ///
    /// A translation records the version of its source it was made from in
    /// `translated_from`; after changing a source, its translations are
    /// reported as out of date until they are updated and accepted.
    ///
    /// Exit codes: 0 no errors (with --strict: no problems at all), 1 errors
    /// (or warnings with --strict) or a file could not be read, 2 bad
    /// command line.
    ///
    /// Examples:
    ///   briefing check                      list problems, grouped by file
    ///   briefing check --strict             also fail on warnings (CI)
    ///   briefing check --format json        for tools
    ///   briefing check --accept content/reports/a.en.md
    ///                                       mark a translation as up to date
    ///   briefing check --accept             mark all translations up to date
    #[command(verbatim_doc_comment)]
    Check(check::CheckArgs),
    /// List every figure, as each language shows it, with its quote check.
    ///
    /// One row per metric of every report: the report (section/slug), the
    /// key, the figure as each language's pages show it, and whether its
    /// quote gives it: `matches`, `differs` (with what the quote says) or
    /// `none` (no quote). A quote gives a figure when it has the number
    /// (digits, full-width digits, separators, 万/亿, Chinese numerals,
    /// 百分之) in the metric's unit or one of its kind, with the same
    /// qualifier word next to it. `briefing check` reports the same
    /// differences with file and line.
    ///
    /// Exit codes: 0 no figure differs from its quote, 1 some figure
    /// differs or the site has errors, 2 bad command line.
    ///
    /// Examples:
    ///   briefing figures                    the table, for a terminal
    ///   briefing figures --format json     an array of objects, for tools
    ///
    ///   report                   key          zh          en                    quote
    ///   reports/jincheng-opto    projects     130 余个    over 130              matches
    ///   reports/jincheng-opto    total        321 亿元    CNY 32.1 billion      differs: quote has 312 亿元
    #[command(verbatim_doc_comment)]
    Figures(figures::FiguresArgs),
    /// Create a new report (both languages) or a copy of the default theme.
    ///
    /// Examples:
    ///   briefing new report jincheng-opto-cluster    content/reports/jincheng-opto-cluster.{zh,en}.md
    ///   briefing new theme                           copy the built-in theme to themes/default
    #[command(subcommand, verbatim_doc_comment)]
    New(scaffold::NewCommand),
    /// Turn a newspaper page (PDF or extracted text) into draft reports with their figures.
    ///
    /// Reads the page (a PDF with a text layer, or the .txt an extractor made
    /// of one), cuts it into articles at their datelines (本报讯, XX报讯,
    /// 新华社…电) and continuation marks (（上接 A1 版）), finds each one's
    /// headline, kicker, bylines and captions, and proposes its figures:
    /// every number with a unit of the catalogue, its qualifier as the page
    /// writes it, the clause it stands in as its quote (so the quote check
    /// passes) and a label from the words before it. Each article becomes
    /// content/<section>/<slug>.zh.md (`draft: true`, the page's text as its
    /// body) and a translation skeleton per other language. Slugs are
    /// <date>-<page>-<n>-<pinyin>, the same for the same page: an existing
    /// file is never overwritten (nothing is written, exit 1).
    ///
    /// Date, page and publication default to what the page's folio and
    /// datelines say (else today, none, none).
    ///
    /// Examples:
    ///   briefing import kexue-a2.pdf --date 2025-05-08 --page A2
    ///   briefing import kexue-a2.txt --dry-run      show articles and figures, write nothing
    ///   briefing import kexue-a2.pdf --dry-run --format json
    ///   briefing check --drafts                     then: what is left to review
    #[command(verbatim_doc_comment)]
    Import(import::ImportArgs),
    /// Create a new site that builds at once.
    ///
    /// Makes DIR (which must be empty or absent) with site.yaml, a home page
    /// intro, a reports section and one example report in Chinese and
    /// English. The default theme is built into briefing, so the site needs
    /// no themes/ folder; --eject-theme copies it there for customising.
    ///
    /// Examples:
    ///   briefing init my-briefing
    ///   briefing init my-briefing --eject-theme
    #[command(verbatim_doc_comment)]
    Init(scaffold::InitArgs),
    /// Build the site and publish it to object storage, sending only what changed.
    ///
    /// Targets are listed under `deploy:` in site.yaml (s3://, gs://, az://,
    /// file:///); credentials come from the environment only (for S3:
    /// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN or
    /// AWS_PROFILE). Each file is compared by the content hash kept in its
    /// object's metadata. Assets, data and the search index's files go up
    /// first, then pages, then the search entry, feeds and sitemap, the
    /// language home pages and the landing page; deletions come last, and
    /// more than max_deletes of them (256 unless site.yaml says) stop the
    /// deploy before anything changes. A deploy that stops part-way says
    /// what was not done; running it again finishes the job.
    ///
    /// In a terminal, deploy asks before deleting objects (--yes does not
    /// ask); without one it does not ask.
    ///
    /// Exit codes: 0 deployed (or dry run), 1 the site has errors, the
    /// target refused or could not be reached, or part of the deploy
    /// failed, 2 bad command line.
    ///
    /// Examples:
    ///   briefing deploy                          build, then publish to the first target
    ///   briefing deploy --target staging --dry-run
    ///   briefing deploy --no-build --format json
    #[command(verbatim_doc_comment)]
    Deploy(deploy::DeployArgs),
}

/// Parses the command line and runs its command; `after_stage` is called
/// after each stage of a build (`main` frees the memory the allocator
/// holds).
pub fn run(after_stage: fn(&'static str)) -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_)) {
        quiet_on_closed_pipe();
    }
    match cli.command {
        Command::Build(args) => build::run(args, after_stage),
        Command::Archive(args) => archive::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::Figures(args) => figures::run(args),
        Command::Deploy(args) => deploy::run(args, after_stage),
        Command::Import(args) => import::run(args),
        Command::New(command) => scaffold::run_new(command),
        Command::Init(args) => scaffold::run_init(args),
    }
}

/// A command whose output goes into a pipe that closes early (`briefing
/// check | head -1`) ends quietly, as Unix tools do, instead of panicking on
/// the failed write. `serve` keeps Rust's default: its writes are to sockets,
/// and a client that goes away is an error it handles.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring a signal's default disposition takes no pointers and
    // runs before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Today's date: `BRIEFING_TODAY` (YYYY-MM-DD) when it is set, for tests and
/// for reproducing a run on another day; else the clock's (UTC).
fn today() -> crate::model::date::Date {
    std::env::var("BRIEFING_TODAY")
        .ok()
        .and_then(|s| crate::model::date::Date::parse(s.trim()))
        .unwrap_or_else(crate::model::date::today)
}

fn parse_date(s: &str) -> Result<crate::model::date::Date, String> {
    crate::model::date::Date::parse(s)
        .ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

fn print_diagnostics(ds: &[Diagnostic]) {
    for d in ds {
        eprintln!("{d}");
    }
}

/// Prints a failed command's diagnostics and its error; exit code 1.
fn failed(e: &crate::Error) -> ExitCode {
    print_diagnostics(e.diagnostics());
    eprintln!("error: {e}");
    ExitCode::FAILURE
}

/// Like [`failed`], but problems in the input are only listed: the
/// command's own summary (what it did not write) is enough.
fn failed_listing(e: &crate::Error) -> ExitCode {
    print_diagnostics(e.diagnostics());
    if !matches!(e, crate::Error::Invalid(_)) {
        eprintln!("error: {e}");
    }
    ExitCode::FAILURE
}
