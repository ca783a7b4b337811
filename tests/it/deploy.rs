//! `briefing deploy` against a real S3 server (moto's server mode, started
//! here on a free port with authentication on, stopped after each test) and
//! against a `file://` folder.
//!
//! Without moto (`moto_server` on the PATH, or `BRIEFING_MOTO_SERVER`), the
//! S3 tests print a loud SKIPPED banner and pass, unless
//! `BRIEFING_REQUIRE_S3=1` (or `BRIEFING_REQUIRE_BROWSER=1`) is set.

use crate::browser::free_port;
use crate::support::{Run, Site};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{Attribute, GetOptions, ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BUCKET: &str = "site";

/// `moto_server`: `BRIEFING_MOTO_SERVER`, else the first on the PATH.
fn moto_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("BRIEFING_MOTO_SERVER") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("moto_server"))
        .find(|p| p.is_file())
}

fn required() -> bool {
    ["BRIEFING_REQUIRE_S3", "BRIEFING_REQUIRE_BROWSER"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|v| v == "1"))
}

/// A moto server with one bucket. With `checks_signatures`, also one IAM
/// user allowed everything, and requests must be signed with that user's
/// keys (moto checks signatures once its first
/// `INITIAL_NO_AUTH_ACTION_COUNT` actions, the set-up, are done). moto's
/// check rejects some requests S3 accepts (query strings with `%2F`,
/// non-ASCII keys), so only the wrong-credentials test turns it on;
/// otherwise moto takes any keys.
struct Moto {
    child: Child,
    port: u16,
    key_id: String,
    secret: String,
}

/// Actions the set-up makes before moto checks signatures: the bucket, the
/// user, its key, its policy (moto counts the bucket twice).
const SETUP_ACTIONS: &str = "5";

impl Moto {
    /// A running server, or None (after a loud banner) when moto is missing.
    fn start() -> Option<Moto> {
        Moto::start_with(false)
    }

