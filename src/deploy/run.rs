//! The deploy from start to end: choose the target, open it, build, read
//! `public/`, list the target, plan, check the plan, carry it out.

use crate::deploy::execute;
use crate::deploy::local;
use crate::deploy::plan::{self, Plan};
use crate::deploy::report::DeployReport;
use crate::deploy::store::Store;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::load::config::Config;
use crate::load::deploy_targets::DeployTarget;
use crate::output::OutputLock;
use crate::pipeline::{BuildOptions, BuildReport};
use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `briefing deploy`.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// The build (`deploy` runs the same build as `build`); its output
    /// folder is what is published.
    pub build: BuildOptions,
    /// The target's name; None: the first in site.yaml.
    pub target: Option<String>,
    /// Plan and report, change nothing.
    pub dry_run: bool,
    /// Upload every file, changed or not.
    pub force: bool,
    /// Overrides the target's `max_deletes`.
    pub max_deletes: Option<usize>,
    /// Deploy the output folder as it is.
    pub no_build: bool,
}

/// What the deploy tells or asks its caller on the way.
pub struct Prompts<'a> {
    /// The build finished (not called with `no_build`).
    pub built: &'a mut dyn FnMut(&BuildReport),
    /// May these objects be deleted from this target? Asked before any
    /// change, and only when the plan deletes something.
    pub confirm_deletes: &'a mut dyn FnMut(&str, &[String]) -> bool,
}

/// Builds the site (unless `no_build`) and publishes the output folder to
/// the target. Errors before any change (config, credentials, build,
/// listing, too many deletions, a refused confirmation) are `Err`; a
/// deploy that stopped part-way is an `Ok` report that is not `complete`.
pub fn deploy(opts: &DeployOptions, prompts: Prompts<'_>) -> Result<DeployReport> {
    let start = Instant::now();
    let config = read_config(&opts.build.root)?;
    let target = choose_target(&config, opts.target.as_deref())?;
    let store = Store::open(&target)?;
    if !opts.no_build {
        let built = crate::pipeline::build(&opts.build)?;
        (prompts.built)(&built);
    }
    let public = opts.build.output_dir();
    require_output(&public)?;
    // No build changes the folder while its files go up.
    let _lock = OutputLock::take(&public)?;
    let local = local::site_files(&public)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::write(&store.shown, e))?;
    runtime.block_on(async {
        let (plan, remote) = make_plan(&store, &local, &config, opts.force).await?;
        let limit = opts.max_deletes.unwrap_or(target.max_deletes);
        let too_many = too_many_deletes(&plan, limit, &store.shown);
        if opts.dry_run {
            let mut report =
                DeployReport::of_plan(&target.name, &store.shown, &plan, start.elapsed());
            report
                .warnings
                .extend(too_many.map(|e| format!("a deploy would stop: {e}")));
            return Ok(report);
        }
        if let Some(e) = too_many {
            return Err(e);
        }
        if !plan.deletes.is_empty() && !(prompts.confirm_deletes)(&store.shown, &plan.deletes) {
            let why = "deleting was not confirmed; nothing was changed".to_string();
            return Err(Error::refused("deploy to", &store.shown, why));
        }
        let (outcome, warnings) = carry_out(&store, &plan, &local, &remote, &public).await;
        let mut report =
            DeployReport::of_outcome(&target.name, &store.shown, &plan, outcome, start.elapsed());
        report.warnings.extend(warnings);
        Ok(report)
    })
}

/// `site.yaml`, parsed (targets included).
fn read_config(root: &Path) -> Result<Config> {
    let path = root.join("site.yaml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Invalid(vec![Diagnostic::error(
                "site.yaml",
                None,
                format!("no site.yaml in {}", root.display()),
            )
            .with_hint("run briefing inside a site folder, or pass --root DIR")]));
        }
        Err(e) => return Err(Error::read(path, e)),
    };
    let text = crate::load::frontmatter::normalise(&text);
    Config::parse(&text, Path::new("site.yaml")).map_err(Error::Invalid)
}

