//! Skipping a test this machine cannot run, so that everyone sees it.
//!
//! `cargo test` captures what a passing test prints with `print!` and
//! `eprint!`, so a skip announced that way passes unseen. [`skip`] writes to
//! the process's stderr handle itself, which the capture does not take: the
//! banner shows in plain `cargo test` output, among the `test … ok` lines.
//! With `BRIEFING_REQUIRE_BROWSER=1` (set by `.ci/run`, where every tool is
//! installed and the tests run as root) a skip is a failure instead.

use std::io::Write;

/// The variable that turns every skip into a failure.
pub const REQUIRE: &str = "BRIEFING_REQUIRE_BROWSER";

/// Whether `BRIEFING_REQUIRE_BROWSER=1`: nothing may be skipped.
pub fn required() -> bool {
    std::env::var(REQUIRE).is_ok_and(|v| v == "1")
}

/// Announces that the running test skips (part of) its check because `what`
/// is missing here, and `fix` says how to get it; panics instead when skips
/// are not allowed. The caller returns after it.
pub fn skip(what: &str, fix: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    assert!(
        !required(),
        "{test}: {what} ({REQUIRE}=1 makes a skip a failure; {fix})"
    );
    let bar = "!".repeat(78);
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n{bar}\n!!! SKIPPED {test}\n!!!   {what}\n!!!   to run it: {fix}\n{bar}\n"
    );
}