    fn start_with(checks_signatures: bool) -> Option<Moto> {
        let Some(binary) = moto_binary() else {
            let msg = "SKIPPED: S3 deploy tests need moto's server: python3 -m venv /opt/moto && /opt/moto/bin/pip install 'moto[server]', then put /opt/moto/bin on the PATH or set BRIEFING_MOTO_SERVER";
            if required() {
                panic!("{msg} (BRIEFING_REQUIRE_S3=1 makes this a failure)");
            }
            let bar = "!".repeat(msg.len() + 8);
            let banner = format!("\n{bar}\n!!! {msg} !!!\n{bar}\n");
            // Past the test harness's capture, on both streams: a skip must be seen.
            let _ = writeln!(std::io::stderr(), "{banner}");
            let _ = writeln!(std::io::stdout(), "{banner}");
            return None;
        };
        let port = free_port();
        let mut command = Command::new(binary);
        command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        if checks_signatures {
            command.env("INITIAL_NO_AUTH_ACTION_COUNT", SETUP_ACTIONS);
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let mut moto = Moto {
            child,
            port,
            key_id: "AKIDMOTOTESTKEY".into(),
            secret: "moto/test+secret/any".into(),
        };
        moto.wait_until_up();
        moto.set_up(checks_signatures);
        Some(moto)
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The bucket, then (when signatures are checked) a user, its keys and a
    /// policy allowing everything, in moto's unauthenticated set-up actions.
    fn set_up(&mut self, checks_signatures: bool) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let put = agent
            .put(&format!("{}/{BUCKET}", self.endpoint()))
            .send_empty()
            .unwrap();
        assert_eq!(put.status(), 200, "creating the bucket");
        if !checks_signatures {
            return;
        }
        let iam = |form: &[(&str, &str)]| -> String {
            let mut resp = agent
                .post(&self.endpoint())
                .header(
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=SETUP/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
                )
                .send_form(form.iter().copied().chain([("Version", "2010-05-08")]))
                .unwrap();
            let body = resp.body_mut().read_to_string().unwrap();
            assert_eq!(resp.status(), 200, "{form:?}: {body}");
            body
        };
        iam(&[("Action", "CreateUser"), ("UserName", "deployer")]);
        let keys = iam(&[("Action", "CreateAccessKey"), ("UserName", "deployer")]);
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", "deployer"),
            ("PolicyName", "all"),
            ("PolicyDocument", policy),
        ]);
        let between = |open: &str, close: &str| {
            let start = keys.find(open).unwrap() + open.len();
            keys[start..start + keys[start..].find(close).unwrap()].to_string()
        };
        self.key_id = between("<AccessKeyId>", "</AccessKeyId>");
        self.secret = between("<SecretAccessKey>", "</SecretAccessKey>");
        // Whatever moto counted, the free actions end here: unsigned
        // requests until one is refused.
        let refused = (0..8).any(|_| {
            let resp = agent
                .get(&format!("{}/{BUCKET}", self.endpoint()))
                .header(
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=NOBODY/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
                )
                .call()
                .unwrap();
            resp.status() == 403
        });
        assert!(refused, "moto does not check signatures");
    }

    /// The environment `briefing deploy` runs with: this server's keys.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", self.key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret.clone()),
        ]
    }

    fn client(&self) -> AmazonS3 {
        AmazonS3Builder::new()
            .with_bucket_name(BUCKET)
            .with_region("us-east-1")
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_access_key_id(&self.key_id)
            .with_secret_access_key(&self.secret)
            .build()
            .unwrap()
    }

    /// Every object below `prefix` with its bytes.
    fn objects(&self, prefix: &str) -> BTreeMap<String, Vec<u8>> {
        let store = self.client();
        runtime().block_on(async {
            use futures_util::TryStreamExt;
            let prefix = object_store::path::Path::from(prefix);
            let metas: Vec<_> = store.list(Some(&prefix)).try_collect().await.unwrap();
            let mut out = BTreeMap::new();
            for meta in metas {
                if meta
                    .location
                    .as_ref()
                    .ends_with(".briefing-deploy-index.json")
                {
                    continue; // the deploy's own record, not a file of the site
                }
                let bytes = store
                    .get(&meta.location)
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let rel = meta
                    .location
                    .as_ref()
                    .strip_prefix(&format!("{prefix}/"))
                    .unwrap();
                out.insert(rel.to_string(), bytes.to_vec());
            }
            out
        })
    }

    /// The headers of one object, read back with HEAD.
    fn head(&self, key: &str) -> object_store::Attributes {
        let store = self.client();
        runtime().block_on(async {
            let options = GetOptions {
                head: true,
                ..GetOptions::default()
            };
            let path = object_store::path::Path::from(key);
            store.get_opts(&path, options).await.unwrap().attributes
        })
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The files `deploy` publishes from the site's public/: all but the
/// build's bookkeeping.
fn published(site: &Site) -> BTreeMap<String, Vec<u8>> {
    site.snapshot()
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".briefing-") && p != "search/state.txt")
        .collect()
}

/// Paths of `after` that `before` lacks or holds with other bytes.
fn changed_or_new(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(p, bytes)| before.get(*p) != Some(*bytes))
        .map(|(p, _)| p.clone())
        .collect()
}

/// Paths of `before` that `after` lacks.
fn gone(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    before
        .keys()
        .filter(|p| !after.contains_key(*p))
        .cloned()
        .collect()
}

/// The sample site with `deploy:` targets appended to site.yaml.
fn site_with_targets(targets: &str) -> Site {
    let site = Site::sample();
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{yaml}deploy:\n{targets}"));
    site
}

fn s3_target(moto: &Moto, extra: &str) -> String {
    format!(
        "  - name: production\n    url: s3://{BUCKET}/briefing/\n    endpoint: {}\n    region: us-east-1\n{extra}",
        moto.endpoint()
    )
}

