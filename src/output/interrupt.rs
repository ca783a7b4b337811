//! SIGINT and SIGTERM during a build: the staging folder is removed, the
//! lock file emptied, and the process exits with 130 or 143 (128 + the signal), leaving the output
//! folder as it was.
//!
//! [`install`] blocks both signals in the calling thread before any other
//! thread exists (threads inherit the mask), and one thread waits for them
//! with `sigwait`, so the cleanup runs as ordinary code, not in a signal
//! handler. (The `ctrlc` crate, used by `serve`, cannot tell SIGINT from
//! SIGTERM, so it cannot give the two exit codes.)
//!
//! The commit (files moved into the output folder) is not interrupted: it
//! holds [`committing`], and a signal arriving during it waits for it to
//! end (a fraction of a second), then exits.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Staging folders to remove on a signal.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Lock files to empty on a signal (their pid would be stale).
static LOCKS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Held while files move into the output folder; taken for good by a signal.
static COMMIT: Mutex<()> = Mutex::new(());
/// The signal received, 0 for none.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// Makes SIGINT (unless it is ignored, as for a background job) and SIGTERM
/// end the process cleanly. Call before any thread is started.
pub fn install() -> std::io::Result<()> {
    // SAFETY: plain libc calls on a local, zero-initialised signal set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGINT, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction != libc::SIG_IGN
        {
            libc::sigaddset(&mut set, libc::SIGINT);
        }
        let err = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        if err != 0 {
            return Err(std::io::Error::from_raw_os_error(err));
        }
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || loop {
                let mut signal = 0;
                if libc::sigwait(&set, &mut signal) == 0 {
                    on_signal(signal);
                }
            })?;
    }
    Ok(())
}

/// Removes the staging folders (once no commit runs) and exits.
fn on_signal(signal: i32) -> ! {
    RECEIVED.store(signal, Ordering::SeqCst);
    // Kept until the exit: no commit starts after this.
    let commit = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
    let dirs = STAGING.lock().map(|d| d.clone()).unwrap_or_default();
    for dir in dirs {
        // Threads still rendering may add a file while it goes; try again.
        for _ in 0..20 {
            match std::fs::remove_dir_all(&dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    std::thread::sleep(std::time::Duration::from_millis(5))
                }
                _ => break,
            }
        }
    }
    for lock in LOCKS.lock().map(|l| l.clone()).unwrap_or_default() {
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .open(lock)
            .and_then(|f| f.set_len(0));
    }
    std::mem::forget(commit);
    std::process::exit(128 + signal)
}

/// Whether a signal ended the build: the thread that saw it exits the
/// process, so the caller waits for that instead of reporting an error
/// (such as the staging folder gone from under a render) or success.
pub(crate) fn wait_if_interrupted() {
    if RECEIVED.load(Ordering::SeqCst) != 0 {
        loop {
            std::thread::park();
        }
    }
}

/// Registers (`watch`) or forgets a staging folder to remove on a signal.
pub(crate) fn watch_staging(dir: &Path, watch: bool) {
    watch_path(&STAGING, dir, watch);
}

/// Registers (`watch`) or forgets a lock file to empty on a signal.
pub(crate) fn watch_lock(file: &Path, watch: bool) {
    watch_path(&LOCKS, file, watch);
}

fn watch_path(list: &Mutex<Vec<PathBuf>>, path: &Path, watch: bool) {
    if let Ok(mut paths) = list.lock() {
        paths.retain(|p| p != path);
        if watch {
            paths.push(path.to_path_buf());
        }
    }
}

/// Held while a build changes the output folder: a signal waits for it.
pub(crate) fn committing() -> MutexGuard<'static, ()> {
    COMMIT.lock().unwrap_or_else(|e| e.into_inner())
}
