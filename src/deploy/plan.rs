//! The plan of a deploy: which files go up, in which order and with which
//! headers, which are already there, and which objects go. Plain data, made
//! by pure functions from what `public/` holds and what the target holds.

use crate::deploy::policy::{self, CacheClass, Stage};
use crate::Lang;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A file of the site to publish (path below `public/`, `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocalFile {
    pub path: String,
    pub size: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub hash: String,
    /// The name carries the content's hash (a fingerprinted theme file).
    pub name_carries_hash: bool,
}

/// An object the target holds (path below the target's prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RemoteObject {
    pub path: String,
    pub size: u64,
    /// The service's version tag of the object (changes whenever it is
    /// written); not a content hash.
    pub etag: Option<String>,
}

/// What the last deploy left in the target, kept there beside the site
/// ([`INDEX_NAME`]): each object's size, ETag and content hash. An object
/// listed with the same size and ETag has not been written since, so its
/// hash is known without asking the service for it.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct DeployIndex {
    /// Path -> (size, ETag, SHA-256).
    pub objects: BTreeMap<String, (u64, String, String)>,
}

/// The index's name below the target's prefix (never a file of the site:
/// `.briefing-*` names are not published).
pub(crate) const INDEX_NAME: &str = ".briefing-deploy-index.json";

/// The hashes the index vouches for: objects listed with the size and
/// ETag the index recorded.
pub(crate) fn indexed_hashes(remote: &[RemoteObject], index: &DeployIndex) -> RemoteHashes {
    remote
        .iter()
        .filter_map(|r| {
            let (size, etag, hash) = index.objects.get(&r.path)?;
            let same = *size == r.size && r.etag.as_deref() == Some(etag.as_str());
            same.then(|| (r.path.clone(), Some(hash.clone())))
        })
        .collect()
}

/// The index after a deploy: every local file the target now holds as
/// planned (unchanged ones with their listed ETag, uploaded ones with the
/// ETag their upload returned). Files whose ETag is unknown are left out
/// (the next deploy asks for their hash).
pub(crate) fn next_index(
    local: &[LocalFile],
    remote: &[RemoteObject],
    uploaded_etags: &BTreeMap<String, String>,
    uploads: &[Upload],
) -> DeployIndex {
    let listed: BTreeMap<&str, &RemoteObject> =
        remote.iter().map(|r| (r.path.as_str(), r)).collect();
    let planned: BTreeSet<&str> = uploads.iter().map(|u| u.path.as_str()).collect();
    let mut objects = BTreeMap::new();
    for file in local {
        let etag = match uploaded_etags.get(&file.path) {
            Some(etag) => Some(etag.clone()),
            None if planned.contains(file.path.as_str()) => None,
            None => listed.get(file.path.as_str()).and_then(|r| r.etag.clone()),
        };
        if let Some(etag) = etag {
            objects.insert(file.path.clone(), (file.size, etag, file.hash.clone()));
        }
    }
    DeployIndex { objects }
}

/// The content hash each compared object carries in its metadata (None:
/// it has none, e.g. it was put there by another tool).
pub(crate) type RemoteHashes = BTreeMap<String, Option<String>>;

/// Why a file goes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Reason {
    /// The target does not have it.
    New,
    /// The target has other bytes (or no hash to tell).
    Changed,
    /// Unchanged, sent again by `--force`.
    Forced,
}

impl Reason {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::Changed => "changed",
            Reason::Forced => "forced",
        }
    }
}

/// One file to upload, with everything the upload sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Upload {
    pub path: String,
    pub size: u64,
    #[serde(skip)]
    pub hash: String,
    pub content_type: &'static str,
    pub cache: CacheClass,
    pub stage: Stage,
    pub reason: Reason,
}

impl Upload {
    pub(crate) fn cache_control(&self) -> &'static str {
        self.cache.header()
    }
}

/// A deploy's work, in the order it is done.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// By stage, then path.
    pub uploads: Vec<Upload>,
    /// Paths below the prefix, pages before what they loaded.
    pub deletes: Vec<String>,
    pub unchanged: usize,
    pub unchanged_bytes: u64,
    /// Objects whose hash was asked of the service (one request each); the
    /// others' came from the deploy index or differ in size.
    pub hashes_asked: usize,
}

impl Plan {
    /// The uploads stage by stage, in order.
    pub(crate) fn stages(&self) -> impl Iterator<Item = &[Upload]> {
        self.uploads.chunk_by(|a, b| a.stage == b.stage)
    }

    pub(crate) fn upload_bytes(&self) -> u64 {
        self.uploads.iter().map(|u| u.size).sum()
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.uploads.is_empty() && self.deletes.is_empty()
    }
}

/// The local files whose remote hash must be asked for: those the target
/// holds with the same size (another size means other bytes, and
/// `--force` uploads everything anyway) whose hash is not `known`.
pub(crate) fn to_compare<'a>(
    local: &'a [LocalFile],
    remote: &[RemoteObject],
    known: &RemoteHashes,
    force: bool,
) -> Vec<&'a str> {
    if force {
        return Vec::new();
    }
    let sizes: BTreeMap<&str, u64> = remote.iter().map(|r| (r.path.as_str(), r.size)).collect();
    local
        .iter()
        .filter(|f| sizes.get(f.path.as_str()) == Some(&f.size) && !known.contains_key(&f.path))
        .map(|f| f.path.as_str())
        .collect()
}

/// Compares the site's files with the target's objects: a file goes up when
/// the target lacks it or holds other bytes (by the content hash in its
/// metadata, never an ETag), or with `force`; an object the site no longer
/// has is deleted.
pub(crate) fn make_plan(
    local: &[LocalFile],
    remote: &[RemoteObject],
    hashes: &RemoteHashes,
    languages: &[Lang],
    force: bool,
) -> Plan {
    let remote_paths: BTreeSet<&str> = remote.iter().map(|r| r.path.as_str()).collect();
    let mut plan = Plan::default();
    for file in local {
        let reason = match (remote_paths.contains(file.path.as_str()), force) {
            (false, _) => Reason::New,
            (true, true) => Reason::Forced,
            (true, false) if same_content(file, hashes) => {
                plan.unchanged += 1;
                plan.unchanged_bytes += file.size;
                continue;
            }
            (true, false) => Reason::Changed,
        };
        plan.uploads.push(upload(file, reason, languages));
    }
    plan.uploads
        .sort_by(|a, b| (a.stage, &a.path).cmp(&(b.stage, &b.path)));
    plan.deletes = deletes(local, remote, languages);
    plan
}

fn same_content(file: &LocalFile, hashes: &RemoteHashes) -> bool {
    matches!(hashes.get(&file.path), Some(Some(h)) if *h == file.hash)
}

fn upload(file: &LocalFile, reason: Reason, languages: &[Lang]) -> Upload {
    Upload {
        path: file.path.clone(),
        size: file.size,
        hash: file.hash.clone(),
        content_type: policy::content_type(&file.path),
        cache: policy::cache_class(&file.path, file.name_carries_hash),
        stage: policy::stage(&file.path, languages),
        reason,
    }
}

/// The objects the site no longer has, in the reverse of the upload order:
/// a page goes before the files it loaded.
fn deletes(local: &[LocalFile], remote: &[RemoteObject], languages: &[Lang]) -> Vec<String> {
    let keep: BTreeSet<&str> = local.iter().map(|f| f.path.as_str()).collect();
    let mut gone: Vec<(Stage, &str)> = remote
        .iter()
        .filter(|r| !keep.contains(r.path.as_str()))
        .map(|r| (policy::stage(&r.path, languages), r.path.as_str()))
        .collect();
    gone.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    gone.into_iter().map(|(_, p)| p.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGS: &[Lang] = &[Lang::Zh, Lang::En];

    fn local(path: &str, hash: &str) -> LocalFile {
        LocalFile {
            path: path.into(),
            size: hash.len() as u64,
            hash: hash.into(),
            name_carries_hash: false,
        }
    }

    fn remote(path: &str, size: u64) -> RemoteObject {
        RemoteObject {
            path: path.into(),
            size,
            etag: Some(format!("e-{path}")),
        }
    }

    fn paths(uploads: &[Upload]) -> Vec<&str> {
        uploads.iter().map(|u| u.path.as_str()).collect()
    }

    #[test]
    fn a_first_deploy_uploads_everything_assets_first_landing_last() {
        let site = [
            local("index.html", "a"),
            local("zh/index.html", "b"),
            local("zh/reports/x/index.html", "c"),
            local("search/meta.js", "d"),
            local("search/t/0.js", "e"),
            local("static/style.css", "f"),
            local("zh/atom.xml", "g"),
        ];
        let plan = make_plan(&site, &[], &RemoteHashes::new(), LANGS, false);
        assert_eq!(
            paths(&plan.uploads),
            [
                "search/t/0.js",
                "static/style.css",
                "zh/reports/x/index.html",
                "search/meta.js",
                "zh/atom.xml",
                "zh/index.html",
                "index.html",
            ]
        );
        assert!(plan.uploads.iter().all(|u| u.reason == Reason::New));
        let stages: Vec<usize> = plan.stages().map(<[Upload]>::len).collect();
        assert_eq!(stages, [2, 1, 2, 1, 1]);
        assert_eq!(plan.upload_bytes(), 7);
    }

    #[test]
    fn only_changed_files_go_up_and_gone_ones_are_deleted_pages_first() {
        let site = [
            local("a.html", "new"),
            local("b.html", "same"),
            local("c.css", "cc"),
        ];
        let there = [
            remote("a.html", 3),
            remote("b.html", 4),
            remote("c.css", 9),
            remote("static/old.css", 1),
            remote("zh/reports/gone/index.html", 1),
        ];
        assert_eq!(
            to_compare(&site, &there, &RemoteHashes::new(), false),
            ["a.html", "b.html"]
        );
        let hashes = RemoteHashes::from([
            ("a.html".to_string(), Some("old".to_string())),
            ("b.html".to_string(), Some("same".to_string())),
        ]);
        let plan = make_plan(&site, &there, &hashes, LANGS, false);
        let reasons: Vec<(&str, Reason)> = plan
            .uploads
            .iter()
            .map(|u| (u.path.as_str(), u.reason))
            .collect();
        assert_eq!(
            reasons,
            [("c.css", Reason::Changed), ("a.html", Reason::Changed)]
        );
        assert_eq!((plan.unchanged, plan.unchanged_bytes), (1, 4));
        assert_eq!(
            plan.deletes,
            ["zh/reports/gone/index.html", "static/old.css"]
        );
    }

    #[test]
    fn an_object_without_a_hash_is_replaced_and_force_sends_everything() {
        let site = [local("a.html", "x")];
        let there = [remote("a.html", 1)];
        let no_hash = RemoteHashes::from([("a.html".to_string(), None)]);
        let plan = make_plan(&site, &there, &no_hash, LANGS, false);
        assert_eq!(plan.uploads[0].reason, Reason::Changed);
        let same = RemoteHashes::from([("a.html".to_string(), Some("x".to_string()))]);
        assert!(make_plan(&site, &there, &same, LANGS, false).is_empty());
        assert!(to_compare(&site, &there, &RemoteHashes::new(), true).is_empty());
        let forced = make_plan(&site, &there, &RemoteHashes::new(), LANGS, true);
        assert_eq!(forced.uploads[0].reason, Reason::Forced);
    }

    #[test]
    fn headers_follow_the_policy() {
        let mut css = local("static/style.0123456789abcdef.css", "h");
        css.name_carries_hash = true;
        let plan = make_plan(
            &[css, local("zh/index.html", "p")],
            &[],
            &RemoteHashes::new(),
            LANGS,
            false,
        );
        assert_eq!(
            plan.uploads[0].cache_control(),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(plan.uploads[0].content_type, "text/css; charset=utf-8");
        assert_eq!(plan.uploads[1].cache_control(), "public, max-age=60");
    }

    #[test]
    fn the_index_vouches_only_for_objects_not_written_since() {
        let site = [
            local("a.html", "aaa"),
            local("b.html", "bbb"),
            local("c.html", "ccc"),
        ];
        let there = [remote("a.html", 3), remote("b.html", 3)];
        let plan = make_plan(
            &site,
            &there,
            &RemoteHashes::from([
                ("a.html".to_string(), Some("aaa".to_string())),
                ("b.html".to_string(), Some("old".to_string())),
            ]),
            LANGS,
            false,
        );
        let put = BTreeMap::from([("b.html".to_string(), "e2".to_string())]);
        let index = next_index(&site, &there, &put, &plan.uploads);
        // a: unchanged, listed ETag; b: uploaded, its new ETag; c: upload
        // failed or its ETag unknown, so left out.
        assert_eq!(
            index.objects["a.html"],
            (3, "e-a.html".into(), "aaa".into())
        );
        assert_eq!(index.objects["b.html"], (3, "e2".into(), "bbb".into()));
        assert!(!index.objects.contains_key("c.html"));

        let mut now = vec![remote("a.html", 3), remote("b.html", 3)];
        now[0].etag = Some("rewritten".into());
        now[1].etag = Some("e2".into());
        let known = indexed_hashes(&now, &index);
        assert_eq!(
            known,
            RemoteHashes::from([("b.html".to_string(), Some("bbb".to_string()))])
        );
        assert_eq!(to_compare(&site, &now, &known, false), ["a.html"]);
    }
}