/// `briefing deploy ARGS` with `env` (and no other AWS settings).
fn deploy(site: &Site, args: &[&str], env: &[(&'static str, String)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_briefing"));
    cmd.arg("deploy").args(args).current_dir(&site.root);
    for var in [
        "AWS_PROFILE",
        "AWS_ENDPOINT",
        "AWS_ENDPOINT_URL",
        "AWS_SESSION_TOKEN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("BRIEFING_TODAY", "2025-06-01");
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    Run {
        output: cmd.output().unwrap(),
    }
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout())
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout(), run.stderr()))
}

fn paths_of(list: &serde_json::Value) -> Vec<String> {
    let mut paths: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["path"].as_str().or(v.as_str()).unwrap().to_string())
        .collect();
    paths.sort();
    paths
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const REPORT: &str = "content/reports/jincheng-opto-mechatronics-cluster";

#[test]
fn a_first_deploy_uploads_everything_with_content_types_and_cache_headers() {
    let Some(moto) = Moto::start() else { return };
    let site = site_with_targets(&s3_target(&moto, ""));
    let run = deploy(&site, &[], &moto.env());
    assert!(run.success(), "{}\n{}", run.stdout(), run.stderr());
    assert!(
        run.stdout()
            .contains("deployed to production (s3://site/briefing/): uploaded"),
        "{}",
        run.stdout()
    );
    let public = published(&site);
    assert_eq!(moto.objects("briefing"), public, "the bucket holds public/");

    let html = moto.head("briefing/index.html");
    assert_eq!(
        html.get(&Attribute::ContentType).unwrap().as_ref(),
        "text/html; charset=utf-8"
    );
    assert_eq!(
        html.get(&Attribute::CacheControl).unwrap().as_ref(),
        "public, max-age=60"
    );
    let hash = html
        .get(&Attribute::Metadata("briefingsha256".into()))
        .unwrap();
    assert_eq!(hash.as_ref(), sha256(&public["index.html"]));
    let css = public
        .keys()
        .find(|p| p.starts_with("static/style.") && p.ends_with(".css") && p.len() > 20)
        .expect("a fingerprinted style sheet");
    let css_head = moto.head(&format!("briefing/{css}"));
    assert_eq!(
        css_head.get(&Attribute::CacheControl).unwrap().as_ref(),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        css_head.get(&Attribute::ContentType).unwrap().as_ref(),
        "text/css; charset=utf-8"
    );
    for (path, ty) in [
        ("en/atom.xml", "application/atom+xml; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("search/meta.js", "text/javascript; charset=utf-8"),
    ] {
        let h = moto.head(&format!("briefing/{path}"));
        assert_eq!(
            h.get(&Attribute::ContentType).unwrap().as_ref(),
            ty,
            "{path}"
        );
        assert_eq!(
            h.get(&Attribute::CacheControl).unwrap().as_ref(),
            "public, max-age=60"
        );
    }

    // Again: nothing to do.
    let again = deploy(&site, &["--no-build", "--format", "json"], &moto.env());
    let report = json(&again);
    assert_eq!(report["uploaded"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["unchanged"].as_u64().unwrap() as usize, public.len());
    assert_eq!(
        report["hashes_asked"], 0,
        "the deploy index vouches for every object"
    );
    assert_eq!(report["complete"], true);
}

#[test]
fn an_edited_report_uploads_only_what_changed_and_a_removed_one_is_deleted() {
    let Some(moto) = Moto::start() else { return };
    let site = site_with_targets(&s3_target(&moto, ""));
    assert!(deploy(&site, &[], &moto.env()).success());
    let before = published(&site);

    site.edit(&format!("{REPORT}.en.md"), "The ", "The new ");
    let run = deploy(&site, &["--format", "json"], &moto.env());
    let report = json(&run);
    let after = published(&site);
    let changed = changed_or_new(&before, &after);
    assert!(!changed.is_empty() && changed.len() < 20, "{changed:?}");
    assert!(
        changed.contains(&"en/reports/jincheng-opto-mechatronics-cluster/index.html".to_string())
    );
    assert_eq!(
        paths_of(&report["uploaded"]),
        changed,
        "only the changed files go up"
    );
    assert_eq!(
        report["unchanged"].as_u64().unwrap() as usize,
        after.len() - changed.len()
    );
    assert_eq!(moto.objects("briefing"), after);

    site.remove(&format!("{REPORT}.en.md"))
        .remove(&format!("{REPORT}.zh.md"));
    let run = deploy(&site, &["--format", "json"], &moto.env());
    assert!(run.success(), "{}", run.stderr());
    let report = json(&run);
    let deleted = paths_of(&report["deleted"]);
    assert!(
        deleted.contains(&"zh/reports/jincheng-opto-mechatronics-cluster/index.html".to_string())
            && deleted
                .contains(&"en/reports/jincheng-opto-mechatronics-cluster/index.html".to_string()),
        "{deleted:?}"
    );
    assert_eq!(
        moto.objects("briefing"),
        published(&site),
        "the bucket equals public/"
    );
}

#[test]
fn more_deletions_than_max_deletes_stop_the_deploy_before_any_change() {
    let Some(moto) = Moto::start() else { return };
    let site = site_with_targets(&s3_target(&moto, "    max_deletes: 1\n"));
    assert!(deploy(&site, &[], &moto.env()).success());
    let deployed = moto.objects("briefing");
    site.remove(&format!("{REPORT}.en.md"))
        .remove(&format!("{REPORT}.zh.md"));

    let run = deploy(&site, &[], &moto.env());
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(
        err.contains("more than max_deletes (1)") && err.contains("--max-deletes"),
        "{err}"
    );
    assert_eq!(moto.objects("briefing"), deployed, "nothing changed");

    // A dry run says so and changes nothing either.
    let dry = deploy(&site, &["--dry-run", "--no-build"], &moto.env());
    assert!(dry.success(), "{}", dry.stderr());
    assert!(
        dry.stdout().contains("warning: a deploy would stop"),
        "{}",
        dry.stdout()
    );

    let run = deploy(&site, &["--no-build", "--max-deletes", "100"], &moto.env());
    assert!(run.success(), "{}", run.stderr());
    assert_eq!(moto.objects("briefing"), published(&site));
}

#[test]
fn a_dry_run_lists_the_changes_and_changes_nothing() {
    let Some(moto) = Moto::start() else { return };
    let site = site_with_targets(&s3_target(&moto, ""));
    let run = deploy(&site, &["--dry-run"], &moto.env());
    assert!(run.success(), "{}", run.stderr());
    let out = run.stdout();
    assert!(out.contains("would upload (new) index.html"), "{out}");
    assert!(out.contains("nothing was changed"), "{out}");
    assert!(moto.objects("briefing").is_empty());

    assert!(deploy(&site, &["--no-build"], &moto.env()).success());
    let deployed = moto.objects("briefing");
    site.edit(&format!("{REPORT}.en.md"), "The ", "The new ");
    let run = deploy(&site, &["--dry-run", "--format", "json"], &moto.env());
    let report = json(&run);
    assert_eq!(report["dry_run"], true);
    assert!(paths_of(&report["uploaded"])
        .contains(&"en/reports/jincheng-opto-mechatronics-cluster/index.html".to_string()));
    assert_eq!(
        moto.objects("briefing"),
        deployed,
        "a dry run changes nothing"
    );
}

#[test]
fn wrong_credentials_and_an_unreachable_endpoint_are_clear_errors_without_secrets() {
    let Some(moto) = Moto::start_with(true) else {
        return;
    };
    let site = site_with_targets(&format!(
        "  - name: production\n    url: s3://{BUCKET}/\n    endpoint: {}\n  - name: nowhere\n    url: s3://{BUCKET}/\n    endpoint: http://127.0.0.1:{}\n",
        moto.endpoint(),
        free_port()
    ));
    site.build_ok(&[]);
    let wrong_secret = "WrongSecretKey/Abc123xyz987+qwerty";
    let wrong = [
        ("AWS_ACCESS_KEY_ID", moto.key_id.clone()),
        ("AWS_SECRET_ACCESS_KEY", wrong_secret.to_string()),
    ];
    let run = deploy(&site, &["--no-build"], &wrong);
    assert_eq!(run.code(), Some(1));
    let all = format!("{}{}", run.stdout(), run.stderr());
    assert!(
        all.contains("access denied") && all.contains("cannot write s3://site/:"),
        "{all}"
    );
    for secret in [wrong_secret, moto.key_id.as_str()] {
        assert!(!all.contains(secret), "a secret in the output: {all}");
    }

    let run = deploy(&site, &["--no-build", "--target", "nowhere"], &moto.env());
    assert_eq!(run.code(), Some(1));
    let all = format!("{}{}", run.stdout(), run.stderr());
    assert!(all.contains("cannot write s3://site/:"), "{all}");
    assert!(
        !all.contains(&moto.secret) && !all.contains(&moto.key_id),
        "{all}"
    );

    let run = deploy(&site, &["--no-build"], &[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr()
            .contains("no AWS credentials in the environment"),
        "{}",
        run.stderr()
    );

    let run = deploy(&site, &["--no-build", "--target", "staging"], &moto.env());
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr()
            .contains("no deploy target `staging` (it has: production, nowhere)"),
        "{}",
        run.stderr()
    );
}

/// A TCP proxy in front of the server that stops passing anything once
/// `limit` bytes went through: connections are cut and new ones refused
/// until `heal`.
struct FailingProxy {
    port: u16,
    broken: Arc<AtomicBool>,
    limit: Arc<AtomicU64>,
}

impl FailingProxy {
    fn start(upstream: u16, limit: u64) -> FailingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let broken = Arc::new(AtomicBool::new(false));
        let limit = Arc::new(AtomicU64::new(limit));
        let sent = Arc::new(AtomicU64::new(0));
        let (b, l) = (broken.clone(), limit.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if b.load(Ordering::SeqCst) {
                    continue; // dropped: the connection closes at once
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let (b, l, sent) = (b.clone(), l.clone(), sent.clone());
                pipe(client, server, b, l, sent);
            }
        });
        FailingProxy {
            port,
            broken,
            limit,
        }
    }

    fn heal(&self) {
        self.limit.store(u64::MAX, Ordering::SeqCst);
        self.broken.store(false, Ordering::SeqCst);
    }
}

