//! Deploy targets: the `deploy:` list of `site.yaml`, checked on its lines.
//!
//! A target names where the site goes (`s3://`, `gs://`, `az://` or
//! `file:///`), never how to log in: credentials come from the environment
//! only, and a target that tries to carry them is refused without the value
//! being repeated.

use crate::diag::Diagnostic;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How many objects a deploy may delete unless told otherwise.
pub const DEFAULT_MAX_DELETES: usize = 256;

/// One entry of `deploy:` as written.
#[derive(Debug, Deserialize)]
pub(crate) struct RawTarget {
    name: Option<String>,
    url: Option<String>,
    endpoint: Option<String>,
    region: Option<String>,
    max_deletes: Option<usize>,
    virtual_hosted: Option<bool>,
    /// Keys this version does not know: reported one by one, with a word
    /// about credentials when they look like them.
    #[serde(flatten)]
    other: BTreeMap<String, serde::de::IgnoredAny>,
}

/// A place the site is published to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployTarget {
    pub name: String,
    pub url: TargetUrl,
    /// A service's own address (an S3-compatible one: MinIO, R2, OSS…).
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub max_deletes: usize,
    /// S3 requests name the bucket in the host (`bucket.endpoint/key`), for
    /// services that take no other kind (Aliyun OSS); else in the path
    /// (`endpoint/bucket/key`).
    pub virtual_hosted: bool,
}

/// Where a target's objects live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetUrl {
    S3 {
        bucket: String,
        prefix: String,
    },
    Gcs {
        bucket: String,
        prefix: String,
    },
    Azure {
        container: String,
        prefix: String,
    },
    /// A folder on this machine (a local mirror).
    File {
        path: PathBuf,
    },
}

impl TargetUrl {
    /// Parses `s3://bucket/prefix/`, `gs://…`, `az://container/prefix/` or
    /// `file:///absolute/path`. The error never repeats the URL (it may
    /// hold a password).
    pub fn parse(url: &str) -> Result<TargetUrl, String> {
        let url = url.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err("is not a URL; write e.g. `s3://bucket/prefix/`".into());
        };
        if scheme == "file" {
            return match rest.strip_prefix('/') {
                Some(_) if !rest.contains(['?', '#']) => Ok(TargetUrl::File {
                    path: PathBuf::from(rest),
                }),
                _ => Err("a file target needs an absolute path: `file:///path/to/folder`".into()),
            };
        }
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.contains('@') || bucket.contains(':') {
            return Err(
                "holds credentials or a port; credentials come from the environment only".into(),
            );
        }
        if bucket.is_empty() || bucket.contains(char::is_whitespace) {
            return Err("has no bucket name: write `SCHEME://bucket/prefix/`".into());
        }
        if rest.contains(['?', '#']) {
            return Err("has a query or fragment; write `SCHEME://bucket/prefix/`".into());
        }
        let prefix = normalise_prefix(prefix)?;
        let bucket = bucket.to_string();
        match scheme {
            "s3" => Ok(TargetUrl::S3 { bucket, prefix }),
            "gs" => Ok(TargetUrl::Gcs { bucket, prefix }),
            "az" => Ok(TargetUrl::Azure {
                container: bucket,
                prefix,
            }),
            _ => Err(format!(
                "has the scheme `{scheme}`; use s3://, gs://, az:// or file:///"
            )),
        }
    }

    /// The folder below the bucket ("" for the bucket's root), without
    /// slashes at either end.
    pub fn prefix(&self) -> &str {
        match self {
            TargetUrl::S3 { prefix, .. }
            | TargetUrl::Gcs { prefix, .. }
            | TargetUrl::Azure { prefix, .. } => prefix,
            TargetUrl::File { .. } => "",
        }
    }
}

impl std::fmt::Display for TargetUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (scheme, bucket, prefix) = match self {
            TargetUrl::S3 { bucket, prefix } => ("s3", bucket, prefix),
            TargetUrl::Gcs { bucket, prefix } => ("gs", bucket, prefix),
            TargetUrl::Azure { container, prefix } => ("az", container, prefix),
            TargetUrl::File { path } => return write!(f, "file://{}", path.display()),
        };
        if prefix.is_empty() {
            write!(f, "{scheme}://{bucket}/")
        } else {
            write!(f, "{scheme}://{bucket}/{prefix}/")
        }
    }
}

/// A prefix without slashes at its ends; `..`, `.` and empty segments are
/// refused (they would name other objects than they seem to).
fn normalise_prefix(prefix: &str) -> Result<String, String> {
    let trimmed = prefix.trim_matches('/');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    if trimmed
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err("has an empty, `.` or `..` segment in its prefix".into());
    }
    Ok(trimmed.to_string())
}

