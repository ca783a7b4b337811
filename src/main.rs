//! The `briefing` command line: parses arguments and calls the library.

use briefing::emit::search::site::Work;
use briefing::model::urls::UrlStyle;
use briefing::pipeline::{build, BuildOptions};
use briefing::Diagnostic;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: rendering and minifying allocate many small strings, and the
/// system allocator spends a large share of the build in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, mimalloc.h
/// v2; libmimalloc-sys names only the older options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Called after each stage of a build. Each stage frees what the next does
/// not need, so the memory goes back to the system here. Rendering makes and
/// frees pages thousands of times a second, and mimalloc keeps freed memory
/// for 10 ms so the next page reuses it: handing every freed page back at
/// once costs about 0.9 s on the 5,000-report benchmark (madvise, page
/// faults, zeroing). The search index, too, frees and makes its tables'
/// buffers as they grow: handing them back at once made its stage about 10%
/// slower (17 ms by the median of 10 alternating builds) for 3–5 MiB less
/// peak memory. After it, freed memory goes back at once.
fn after_stage(stage: &'static str) {
    // SAFETY: `mi_collect` and `mi_option_set` take no pointers; the option
    // is a plain value that mimalloc reads when it next frees memory.
    unsafe {
        libmimalloc_sys::mi_collect(true);
        if stage == "search" {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
}

/// tera makes a hash map for each template object, and minify-html (when a
/// theme's pages are minified one by one) one for each element it parses:
/// millions in a 5,000-report build.
/// ahash seeds each new map from one process-wide atomic counter, which the
/// render threads then fight over (5% of a build's time on two cores). This
/// source counts per thread instead. The maps' keys still come from ahash's
/// random per-process seeds; only the counter mixed into them moves.
struct PerThreadSeeds;

impl ahash::random_state::RandomSource for PerThreadSeeds {
    fn gen_hasher_seed(&self) -> usize {
        thread_local! {
            static NEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
        }
        NEXT.with(|next| {
            // Starts from the thread-local's own address, which differs by
            // thread, as ahash's counter starts from a static's address.
            let seed = match next.get() {
                0 => next as *const _ as usize,
                n => n,
            }
            .wrapping_add(0x9e37_79b9);
            next.set(seed);
            seed
        })
    }
}

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
    Build(BuildArgs),
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
    Archive(ArchiveArgs),
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
    Serve(ServeArgs),
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
    Check(CheckArgs),
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
    Figures(FiguresArgs),
    /// Create a new report (both languages) or a copy of the default theme.
    ///
    /// Examples:
    ///   briefing new report jincheng-opto-cluster    content/reports/jincheng-opto-cluster.{zh,en}.md
    ///   briefing new theme                           copy the built-in theme to themes/default
    #[command(subcommand, verbatim_doc_comment)]
    New(NewCommand),
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
    Import(ImportArgs),
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
    Init(InitArgs),
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
    Deploy(DeployArgs),
}

#[derive(Args)]
struct DeployArgs {
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

#[derive(Subcommand)]
enum NewCommand {
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
struct NewReportArgs {
    /// The report's URL name: letters, digits, `-`, `_`, `.`.
    slug: String,
    /// The section folder below content/.
    #[arg(long, default_value = "reports")]
    section: String,
    /// The report's date, YYYY-MM-DD [default: today (UTC)].
    #[arg(long, value_parser = parse_date)]
    date: Option<briefing::model::date::Date>,
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Args)]
struct ImportArgs {
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
    date: Option<briefing::model::date::Date>,
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

#[derive(Args)]
struct NewThemeArgs {
    /// The new theme's folder name below themes/.
    #[arg(default_value = "default")]
    name: String,
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Args)]
struct InitArgs {
    /// The folder for the new site.
    dir: PathBuf,
    /// Also copy the default theme to themes/default, for customising.
    #[arg(long)]
    eject_theme: bool,
}

/// Today's date: `BRIEFING_TODAY` (YYYY-MM-DD) when it is set, for tests and
/// for reproducing a run on another day; else the clock's (UTC).
fn today() -> briefing::model::date::Date {
    std::env::var("BRIEFING_TODAY")
        .ok()
        .and_then(|s| briefing::model::date::Date::parse(s.trim()))
        .unwrap_or_else(briefing::model::date::today)
}

fn parse_date(s: &str) -> Result<briefing::model::date::Date, String> {
    briefing::model::date::Date::parse(s)
        .ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

#[derive(Args)]
struct CheckArgs {
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

#[derive(Args)]
struct FiguresArgs {
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
enum FiguresFormat {
    /// Aligned columns, then a count.
    Text,
    /// An array of objects: report, key, one field per language, quote, problem, file, line.
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Grouped by file, coloured in a terminal.
    Text,
    /// One JSON object: counts and the list of problems.
    Json,
}

#[derive(Args)]
struct ServeArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(short, long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on; the default is reachable only from this machine.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include reports marked `draft: true`.
    #[arg(long)]
    drafts: bool,
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

#[derive(Args)]
struct BuildArgs {
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

fn main() -> ExitCode {
    // Fails only if a hash map was made before, which nothing in `main` does.
    let _ = ahash::random_state::set_random_source(PerThreadSeeds);
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_)) {
        quiet_on_closed_pipe();
    }
    match cli.command {
        Command::Build(args) => run_build(args),
        Command::Archive(args) => run_archive(args),
        Command::Serve(args) => run_serve(args),
        Command::Check(args) => run_check(args),
        Command::Figures(args) => run_figures(args),
        Command::Deploy(args) => run_deploy(args),
        Command::Import(args) => run_import(args),
        Command::New(NewCommand::Report(args)) => {
            let date = args.date.unwrap_or_else(today);
            let made = briefing::commands::scaffold::new_report(
                &args.root,
                &args.section,
                &args.slug,
                date,
            );
            report_created(
                made,
                "the report is a draft (`draft: true`): `build` leaves it out until you remove that line; `briefing serve --drafts` shows it meanwhile",
            )
        }
        Command::New(NewCommand::Theme(args)) => {
            let made = briefing::commands::scaffold::eject_theme(&args.root, &args.name);
            let next = if args.name == "default" {
                String::new()
            } else {
                format!("set `theme: {}` in site.yaml to use it", args.name)
            };
            report_created(made, &next)
        }
        Command::Init(args) => {
            let made =
                briefing::commands::scaffold::init_site(&args.dir, args.eject_theme, today());
            let next = format!("next: cd {} && briefing serve", args.dir.display());
            report_created(
                made.map(|files| files.into_iter().map(|f| args.dir.join(f)).collect()),
                &next,
            )
        }
    }
}

fn run_archive(args: ArchiveArgs) -> ExitCode {
    let opts = briefing::commands::archive::ArchiveOptions {
        root: args.root,
        out: args.out,
        drafts: args.drafts,
        overwrite: args.overwrite,
    };
    let result = match &args.report {
        Some(slug) => briefing::commands::archive::report_file(&opts, slug),
        None => briefing::commands::archive::archive(&opts),
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
    // Before any thread starts: SIGINT and SIGTERM remove the staging folder.
    if let Err(e) = briefing::output::interrupt::install() {
        eprintln!("warning: cannot handle Ctrl-C and SIGTERM: {e}");
    }
    let opts = BuildOptions {
        output: args.output,
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
        ..BuildOptions::new(args.root)
    };
    let result = build(&opts);
    // A signal's cleanup ends the process (exit 130 or 143), whatever the
    // build says.
    briefing::output::interrupt::wait_if_interrupted();
    match result {
        Ok(report) => {
            let warnings = &report.site.warnings;
            if report.repaired && !args.quiet {
                println!(
                    "repaired an interrupted build: {} held the staging folder of a build that did not finish",
                    report.output.display()
                );
            }
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
                if args.verbose {
                    let t: Vec<String> = report
                        .site
                        .timings
                        .iter()
                        .map(|(n, d)| format!("{n} {} ms", d.as_millis()))
                        .collect();
                    println!("stages: {}", t.join(", "));
                    match report.site.search_index {
                        Some(Work::Kept) => {
                            println!("search index kept (no searchable text changed)")
                        }
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
                    if let Some(kib) = briefing::pipeline::peak_memory_kib() {
                        println!("peak memory {} MiB", kib / 1024);
                    }
                }
            }
            // The process ends here: freeing the site model one allocation
            // at a time would only cost time (about 20 ms on a large site).
            std::mem::forget(report);
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_diagnostics(e.diagnostics());
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What `build --verbose` says the write did.
fn print_write_stats(stats: &briefing::output::WriteStats) {
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

fn run_serve(args: ServeArgs) -> ExitCode {
    let opts = briefing::commands::serve::ServeOptions {
        build: BuildOptions {
            minify: false,
            drafts: args.drafts,
            today: Some(today()),
            ..BuildOptions::new(args.root)
        },
        addr: std::net::SocketAddr::new(args.bind, args.port),
        open: args.open,
    };
    let result = briefing::commands::serve::run(opts, |control| {
        if let Err(e) = ctrlc::set_handler(move || control.stop()) {
            eprintln!("warning: cannot handle Ctrl-C: {e}");
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_check(args: CheckArgs) -> ExitCode {
    use std::io::IsTerminal;
    let opts = BuildOptions {
        drafts: args.drafts,
        today: Some(today()),
        ..BuildOptions::new(args.root)
    };
    if let Some(files) = &args.accept {
        match briefing::commands::check::accept(&opts, files) {
            Ok(changed) => {
                for path in &changed {
                    eprintln!("accepted {}", path.display());
                }
                if changed.is_empty() {
                    eprintln!("every translation was already up to date");
                }
            }
            Err(e) => {
                print_diagnostics(e.diagnostics());
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let diags = match briefing::commands::check::check(&opts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match args.format {
        Format::Json => println!("{}", briefing::commands::check::format_json(&diags)),
        Format::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", briefing::commands::check::format_text(&diags, color));
        }
    }
    let errors = diags.iter().any(Diagnostic::is_error);
    if errors || (args.strict && !diags.is_empty()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_figures(args: FiguresArgs) -> ExitCode {
    let opts = BuildOptions {
        drafts: args.drafts,
        ..BuildOptions::new(args.root)
    };
    let table = match briefing::commands::figures::figures(&opts) {
        Ok(t) => t,
        Err(e) => {
            print_diagnostics(e.diagnostics());
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match args.format {
        FiguresFormat::Json => println!(
            "{}",
            briefing::commands::figures::format_json(&table.figures)
        ),
        FiguresFormat::Text => print!("{}", briefing::commands::figures::format_text(&table)),
    }
    if briefing::commands::figures::any_differs(&table.figures) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_import(args: ImportArgs) -> ExitCode {
    let opts = briefing::import::ImportOptions {
        file: args.file.clone(),
        root: args.root,
        section: args.section,
        date: args.date,
        publication: args.publication,
        page: args.page,
        dry_run: args.dry_run,
        today: today(),
    };
    match briefing::import::import(&opts) {
        Ok(imported) => {
            match args.format {
                FiguresFormat::Json => println!("{}", briefing::import::format_json(&imported)),
                FiguresFormat::Text => {
                    print!("{}", briefing::import::format_text(&imported, &args.file))
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_diagnostics(e.diagnostics());
            if !matches!(e, briefing::Error::Invalid(_)) {
                eprintln!("error: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Prints the files a `new` or `init` command made (stdout), or its errors.
fn report_created(made: briefing::Result<Vec<PathBuf>>, next: &str) -> ExitCode {
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
        Err(e) => {
            print_diagnostics(e.diagnostics());
            if !matches!(e, briefing::Error::Invalid(_)) {
                eprintln!("error: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "deploy-file")]
fn run_deploy(args: DeployArgs) -> ExitCode {
    use std::io::IsTerminal;
    // Before any thread starts: SIGINT and SIGTERM end the build cleanly.
    if let Err(e) = briefing::output::interrupt::install() {
        eprintln!("warning: cannot handle Ctrl-C and SIGTERM: {e}");
    }
    let opts = briefing::deploy::DeployOptions {
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
    let mut built = |report: &briefing::pipeline::BuildReport| {
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
    let prompts = briefing::deploy::Prompts {
        built: &mut built,
        confirm_deletes: &mut confirm,
    };
    let result = briefing::deploy::deploy(&opts, prompts);
    briefing::output::interrupt::wait_if_interrupted();
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
        Err(e) => {
            print_diagnostics(e.diagnostics());
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
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
fn run_deploy(_: DeployArgs) -> ExitCode {
    eprintln!("error: this briefing was built without `deploy` (Cargo feature `deploy`); rebuild it with default features");
    ExitCode::FAILURE
}
