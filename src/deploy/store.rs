//! A deploy target opened through `object_store`: listing, content hashes
//! from object metadata, uploads with headers, deletions. Credentials come
//! from the environment, each cloud's usual way; every message that leaves
//! this module has their values blanked out.

use crate::deploy::credentials::{self, Secrets};
use crate::deploy::local::sha256_hex;
use crate::deploy::plan::{DeployIndex, RemoteObject, Upload, INDEX_NAME};
use crate::error::{Error, Result};
use crate::load::deploy_targets::{DeployTarget, TargetUrl};
use futures_util::{StreamExt, TryStreamExt};
use object_store::path::Path as Key;
use object_store::{Attribute, Attributes, GetOptions, ObjectStore, PutOptions, PutPayload};
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// The metadata key of the content hash (`x-amz-meta-briefingsha256` on
/// S3): letters only, as Azure's metadata names must be identifiers and some
/// proxies drop header names with `_`.
pub(crate) const HASH_KEY: &str = "briefingsha256";

/// A problem with one object: what happened (secrets blanked) and whether
/// trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoreError {
    pub message: String,
    pub transient: bool,
}

/// An open target.
pub(crate) struct Store {
    inner: Arc<dyn ObjectStore>,
    /// The folder below the bucket, or None for its root.
    prefix: Option<Key>,
    /// Whether objects carry metadata (not in a `file://` folder, whose
    /// files are hashed instead).
    has_metadata: bool,
    /// The target as shown in messages (`s3://bucket/prefix/`).
    pub(crate) shown: String,
    secrets: Secrets,
}

/// How long one request may take, and how object_store retries a request
/// that failed on the way (connection refused or reset, 5xx, 429): three
/// more times, backing off from 200 ms.
fn client_options() -> object_store::ClientOptions {
    object_store::ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(5))
        .with_timeout(Duration::from_secs(60))
}

fn retry_config() -> object_store::RetryConfig {
    object_store::RetryConfig {
        backoff: object_store::BackoffConfig {
            init_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            base: 2.0,
        },
        max_retries: 3,
        retry_timeout: Duration::from_secs(60),
    }
}

impl Store {
    /// Opens `target` with the credentials of the environment; refuses a
    /// cloud target when the environment names none (rather than asking a
    /// cloud's instance metadata service, which is slow to fail elsewhere).
    pub(crate) fn open(target: &DeployTarget) -> Result<Store> {
        let secrets = Secrets::from_env();
        let shown = target.url.to_string();
        let opened = match &target.url {
            TargetUrl::File { path } => open_folder(path),
            TargetUrl::S3 { bucket, .. } => open_s3(target, bucket),
            TargetUrl::Gcs { bucket, .. } => open_gcs(target, bucket),
            TargetUrl::Azure { container, .. } => open_azure(target, container),
        };
        let inner = opened.map_err(|why| target_error(&shown, secrets.redact(&why)))?;
        let prefix = target.url.prefix();
        Ok(Store {
            inner,
            prefix: (!prefix.is_empty()).then(|| Key::from(prefix)),
            has_metadata: !matches!(target.url, TargetUrl::File { .. }),
            shown,
            secrets,
        })
    }

    fn key(&self, rel: &str) -> std::result::Result<Key, StoreError> {
        let full = match &self.prefix {
            Some(p) => format!("{p}/{rel}"),
            None => rel.to_string(),
        };
        Key::parse(full).map_err(|e| StoreError {
            message: format!("{rel} cannot name an object: {e}"),
            transient: false,
        })
    }

    /// Every object below the prefix, by its path below the prefix.
    pub(crate) async fn list(&self) -> Result<Vec<RemoteObject>> {
        let listed: Vec<object_store::ObjectMeta> = self
            .inner
            .list(self.prefix.as_ref())
            .try_collect()
            .await
            .map_err(|e| target_error(&self.shown, self.describe(&e).message))?;
        let strip = self.prefix.as_ref().map(|p| format!("{p}/"));
        let mut objects: Vec<RemoteObject> = listed
            .into_iter()
            .filter_map(|meta| {
                let full = meta.location.as_ref();
                let rel = match &strip {
                    Some(s) => full.strip_prefix(s.as_str())?,
                    None => full,
                };
                (rel != INDEX_NAME).then(|| RemoteObject {
                    path: rel.to_string(),
                    size: meta.size,
                    etag: meta.e_tag,
                })
            })
            .collect();
        objects.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(objects)
    }