/// Whether a key someone wrote in a target looks like a credential.
fn looks_like_credential(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "key",
        "secret",
        "token",
        "password",
        "credential",
        "sas",
        "account",
    ]
    .iter()
    .any(|w| key.contains(w))
}

/// The line of `site.yaml` that holds `field` of the `index`-th entry of
/// `deploy:` (block style), else that entry's first line, else `deploy:`.
fn field_line(text: &str, index: usize, field: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let top = lines.iter().position(|l| l.starts_with("deploy:"))?;
    let mut entry = None;
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate().skip(top + 1) {
        if !line.starts_with([' ', '-', '\t']) && !line.trim().is_empty() {
            break;
        }
        let body = line.trim_start();
        if body.starts_with("- ") || body == "-" {
            if entry.is_some() {
                break;
            }
            if seen == index {
                entry = Some(i);
            }
            seen += 1;
        }
        if entry.is_some() {
            let key = body.trim_start_matches("- ").trim_start();
            if key.starts_with(&format!("{field}:")) {
                return Some(i + 1);
            }
        }
    }
    Some(entry.unwrap_or(top) + 1)
}

/// Checks the `deploy:` list of `site.yaml` (its `text`, shown as `path`):
/// the targets, or every problem on its line.
pub(crate) fn resolve(
    raw: Vec<RawTarget>,
    text: &str,
    path: &Path,
) -> (Vec<DeployTarget>, Vec<Diagnostic>) {
    let mut targets: Vec<DeployTarget> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for (i, entry) in raw.into_iter().enumerate() {
        let at = |field: &str| field_line(text, i, field);
        let error = |field: &str, message: String, hint: &str| {
            Diagnostic::error(path, at(field), message).with_hint(hint)
        };
        errors.extend(entry.other.keys().map(|key| unknown_key(key, &error)));
        let name = entry.name.unwrap_or_default();
        if name.trim().is_empty() {
            errors.push(error(
                "name",
                "a deploy target has no `name`".into(),
                "give each target a name, e.g. `name: production` (`briefing deploy --target production`)",
            ));
        } else if names.contains(&name) {
            errors.push(error(
                "name",
                format!("deploy target `{name}` is listed twice"),
                "give each target its own name",
            ));
        }
        names.push(name.clone());
        let url = target_url(entry.url.as_deref(), &name, &error).map_err(|e| errors.push(e));
        if let Some(endpoint) = &entry.endpoint {
            if let Some(why) = endpoint_problem(endpoint, url.as_ref().ok()) {
                errors.push(error(
                    "endpoint",
                    format!("the `endpoint` of deploy target `{name}` {why}"),
                    "write the service's address, e.g. `endpoint: https://s3.example.com`; credentials go in the environment",
                ));
            }
        }
        if entry.virtual_hosted == Some(true)
            && url
                .as_ref()
                .is_ok_and(|u| !matches!(u, TargetUrl::S3 { .. }))
        {
            errors.push(error(
                "virtual_hosted",
                format!("`virtual_hosted` of deploy target `{name}` is for s3:// targets only"),
                "remove the line, or publish to an s3:// url",
            ));
        }
        if let Ok(url) = url {
            targets.push(DeployTarget {
                name,
                url,
                endpoint: entry
                    .endpoint
                    .map(|e| e.trim().trim_end_matches('/').to_string()),
                region: entry.region,
                max_deletes: entry.max_deletes.unwrap_or(DEFAULT_MAX_DELETES),
                virtual_hosted: entry.virtual_hosted.unwrap_or(false),
            });
        }
    }
    (targets, errors)
}

/// How a diagnostic on a field of one deploy target is made: field,
/// message, hint.
type FieldError<'a> = dyn Fn(&str, String, &str) -> Diagnostic + 'a;

/// The error for a key a deploy target does not have; credentials get
/// their own.
fn unknown_key(key: &str, error: &FieldError) -> Diagnostic {
    if looks_like_credential(key) {
        error(
            key,
            format!("`{key}` in a deploy target: credentials are never read from site.yaml"),
            "remove the line and set the service's usual environment variables (for S3: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); see docs/publishing.md",
        )
    } else {
        error(
            key,
            format!("unknown key `{key}` in a deploy target"),
            "a target has `name`, `url`, and optionally `endpoint`, `region`, `max_deletes`, `virtual_hosted`",
        )
    }
}