/// Copies both ways between `client` and `server`, counting the bytes the
/// client sends; past the limit, both are shut down and the proxy breaks.
fn pipe(
    client: TcpStream,
    server: TcpStream,
    broken: Arc<AtomicBool>,
    limit: Arc<AtomicU64>,
    sent: Arc<AtomicU64>,
) {
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let (mut s_read, mut c_write) = (server, client);
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n @ 1..) = c_read.read(&mut buf) {
            let total = sent.fetch_add(n as u64, Ordering::SeqCst) + n as u64;
            if broken.load(Ordering::SeqCst) || total > limit.load(Ordering::SeqCst) {
                broken.store(true, Ordering::SeqCst);
                break;
            }
            if s_write.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = c_read.shutdown(std::net::Shutdown::Both);
        let _ = s_write.shutdown(std::net::Shutdown::Both);
    });
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut s_read, &mut c_write);
        let _ = c_write.shutdown(std::net::Shutdown::Both);
    });
}

#[test]
fn a_deploy_cut_off_part_way_says_what_was_not_done_and_a_rerun_finishes_it() {
    let Some(moto) = Moto::start() else { return };
    let site = Site::sample();
    site.build_ok(&[]);
    let total: u64 = published(&site).values().map(|b| b.len() as u64).sum();
    let proxy = FailingProxy::start(moto.port, total / 3);
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        format!(
            "{yaml}deploy:\n  - name: production\n    url: s3://{BUCKET}/briefing/\n    endpoint: http://127.0.0.1:{}\n",
            proxy.port
        ),
    );
    let run = deploy(&site, &["--no-build"], &moto.env());
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    let out = run.stdout();
    assert!(out.contains("deploy stopped part-way"), "{out}");
    assert!(
        out.contains("failed: ") && out.contains("not done: "),
        "{out}"
    );
    assert!(
        out.contains("run `briefing deploy` again to finish"),
        "{out}"
    );
    let partial = moto.objects("briefing");
    assert!(!partial.is_empty(), "some files went up before the cut");
    assert!(
        !partial.contains_key("index.html"),
        "the landing page goes up last: {:?}",
        partial.keys()
    );

    proxy.heal();
    let run = deploy(&site, &["--no-build", "--format", "json"], &moto.env());
    assert!(run.success(), "{}", run.stderr());
    let rerun = json(&run);
    let public = published(&site);
    assert!(
        (rerun["uploaded"].as_array().unwrap().len()) < public.len(),
        "the rerun sends only what is missing: {rerun}"
    );
    assert_eq!(
        moto.objects("briefing"),
        public,
        "the bucket equals public/"
    );
}