    /// The content hash of the object at `rel`: from its metadata (None
    /// when it has none), or for a folder target from its bytes.
    pub(crate) async fn content_hash(
        &self,
        rel: &str,
    ) -> std::result::Result<Option<String>, StoreError> {
        let key = self.key(rel)?;
        let options = GetOptions {
            head: self.has_metadata,
            ..GetOptions::default()
        };
        let got = match self.inner.get_opts(&key, options).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(self.describe(&e)),
        };
        if self.has_metadata {
            let hash = got.attributes.get(&Attribute::Metadata(HASH_KEY.into()));
            return Ok(hash.map(|h| h.to_string()));
        }
        let bytes = got.bytes().await.map_err(|e| self.describe(&e))?;
        Ok(Some(sha256_hex(&bytes)))
    }

    /// The index the last deploy left (an empty one when there is none or
    /// it cannot be read: then every hash is asked for).
    pub(crate) async fn read_index(&self) -> DeployIndex {
        let Ok(key) = self.key(INDEX_NAME) else {
            return DeployIndex::default();
        };
        let bytes = match self.inner.get_opts(&key, GetOptions::default()).await {
            Ok(got) => got.bytes().await.ok(),
            Err(_) => None,
        };
        bytes
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes the index for the next deploy.
    pub(crate) async fn write_index(
        &self,
        index: &DeployIndex,
    ) -> std::result::Result<(), StoreError> {
        let key = self.key(INDEX_NAME)?;
        let bytes = serde_json::to_vec(index).expect("an index serializes");
        let mut attributes = Attributes::new();
        if self.has_metadata {
            attributes.insert(Attribute::ContentType, "application/json".into());
            attributes.insert(Attribute::CacheControl, "no-store".into());
        }
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.inner
            .put_opts(&key, PutPayload::from(bytes), options)
            .await
            .map(|_| ())
            .map_err(|e| self.describe(&e))
    }

    /// Puts one file with its headers and content hash; the object's new
    /// ETag, when the service gives one.
    pub(crate) async fn upload(
        &self,
        upload: &Upload,
        payload: PutPayload,
    ) -> std::result::Result<Option<String>, StoreError> {
        let key = self.key(&upload.path)?;
        let mut attributes = Attributes::new();
        if self.has_metadata {
            attributes.insert(Attribute::ContentType, upload.content_type.into());
            attributes.insert(Attribute::CacheControl, upload.cache_control().into());
            attributes.insert(
                Attribute::Metadata(HASH_KEY.into()),
                upload.hash.clone().into(),
            );
        }
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.inner
            .put_opts(&key, payload, options)
            .await
            .map(|put| put.e_tag)
            .map_err(|e| self.describe(&e))
    }

    /// Deletes the objects at `rels` (in batches where the service has
    /// them); each path with what became of it.
    pub(crate) async fn delete(
        &self,
        rels: &[String],
    ) -> Vec<(String, std::result::Result<(), StoreError>)> {
        let mut out = Vec::with_capacity(rels.len());
        let mut keys = Vec::with_capacity(rels.len());
        for rel in rels {
            match self.key(rel) {
                Ok(key) => keys.push(Ok(key)),
                Err(e) => out.push((rel.clone(), Err(e))),
            }
        }
        let strip = self.prefix.as_ref().map(|p| format!("{p}/"));
        let mut results = self
            .inner
            .delete_stream(futures_util::stream::iter(keys).boxed());
        let mut done = std::collections::BTreeSet::new();
        while let Some(result) = results.next().await {
            match result {
                Ok(key) => {
                    let full = key.as_ref();
                    let rel = strip
                        .as_deref()
                        .and_then(|s| full.strip_prefix(s))
                        .unwrap_or(full);
                    done.insert(rel.to_string());
                }
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => {
                    let err = self.describe(&e);
                    // The error does not always say which object; it is
                    // reported on every one not confirmed deleted.
                    out.extend(
                        rels.iter()
                            .filter(|r| !done.contains(*r))
                            .map(|r| (r.clone(), Err(err.clone()))),
                    );
                    return out;
                }
            }
        }
        out.extend(rels.iter().map(|r| (r.clone(), Ok(()))));
        out
    }

    /// What an object_store error means, in a line, secrets blanked out.
    fn describe(&self, e: &object_store::Error) -> StoreError {
        let (message, transient) = explain(e);
        StoreError {
            message: self.secrets.redact(&message),
            transient,
        }
    }
}

