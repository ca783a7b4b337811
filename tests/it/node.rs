//! The default theme's search.js under node, outside a browser: its tokenizer
//! and anything else that needs no page. Without node (`apt-get install -y
//! nodejs`; CI has it for npm) a test that needs it prints a loud SKIPPED
//! banner and passes, unless `BRIEFING_REQUIRE_BROWSER=1`.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

/// Loads search.js as a page would, with just enough of `window` and
/// `document` for it to load without a page, then calls the function whose
/// source is `argv[2]` with `window.__briefingSearch` and the JSON on stdin,
/// and prints what it returns as JSON.
const RUNNER: &str = r#"
const fs = require('fs');
global.window = {};
global.document = { readyState: 'loading', addEventListener() {} };
eval(fs.readFileSync(process.argv[1], 'utf8'));
const run = eval('(' + process.argv[2] + ')');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(run(window.__briefingSearch, input)));
"#;

/// Runs `function` (JavaScript source of `(search, input) => value`) under
/// node with search.js loaded and returns its value; `None` when node is not
/// installed, after a loud message (a failure with BRIEFING_REQUIRE_BROWSER=1).
pub fn with_search_js(function: &str, input: &Value) -> Option<Value> {
    let script = crate::support::repo_root().join("themes/default/static/search.js");
    let spawned = Command::new("node")
        .args(["-e", RUNNER])
        .arg(&script)
        .arg(function)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            crate::skip::skip(
                &format!("node, for search.js tests under node ({e})"),
                "apt-get install -y nodejs",
            );
            return None;
        }
    };
    let stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    // Written from a thread: node may answer before it has read everything.
    let writer = std::thread::spawn(move || {
        let mut stdin = stdin;
        stdin.write_all(input.as_bytes())
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("node printed JSON"))
}

/// Runs `node` with `args`, for checks that need node itself rather than
/// search.js in it: its output, or `None` after the same loud skip.
pub fn run(args: &[&str]) -> Option<std::process::Output> {
    match Command::new("node").args(args).output() {
        Ok(out) => Some(out),
        Err(e) => {
            crate::skip::skip(
                &format!("node, for search.js tests under node ({e})"),
                "apt-get install -y nodejs",
            );
            None
        }
    }
}