/// Every file below `dir`, with its bytes.
fn folder(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != ".briefing-deploy-index.json")
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn a_file_target_mirrors_public_and_keeps_up_with_changes() {
    let mirror = tempfile::tempdir().unwrap();
    let dir = mirror.path().join("www");
    let site = site_with_targets(&format!(
        "  - name: mirror\n    url: file://{}\n",
        dir.display()
    ));
    let run = deploy(&site, &["--yes"], &[]);
    assert!(run.success(), "{}", run.stderr());
    assert_eq!(folder(&dir), published(&site));

    let before = published(&site);
    site.edit(&format!("{REPORT}.zh.md"), "晋城", "晋城市");
    let report = json(&deploy(&site, &["--format", "json"], &[]));
    let after = published(&site);
    assert_eq!(
        paths_of(&report["uploaded"]),
        changed_or_new(&before, &after)
    );
    assert_eq!(paths_of(&report["deleted"]), gone(&before, &after));
    assert_eq!(folder(&dir), after);

    site.remove(&format!("{REPORT}.en.md"))
        .remove(&format!("{REPORT}.zh.md"));
    let run = deploy(&site, &[], &[]);
    assert!(run.success(), "{}", run.stderr());
    assert_eq!(folder(&dir), published(&site));
    assert!(
        !dir.join("en/reports/jincheng-opto-mechatronics-cluster")
            .exists(),
        "emptied folders go too"
    );

    let forced = json(&deploy(
        &site,
        &["--no-build", "--force", "--format", "json"],
        &[],
    ));
    assert_eq!(
        forced["uploaded"].as_array().unwrap().len(),
        published(&site).len()
    );
}