/// An object_store error as a line people can act on, and whether trying
/// again may help. Services answer a refusal with a status and an XML
/// `<Code>`; object_store keeps them in the error's text.
fn explain(e: &object_store::Error) -> (String, bool) {
    use object_store::Error as E;
    let text = chain(e);
    let code = service_code(&text);
    let denied = matches!(e, E::PermissionDenied { .. } | E::Unauthenticated { .. })
        || text.contains("403 Forbidden")
        || text.contains("401 Unauthorized");
    if denied {
        let code = code.map(|c| format!(" ({c})")).unwrap_or_default();
        let message = format!(
            "access denied{code}: check the credentials in the environment and the target's permissions"
        );
        return (message, false);
    }
    let not_found = matches!(e, E::NotFound { .. }) || text.contains("404 Not Found");
    if not_found {
        let what = match code.as_deref() {
            Some("NoSuchBucket") => "the bucket does not exist".to_string(),
            Some(c) => format!("not found ({c})"),
            None => "not found".to_string(),
        };
        return (what, false);
    }
    (text, matches!(e, E::Generic { .. }))
}

/// The `<Code>` of a service's XML error answer, if the text holds one.
fn service_code(text: &str) -> Option<String> {
    let start = text.find("<Code>")? + "<Code>".len();
    let len = text[start..].find("</Code>")?;
    Some(text[start..start + len].to_string())
}

/// An error about the target as a whole (`cannot write s3://b/p/: …`).
fn target_error(shown: &str, message: String) -> Error {
    Error::write(shown, io::Error::other(message))
}

/// The error and its causes in one line, cut to a readable length (a
/// service's XML answer can be long).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    let line = parts.join(": ").replace(['\n', '\r'], " ");
    match line.char_indices().nth(400) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

fn open_folder(path: &std::path::Path) -> std::result::Result<Arc<dyn ObjectStore>, String> {
    std::fs::create_dir_all(path).map_err(|e| format!("cannot make the folder: {e}"))?;
    let store = object_store::local::LocalFileSystem::new_with_prefix(path)
        .map_err(|e| chain(&e))?
        .with_automatic_cleanup(true);
    Ok(Arc::new(store))
}

#[cfg(feature = "deploy-s3")]
fn open_s3(
    target: &DeployTarget,
    bucket: &str,
) -> std::result::Result<Arc<dyn ObjectStore>, String> {
    use object_store::aws::AmazonS3Builder;
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_client_options(client_options())
        .with_retry(retry_config());
    builder = match credentials::aws()? {
        credentials::Aws::FromEnvironment => builder,
        credentials::Aws::Profile(p) => {
            let b = builder
                .with_access_key_id(p.access_key_id)
                .with_secret_access_key(p.secret_access_key);
            match p.session_token {
                Some(token) => b.with_token(token),
                None => b,
            }
        }
    };
    if let Some(region) = &target.region {
        builder = builder.with_region(region);
    }
    if let Some(endpoint) = &target.endpoint {
        let endpoint = match target.virtual_hosted {
            true => with_bucket_host(endpoint, bucket),
            false => endpoint.clone(),
        };
        builder = builder
            .with_allow_http(endpoint.starts_with("http://"))
            .with_endpoint(endpoint);
    }
    if target.virtual_hosted {
        builder = builder.with_virtual_hosted_style_request(true);
    }
    let store = builder.build().map_err(|e| chain(&e))?;
    Ok(Arc::new(store))
}