/// The `url` of deploy target `name`, parsed.
fn target_url(url: Option<&str>, name: &str, error: &FieldError) -> Result<TargetUrl, Diagnostic> {
    match url.map(TargetUrl::parse) {
        Some(Ok(url)) => Ok(url),
        Some(Err(why)) => Err(error(
            "url",
            format!("the `url` of deploy target `{name}` {why}"),
            "write s3://bucket/prefix/, gs://bucket/prefix/, az://container/prefix/ or file:///path",
        )),
        None => Err(error(
            "url",
            format!("deploy target `{name}` has no `url`"),
            "add e.g. `url: s3://bucket/prefix/`",
        )),
    }
}

/// What is wrong with an `endpoint` (never repeating it: it may hold a
/// password), or None.
fn endpoint_problem(endpoint: &str, url: Option<&TargetUrl>) -> Option<String> {
    let endpoint = endpoint.trim();
    let Some((scheme, rest)) = endpoint.split_once("://") else {
        return Some("is not an http(s) URL".into());
    };
    if scheme != "http" && scheme != "https" {
        return Some("is not an http(s) URL".into());
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.contains('@') {
        return Some("holds credentials; they come from the environment only".into());
    }
    if host.is_empty() || endpoint.contains(char::is_whitespace) {
        return Some("has no host".into());
    }
    match url {
        Some(TargetUrl::File { .. }) => Some("does not apply to file:// targets".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> (Vec<DeployTarget>, Vec<Diagnostic>) {
        #[derive(Deserialize)]
        struct Doc {
            deploy: Vec<RawTarget>,
        }
        let doc: Doc = yaml_serde::from_str(yaml).unwrap();
        resolve(doc.deploy, yaml, Path::new("site.yaml"))
    }

    #[test]
    fn parses_each_kind_of_url() {
        let cases = [
            ("s3://b/p/q/", "s3://b/p/q/", "p/q"),
            ("s3://b", "s3://b/", ""),
            ("gs://b/x", "gs://b/x/", "x"),
            ("az://c/", "az://c/", ""),
            ("file:///srv/www", "file:///srv/www", ""),
        ];
        for (url, shown, prefix) in cases {
            let parsed = TargetUrl::parse(url).unwrap();
            assert_eq!(parsed.to_string(), shown);
            assert_eq!(parsed.prefix(), prefix);
        }
        for bad in [
            "bucket",
            "s3://",
            "s3://key:secret@b/",
            "s3://b/../x",
            "ftp://b/",
            "file://relative",
        ] {
            assert!(TargetUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_full_target_and_its_defaults() {
        let (targets, errors) = parse(
            "deploy:\n  - name: production\n    url: s3://site/briefing/\n    endpoint: http://127.0.0.1:9000/\n    region: auto\n  - name: mirror\n    url: file:///srv/www\n    max_deletes: 10\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            targets[0].endpoint.as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(targets[0].max_deletes, DEFAULT_MAX_DELETES);
        assert_eq!(targets[1].max_deletes, 10);
        assert!(!targets[0].virtual_hosted);
    }

    #[test]
    fn virtual_hosted_is_for_s3_targets() {
        let (targets, errors) = parse(
            "deploy:\n  - name: oss\n    url: s3://site/\n    endpoint: https://oss-cn-hangzhou.aliyuncs.com\n    virtual_hosted: true\n  - name: gcs\n    url: gs://site/\n    virtual_hosted: true\n",
        );
        assert!(targets[0].virtual_hosted);
        let lines: Vec<(Option<usize>, &str)> = errors
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            lines,
            [(
                Some(8),
                "`virtual_hosted` of deploy target `gcs` is for s3:// targets only"
            )]
        );
    }

    #[test]
    fn problems_are_on_their_lines_and_never_repeat_a_secret() {
        let yaml = "deploy:\n  - name: a\n    url: s3://AKID:hunter2@b/\n  - name: a\n    url: s3://b/\n    secret_access_key: hunter2\n    endpoint: https://u:hunter2@s3.example.com\n    colour: red\n";
        let (_, errors) = parse(yaml);
        let lines: Vec<(Option<usize>, &str)> = errors
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert!(lines.contains(&(
            Some(3),
            "the `url` of deploy target `a` holds credentials or a port; credentials come from the environment only"
        )), "{lines:?}");
        assert!(lines.contains(&(Some(4), "deploy target `a` is listed twice")));
        assert!(lines
            .iter()
            .any(|(l, m)| *l == Some(6) && m.contains("credentials are never read")));
        assert!(lines
            .iter()
            .any(|(l, m)| *l == Some(7) && m.contains("holds credentials")));
        assert!(lines.contains(&(Some(8), "unknown key `colour` in a deploy target")));
        for d in &errors {
            assert!(!d.to_string().contains("hunter2"), "{d}");
        }
    }
}