#[test]
fn deploy_without_targets_or_a_built_site_says_what_to_do() {
    let site = Site::sample();
    let run = deploy(&site, &["--no-build"], &[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("site.yaml has no deploy targets"),
        "{}",
        run.stderr()
    );

    let dir = tempfile::tempdir().unwrap();
    let site = site_with_targets(&format!(
        "  - name: m\n    url: file://{}\n",
        dir.path().display()
    ));
    let run = deploy(&site, &["--no-build"], &[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("holds no built site"),
        "{}",
        run.stderr()
    );

    let site = site_with_targets("  - name: m\n    url: s3://AKIDEXAMPLE:s3cr3tValue99@b/\n");
    let run = deploy(&site, &["--no-build"], &[]);
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().contains("site.yaml:9"), "{}", run.stderr());
    assert!(!run.stderr().contains("s3cr3tValue99"), "{}", run.stderr());
}

/// An HTTP proxy in front of moto that plays a service taking only
/// virtual-hosted requests (Aliyun OSS): a request must name the bucket in
/// its host (`http://site.s3.test/key`); it goes on to moto as the
/// path-style request `/site/key`. A path-style request is refused (400).
struct VirtualHostProxy {
    port: u16,
    virtual_hosted: Arc<AtomicU64>,
    refused: Arc<AtomicU64>,
}

impl VirtualHostProxy {
    fn start(upstream: u16) -> VirtualHostProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let virtual_hosted = Arc::new(AtomicU64::new(0));
        let refused = Arc::new(AtomicU64::new(0));
        let (ok, no) = (virtual_hosted.clone(), refused.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (ok, no) = (ok.clone(), no.clone());
                std::thread::spawn(move || {
                    let _ = forward_one(client, upstream, &ok, &no);
                });
            }
        });
        VirtualHostProxy {
            port,
            virtual_hosted,
            refused,
        }
    }
}