/// The target named `name`, or the first one.
fn choose_target(config: &Config, name: Option<&str>) -> Result<DeployTarget> {
    let hint = "add a `deploy:` list to site.yaml, e.g.\n  deploy:\n    - name: production\n      url: s3://bucket/prefix/\n  (see docs/publishing.md)";
    let found = match name {
        Some(name) => config.deploy.iter().find(|t| t.name == name),
        None => config.deploy.first(),
    };
    if let Some(target) = found {
        return Ok(target.clone());
    }
    let message = match (name, config.deploy.is_empty()) {
        (_, true) => "site.yaml has no deploy targets".to_string(),
        (Some(name), false) => {
            let known: Vec<&str> = config.deploy.iter().map(|t| t.name.as_str()).collect();
            format!(
                "site.yaml has no deploy target `{name}` (it has: {})",
                known.join(", ")
            )
        }
        (None, false) => unreachable!("the first target exists"),
    };
    let d = Diagnostic::error("site.yaml", None, message);
    Err(Error::Invalid(vec![if config.deploy.is_empty() {
        d.with_hint(hint)
    } else {
        d.with_hint("name one of the targets listed under `deploy:` with --target NAME")
    }]))
}

/// The output folder must hold a built site (with `--no-build`, nothing
/// else makes it).
fn require_output(public: &Path) -> Result<()> {
    if public.join(crate::output::MANIFEST).is_file() || public.join("index.html").is_file() {
        return Ok(());
    }
    Err(Error::refused(
        "deploy",
        PathBuf::from(public),
        "it holds no built site; run `briefing build` first, or deploy without --no-build".into(),
    ))
}

/// Lists the target, asks for the content hashes of the objects that may be
/// unchanged (same path and size) and that the deploy index does not vouch
/// for, and compares. Also gives the listing.
async fn make_plan(
    store: &Store,
    local: &[plan::LocalFile],
    config: &Config,
    force: bool,
) -> Result<(Plan, Vec<plan::RemoteObject>)> {
    let remote = store.list().await?;
    let mut known = plan::indexed_hashes(&remote, &store.read_index().await);
    let compare = plan::to_compare(local, &remote, &known, force);
    let asked = compare.len();
    let hashes: Vec<(String, Result<Option<String>, String>)> = futures_util::stream::iter(compare)
        .map(|path| async move {
            let hash = store.content_hash(path).await.map_err(|e| e.message);
            (path.to_string(), hash)
        })
        .buffer_unordered(execute::CONCURRENCY)
        .collect()
        .await;
    for (path, hash) in hashes {
        let hash = hash.map_err(|why| {
            Error::read(format!("{}{path}", store.shown), std::io::Error::other(why))
        })?;
        known.insert(path, hash);
    }
    let mut plan = plan::make_plan(local, &remote, &known, &config.languages, force);
    plan.hashes_asked = asked;
    Ok((plan, remote))
}

/// Carries out the plan, then, when every upload went up, leaves the index
/// for the next deploy (a warning when it cannot).
async fn carry_out(
    store: &Store,
    plan: &Plan,
    local: &[plan::LocalFile],
    remote: &[plan::RemoteObject],
    public: &Path,
) -> (execute::Outcome, Vec<String>) {
    let outcome = execute::execute(store, plan, public).await;
    let mut warnings = Vec::new();
    let uploads_done = outcome.uploaded.len() == plan.uploads.len();
    if uploads_done {
        let index = plan::next_index(local, remote, &outcome.etags, &plan.uploads);
        if let Err(e) = store.write_index(&index).await {
            warnings.push(format!(
                "the deploy index was not written ({}); the next deploy asks for each object's hash",
                e.message
            ));
        }
    }
    (outcome, warnings)
}

/// The refusal when the plan deletes more than `limit` objects.
fn too_many_deletes(plan: &Plan, limit: usize, shown: &str) -> Option<Error> {
    let n = plan.deletes.len();
    (n > limit).then(|| {
        Error::refused(
            "deploy to",
            shown,
            format!(
                "it would delete {n} objects, more than max_deletes ({limit}) allows; nothing was changed. Check that the target and its prefix are right, then allow it with --max-deletes {n}"
            ),
        )
    })
}