/// The endpoint of a virtual-hosted bucket: `https://host` becomes
/// `https://bucket.host` (left as it is when it already names the bucket).
#[cfg(feature = "deploy-s3")]
fn with_bucket_host(endpoint: &str, bucket: &str) -> String {
    match endpoint.split_once("://") {
        Some((_, host)) if host.starts_with(&format!("{bucket}.")) => endpoint.to_string(),
        Some((scheme, host)) => format!("{scheme}://{bucket}.{host}"),
        None => endpoint.to_string(),
    }
}

#[cfg(not(feature = "deploy-s3"))]
fn open_s3(_: &DeployTarget, _: &str) -> std::result::Result<Arc<dyn ObjectStore>, String> {
    Err("this briefing was built without s3:// targets (Cargo feature `deploy-s3`)".into())
}

#[cfg(feature = "deploy-gcs")]
fn open_gcs(
    target: &DeployTarget,
    bucket: &str,
) -> std::result::Result<Arc<dyn ObjectStore>, String> {
    use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
    credentials::gcs()?;
    let mut builder = GoogleCloudStorageBuilder::from_env()
        .with_bucket_name(bucket)
        .with_client_options(client_options())
        .with_retry(retry_config());
    if let Some(endpoint) = &target.endpoint {
        builder = builder.with_config(GoogleConfigKey::BaseUrl, endpoint);
    }
    let store = builder.build().map_err(|e| chain(&e))?;
    Ok(Arc::new(store))
}

#[cfg(not(feature = "deploy-gcs"))]
fn open_gcs(_: &DeployTarget, _: &str) -> std::result::Result<Arc<dyn ObjectStore>, String> {
    Err("this briefing was built without gs:// targets (Cargo feature `deploy-gcs`)".into())
}

#[cfg(feature = "deploy-azure")]
fn open_azure(
    target: &DeployTarget,
    container: &str,
) -> std::result::Result<Arc<dyn ObjectStore>, String> {
    use object_store::azure::MicrosoftAzureBuilder;
    credentials::azure()?;
    let mut builder = MicrosoftAzureBuilder::from_env()
        .with_container_name(container)
        .with_client_options(client_options())
        .with_retry(retry_config());
    if let Some(endpoint) = &target.endpoint {
        builder = builder
            .with_endpoint(endpoint.clone())
            .with_allow_http(endpoint.starts_with("http://"));
    }
    let store = builder.build().map_err(|e| chain(&e))?;
    Ok(Arc::new(store))
}

#[cfg(not(feature = "deploy-azure"))]
fn open_azure(_: &DeployTarget, _: &str) -> std::result::Result<Arc<dyn ObjectStore>, String> {
    Err("this briefing was built without az:// targets (Cargo feature `deploy-azure`)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "deploy-s3")]
    #[test]
    fn a_virtual_hosted_endpoint_names_the_bucket_once() {
        let oss = "https://oss-cn-hangzhou.aliyuncs.com";
        assert_eq!(
            with_bucket_host(oss, "news"),
            "https://news.oss-cn-hangzhou.aliyuncs.com"
        );
        let named = "https://news.oss-cn-hangzhou.aliyuncs.com";
        assert_eq!(with_bucket_host(named, "news"), named);
    }

    fn generic(text: &str) -> object_store::Error {
        object_store::Error::Generic {
            store: "S3",
            source: text.into(),
        }
    }

    #[test]
    fn refusals_are_explained_by_the_services_code() {
        let denied =
            generic("list: 403 Forbidden: <Error><Code>SignatureDoesNotMatch</Code></Error>");
        let (message, transient) = explain(&denied);
        assert_eq!(message, "access denied (SignatureDoesNotMatch): check the credentials in the environment and the target's permissions");
        assert!(!transient);
        let missing = generic("404 Not Found: <Error><Code>NoSuchBucket</Code></Error>");
        assert_eq!(
            explain(&missing),
            ("the bucket does not exist".into(), false)
        );
        let (message, transient) = explain(&generic("connection reset by peer"));
        assert!(
            transient && message.contains("connection reset"),
            "{message}"
        );
    }

    #[test]
    fn long_answers_are_cut_to_one_line() {
        let long = format!("line one\nline two {}", "x".repeat(1000));
        let text = chain(&generic(&long));
        assert!(!text.contains('\n') && text.ends_with('…') && text.chars().count() == 401);
    }
}