/// One request from `client` (the proxy then closes the connection).
fn forward_one(
    mut client: TcpStream,
    upstream: u16,
    virtual_hosted: &AtomicU64,
    refused: &AtomicU64,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let mut parts = request_line.split(' ');
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let headers: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let length: usize = headers
        .iter()
        .find_map(|h| {
            h.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    client.read_exact(&mut body)?;
    // Absolute form, as a client sends it to a proxy: http://HOST/PATH.
    let (host, path) = target
        .strip_prefix("http://")
        .and_then(|rest| rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))))
        .unwrap_or_default();
    let bucket_in_host = host.starts_with(&format!("{BUCKET}."));
    let bucket_in_path = path == format!("/{BUCKET}")
        || path.starts_with(&format!("/{BUCKET}/"))
        || path.starts_with(&format!("/{BUCKET}?"));
    if !bucket_in_host || bucket_in_path {
        refused.fetch_add(1, Ordering::SeqCst);
        let msg = "path-style requests are not accepted";
        write!(
            client,
            "HTTP/1.1 400 Bad Request\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{msg}",
            msg.len()
        )?;
        return Ok(());
    }
    virtual_hosted.fetch_add(1, Ordering::SeqCst);
    let path = if path == "/" || path.starts_with("/?") {
        format!("/{BUCKET}{}", &path[1..])
    } else {
        format!("/{BUCKET}{path}")
    };
    let mut server = TcpStream::connect(("127.0.0.1", upstream))?;
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for h in &headers {
        let name = h.split(':').next().unwrap_or_default().to_ascii_lowercase();
        if !matches!(name.as_str(), "host" | "connection" | "proxy-connection") {
            out.push_str(h);
            out.push_str("\r\n");
        }
    }
    out.push_str(&format!(
        "Host: 127.0.0.1:{upstream}\r\nConnection: close\r\n\r\n"
    ));
    server.write_all(out.as_bytes())?;
    server.write_all(&body)?;
    std::io::copy(&mut server, &mut client)?;
    client.shutdown(std::net::Shutdown::Both)
}

#[test]
fn a_service_that_takes_only_virtual_hosted_requests_gets_them() {
    let Some(moto) = Moto::start() else { return };
    let proxy = VirtualHostProxy::start(moto.port);
    let target = |extra: &str| {
        format!("  - name: oss\n    url: s3://{BUCKET}/briefing/\n    endpoint: http://s3.test\n    region: us-east-1\n{extra}")
    };
    let mut env = moto.env();
    let via = format!("http://127.0.0.1:{}", proxy.port);
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        env.push((var, via.clone()));
    }
    env.push(("NO_PROXY", String::new()));
    env.push(("no_proxy", String::new()));

    // Path-style, as without `virtual_hosted`: the service refuses it.
    let site = site_with_targets(&target(""));
    let run = deploy(&site, &[], &env);
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    assert!(proxy.refused.load(Ordering::SeqCst) > 0);
    assert_eq!(proxy.virtual_hosted.load(Ordering::SeqCst), 0);

    let refused = proxy.refused.load(Ordering::SeqCst);
    let site = site_with_targets(&target("    virtual_hosted: true\n"));
    let run = deploy(&site, &[], &env);
    assert!(run.success(), "{}\n{}", run.stdout(), run.stderr());
    let run = deploy(&site, &["--format", "json"], &env);
    assert!(run.success(), "{}", run.stderr());
    assert_eq!(
        json(&run)["uploaded"].as_array().unwrap().len(),
        0,
        "a second deploy finds every file there"
    );
    assert_eq!(
        proxy.refused.load(Ordering::SeqCst),
        refused,
        "no path-style request"
    );
    assert!(proxy.virtual_hosted.load(Ordering::SeqCst) > 0);
    assert_eq!(
        moto.objects("briefing"),
        published(&site),
        "the bucket equals public/"
    );
}
