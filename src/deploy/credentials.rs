//! Credentials, read from the environment only (and, for S3, the profile
//! files `AWS_PROFILE` names), and the secrets to blank out of every
//! message.

use std::path::PathBuf;

/// Environment variables whose values must never be printed.
const SECRET_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "GOOGLE_SERVICE_ACCOUNT_KEY",
    "GOOGLE_BEARER_TOKEN",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_ACCESS_KEY",
    "AZURE_STORAGE_MASTER_KEY",
    "AZURE_STORAGE_SAS_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_STORAGE_TOKEN",
    "AZURE_CLIENT_SECRET",
    "AZURE_STORAGE_CLIENT_SECRET",
];

/// Secret values known to this process, to blank out of messages.
#[derive(Debug, Default, Clone)]
pub(crate) struct Secrets(Vec<String>);

impl Secrets {
    pub(crate) fn from_env() -> Secrets {
        let mut values: Vec<String> = SECRET_VARS
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .collect();
        if let Some(profile) = aws_profile() {
            values.extend([profile.access_key_id, profile.secret_access_key]);
            values.extend(profile.session_token);
        }
        Secrets::of(values)
    }

    fn of(mut values: Vec<String>) -> Secrets {
        // Short values would blank out ordinary words.
        values.retain(|v| v.trim().len() >= 6);
        // Longest first, so a secret holding another is blanked whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        Secrets(values)
    }

    /// `text` with every secret (and any `sig=` of a signed URL) as `***`.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.0 {
            out = out.replace(secret.as_str(), "***");
        }
        redact_signatures(&out)
    }
}

/// Blanks the value of `sig=`, `Signature=` and `X-Amz-Signature=` in URLs.
fn redact_signatures(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = ["sig=", "Signature="]
        .iter()
        .filter_map(|k| rest.find(k).map(|i| i + k.len()))
        .min()
    {
        out.push_str(&rest[..i]);
        let end = rest[i..]
            .find(['&', ' ', ')', '"', ','])
            .map_or(rest.len(), |n| i + n);
        if end > i {
            out.push_str("***");
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Keys read from the AWS profile files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProfileKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// Where the S3 credentials come from.
pub(crate) enum Aws {
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, a web identity
    /// token or container credentials: object_store reads them.
    FromEnvironment,
    /// The profile `AWS_PROFILE` names in `~/.aws/credentials`.
    Profile(ProfileKeys),
}

fn set(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| !v.is_empty())
}

/// The S3 credentials the environment gives, or why there are none.
pub(crate) fn aws() -> Result<Aws, String> {
    if set("AWS_ACCESS_KEY_ID") || set("AWS_SECRET_ACCESS_KEY") {
        if set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY") {
            return Ok(Aws::FromEnvironment);
        }
        return Err("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together".into());
    }
    if set("AWS_WEB_IDENTITY_TOKEN_FILE")
        || set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        || set("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    {
        return Ok(Aws::FromEnvironment);
    }
    if let Ok(name) = std::env::var("AWS_PROFILE") {
        return aws_profile()
            .map(Aws::Profile)
            .ok_or_else(|| format!("AWS_PROFILE names `{name}`, which has no aws_access_key_id and aws_secret_access_key in the credentials file"));
    }
    Err("no AWS credentials in the environment: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE".into())
}

/// The keys of the profile `AWS_PROFILE` names, from
/// `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`.
fn aws_profile() -> Option<ProfileKeys> {
    let name = std::env::var("AWS_PROFILE").ok()?;
    let file = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".aws/credentials")))?;
    let text = std::fs::read_to_string(file).ok()?;
    profile_keys(&text, &name)
}

/// The keys of profile `name` in the text of an AWS credentials file (INI:
/// `[name]`, then `key = value` lines).
pub(crate) fn profile_keys(text: &str, name: &str) -> Option<ProfileKeys> {
    let mut in_section = false;
    let mut keys: std::collections::BTreeMap<&str, &str> = Default::default();
    for line in text.lines().map(str::trim) {
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let section = section.trim();
            in_section = section == name || section.strip_prefix("profile ") == Some(name);
        } else if let (true, Some((k, v))) = (in_section, line.split_once('=')) {
            keys.insert(k.trim(), v.trim());
        }
    }
    Some(ProfileKeys {
        access_key_id: keys.get("aws_access_key_id")?.to_string(),
        secret_access_key: keys.get("aws_secret_access_key")?.to_string(),
        session_token: keys.get("aws_session_token").map(|s| s.to_string()),
    })
}

/// Whether the environment gives GCS credentials (a service account, a key,
/// a token, or gcloud's application default credentials file).
pub(crate) fn gcs() -> Result<(), String> {
    let vars = [
        "GOOGLE_SERVICE_ACCOUNT",
        "GOOGLE_SERVICE_ACCOUNT_PATH",
        "GOOGLE_SERVICE_ACCOUNT_KEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GOOGLE_BEARER_TOKEN",
    ];
    let default_file = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".config/gcloud/application_default_credentials.json"));
    if vars.iter().any(|v| set(v)) || default_file.is_some_and(|f| f.is_file()) {
        return Ok(());
    }
    Err("no Google Cloud credentials in the environment: set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or run `gcloud auth application-default login`".into())
}

/// Whether the environment gives Azure credentials with an account name.
pub(crate) fn azure() -> Result<(), String> {
    if set("AZURE_STORAGE_USE_EMULATOR") {
        return Ok(());
    }
    if !set("AZURE_STORAGE_ACCOUNT_NAME") {
        return Err("AZURE_STORAGE_ACCOUNT_NAME is not set: it names the storage account".into());
    }
    let vars = [
        "AZURE_STORAGE_ACCOUNT_KEY",
        "AZURE_STORAGE_ACCESS_KEY",
        "AZURE_STORAGE_SAS_KEY",
        "AZURE_STORAGE_SAS_TOKEN",
        "AZURE_STORAGE_TOKEN",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
        "AZURE_USE_AZURE_CLI",
    ];
    if vars.iter().any(|v| set(v)) {
        return Ok(());
    }
    Err("no Azure credentials in the environment: set AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN (or AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_signatures_are_blanked() {
        let secrets = Secrets::of(vec!["wJalrXUtnFEMI".into(), "abc".into()]);
        assert_eq!(
            secrets.redact("key wJalrXUtnFEMI and abc; https://a.blob/x?sv=1&sig=Zm9v%3D&se=2"),
            "key *** and abc; https://a.blob/x?sv=1&sig=***&se=2"
        );
        assert_eq!(
            secrets.redact("X-Amz-Signature=deadbeef, ok"),
            "X-Amz-Signature=***, ok"
        );
    }

    #[test]
    fn reads_a_profile_from_a_credentials_file() {
        let text = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n[site]\naws_access_key_id=C\naws_secret_access_key = D\naws_session_token = E\n";
        let keys = profile_keys(text, "site").unwrap();
        assert_eq!(
            (keys.access_key_id.as_str(), keys.secret_access_key.as_str()),
            ("C", "D")
        );
        assert_eq!(keys.session_token.as_deref(), Some("E"));
        assert_eq!(profile_keys(text, "default").unwrap().session_token, None);
        assert!(profile_keys(text, "other").is_none());
    }
}
