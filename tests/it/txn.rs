//! A build is one transaction: nothing changes before the site is read and
//! validated, a second build at once is refused, SIGINT/SIGTERM and
//! `kill -9` at any moment leave whole files, and the next build restores
//! the output exactly.

use crate::support::Site;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

const STAGING: &str = ".briefing-staging";
const REPAIRED: &str = "repaired an interrupted build";

/// Every file below `dir` with its bytes, by path.
fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The names in `dir` and the folder's mtime.
fn listing_and_mtime(dir: &Path) -> (Vec<String>, SystemTime) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    (names, std::fs::metadata(dir).unwrap().modified().unwrap())
}

/// The repository's sample site (default theme: search index, dashboard,
/// feeds) with `n` more reports in both languages.
fn big_site(n: usize) -> Site {
    let site = Site::sample();
    for i in 0..n {
        let (month, day) = (1 + i / 28 % 12, 1 + i % 28);
        let para = format!("第{i}号园区推进项目建设，新增设备{i}台，带动就业，完善配套。");
        site.write(
            &format!("content/reports/gen-{i}.zh.md"),
            format!(
                "---\ntitle: 园区报告{i}\ndate: 2024-{month:02}-{day:02}\nzone: 园区{z}\nregion: 晋城\nsummary: 第{i}号报告的摘要。\ntags: [光机电, 标签{t}]\nsource: {{publication: 科学导报, author: 王波}}\nmetrics:\n  - key: machines\n    label: 设备\n    value: {i}\n    unit: 台\n---\n## 要点\n\n{p}\n\n## 背景\n\n{p}{p}\n",
                z = i % 7,
                t = i % 5,
                p = para.repeat(6),
            ),
        );
        site.write(
            &format!("content/reports/gen-{i}.en.md"),
            format!(
                "---\ntitle: Zone report {i}\nzone: Zone {z}\nregion: Jincheng\nsummary: The summary of report {i}.\ntags: [opto-mechatronics, tag {t}]\nsource: {{publication: Science Herald, author: Wang Bo}}\nmetrics:\n  - key: machines\n    label: Machines\n---\n## Key points\n\n{p}\n\n## Background\n\n{p}\n",
                z = i % 7,
                t = i % 5,
                p = format!("Zone {i} adds {i} machines and builds roads and plants. ").repeat(8),
            ),
        );
    }
    site
}

/// Puts the site in one of two states that differ in what every page
/// shows (the title), in a report that is only in one, and in an asset, so
/// that going from one to the other rewrites, adds and removes files.
fn set_state(site: &Site, b: bool) {
    let yaml = std::fs::read_to_string(site.root.join("site.yaml")).unwrap();
    let (from, to) = ("山西开发区简报", "山西开发区简报乙");
    let yaml = yaml.replace(to, from);
    site.write("site.yaml", if b { yaml.replace(from, to) } else { yaml });
    site.write(
        "content/reports/pic.svg",
        if b {
            "<svg>b</svg>"
        } else {
            "<svg>a, longer</svg>"
        },
    );
    let only = |which: &str| format!("content/reports/only-{which}.zh.md");
    let text = std::fs::read_to_string(site.root.join("content/reports/gen-0.zh.md")).unwrap();
    let (keep, drop) = if b { ("b", "a") } else { ("a", "b") };
    let _ = std::fs::remove_file(site.root.join(only(drop)));
    site.write(&only(keep), text.replace("园区报告0", &format!("仅{keep}")));
}

/// A clean build of the site as it is into a fresh folder: its files.
fn clean_build(site: &Site, name: &str) -> BTreeMap<String, Vec<u8>> {
    let dir = site.root.parent().unwrap().join(name);
    site.build_ok(&["-o", dir.to_str().unwrap()]);
    files_of(&dir)
}

fn spawn_build(site: &Site) -> Child {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("build")
        .current_dir(&site.root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until `path` exists (a build made its staging folder).
fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A small deterministic random generator (xorshift), seeded per run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// What a killed build may leave: every file in public/ (but briefing's
/// own) whole, as one of the two builds wrote it, and every HTML page
/// ending with its stamp.
fn assert_whole(
    public: &Path,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
    at: &str,
) {
    for (path, bytes) in files_of(public) {
        if path.starts_with(STAGING) || path.starts_with(".briefing-") {
            continue;
        }
        if path.ends_with(".html") {
            let tail =
                String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(36)..]).into_owned();
            let stamped = tail.starts_with("\n<!-- briefing ") && tail.ends_with(" -->\n");
            assert!(stamped, "{at}: {path} is truncated: ends {tail:?}");
        }
        assert!(
            old.get(&path) == Some(&bytes) || new.get(&path) == Some(&bytes),
            "{at}: {path} is neither the old nor the new build's file"
        );
    }
    let manifest = std::fs::read_to_string(public.join(".briefing-manifest")).unwrap();
    assert!(manifest.starts_with("# briefing manifest 1") && manifest.ends_with('\n'));
}

/// At least 20 `kill -9`s at random moments of real builds, each going from
/// one state of the site to the other; after each, whole files only, and
/// the next build restores a clean build's files byte for byte.
#[test]
fn a_build_killed_at_any_moment_leaves_whole_files_and_the_next_build_repairs_it() {
    let site = big_site(60);
    set_state(&site, true);
    let clean_b = clean_build(&site, "clean-b");
    set_state(&site, false);
    let clean_a = clean_build(&site, "clean-a");
    site.build_ok(&[]);
    assert_eq!(files_of(&site.public()), clean_a);
    // How long a build from one state to the other takes.
    set_state(&site, true);
    let start = Instant::now();
    site.build_ok(&[]);
    let took = start.elapsed();
    assert_eq!(files_of(&site.public()), clean_b);

    let seed = std::env::var("BRIEFING_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("build {took:?}; BRIEFING_KILL_SEED={seed}");
    let mut rng = Rng(seed);
    let (mut state, mut repaired) = (true, 0);
    for kill in 0..24 {
        let next = !state;
        set_state(&site, next);
        let mut child = spawn_build(&site);
        let delay = Duration::from_micros(rng.below(took.as_micros() as u64 * 11 / 10));
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        let (old, new) = if next {
            (&clean_a, &clean_b)
        } else {
            (&clean_b, &clean_a)
        };
        let at = format!("kill {kill} after {delay:?} (seed {seed})");
        assert_whole(&site.public(), old, new, &at);
        let interrupted = site.public().join(STAGING).exists();
        let run = site.build_ok(&[]);
        assert_eq!(
            run.stdout().contains(REPAIRED),
            interrupted,
            "{at}: {}",
            run.stdout()
        );
        repaired += usize::from(interrupted);
        assert!(
            &files_of(&site.public()) == new,
            "{at}: not restored exactly"
        );
        state = next;
    }
    println!("{repaired} of 24 kills left a build to repair");
}

/// A build killed during its render leaves its staging folder; the next
/// one says it repaired an interrupted build.
#[test]
fn the_next_build_says_it_repaired_an_interrupted_build() {
    let site = big_site(40);
    site.build_ok(&[]);
    set_state(&site, true);
    let mut child = spawn_build(&site);
    wait_for(&site.public().join(STAGING));
    child.kill().unwrap();
    child.wait().unwrap();
    let run = site.build_ok(&[]);
    assert!(run.stdout().contains(REPAIRED), "{}", run.stdout());
    assert!(!site.exists(STAGING));
    assert_eq!(files_of(&site.public()), clean_build(&site, "clean"));
    assert!(!site.build_ok(&[]).stdout().contains(REPAIRED));
}

/// SIGTERM and SIGINT during a build remove its staging folder, leave
/// public/ as it was and exit with 143 and 130.
#[test]
fn sigterm_and_sigint_remove_the_staging_folder_and_leave_public_as_it_was() {
    let site = big_site(100);
    site.build_ok(&[]);
    let mut state = false;
    for (signal, code) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        // A build may finish before the signal lands (exit 0, the site
        // built): then the next one, from the other state, is tried.
        let interrupted = (0..5).any(|_| {
            state = !state;
            set_state(&site, state);
            let before = files_of(&site.public());
            let child = spawn_build(&site);
            wait_for(&site.public().join(STAGING));
            std::thread::sleep(Duration::from_millis(20));
            // SAFETY: a plain kill(2) of the child's pid.
            assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
            let out = child.wait_with_output().unwrap();
            if out.status.success() {
                return false;
            }
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(code), "signal {signal}: {stderr}");
            assert!(
                !site.exists(STAGING),
                "signal {signal}: staging folder left"
            );
            assert!(
                files_of(&site.public()) == before,
                "signal {signal}: public/ changed"
            );
            true
        });
        assert!(
            interrupted,
            "signal {signal}: five builds finished before it"
        );
    }
}

/// While a build holds the output folder's lock, another is refused
/// (exit 1) with the holder's pid, and changes nothing.
#[test]
fn a_second_build_at_once_is_refused_with_the_first_ones_pid() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let before = files_of(&site.public());
    let (_, mtime) = listing_and_mtime(&site.public());
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(site.public().join(".briefing-lock"))
        .unwrap();
    lock.try_lock().unwrap();
    std::fs::write(site.public().join(".briefing-lock"), "4242").unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1), "{}", run.stderr());
    let want = "error: refusing to build into ./public: another build (pid 4242) is writing ./public; run this build again when it has finished\n";
    assert_eq!(run.stderr(), want);
    let mut files = files_of(&site.public());
    files.insert(".briefing-lock".into(), Vec::new());
    assert!(files == before, "changed while locked");
    assert_eq!(listing_and_mtime(&site.public()).1, mtime);
    // The lock goes with the process (or file) holding it.
    drop(lock);
    site.build_ok(&[]);
}

/// Two real builds of one site at once: the second is refused while the
/// first runs, which ends with a clean build's files.
#[test]
fn two_builds_at_once_never_corrupt_public() {
    let site = big_site(100);
    site.build_ok(&[]);
    set_state(&site, true);
    let first = spawn_build(&site);
    wait_for(&site.public().join(STAGING));
    let second = site.build(&[]);
    let first_pid = first.id();
    let first = first.wait_with_output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(second.code(), Some(1), "{}", second.stderr());
    assert!(
        second
            .stderr()
            .contains(&format!("another build (pid {first_pid}) is writing")),
        "{}",
        second.stderr()
    );
    assert!(files_of(&site.public()) == clean_build(&site, "clean"));
}

/// A build that fails validation changes nothing in the output folder,
/// not even its mtime (no staging folder is made and removed), and makes
/// no output folder when there is none.
#[test]
fn a_build_that_fails_validation_touches_nothing() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    let before = files_of(&site.public());
    let listing = listing_and_mtime(&site.public());
    site.edit("content/reports/jincheng.zh.md", "value: 30", "value: 三十");
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert_eq!(listing_and_mtime(&site.public()), listing);
    assert!(files_of(&site.public()) == before);

    site.remove("public");
    assert_eq!(site.build(&[]).code(), Some(1));
    assert!(!site.public().exists());
}

/// Makes everything below `dir` readable and writable by anyone, so a build
/// run as another user (see [`build_as_nobody`]) can work there.
fn open_to_all(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o777
        } else {
            0o666
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// Runs `briefing build ARGS` in the site as a user who is not root (as
/// root, file permissions do not stop reads or writes).
fn build_as_nobody(site: &Site, args: &[&str]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_briefing"));
    cmd.arg("build").args(args).current_dir(&site.root);
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        cmd.uid(65534).gid(65534);
    }
    cmd.output().unwrap()
}

/// A copied file that cannot be read fails the build before anything in the
/// output folder changes.
#[test]
fn an_unreadable_asset_fails_the_build_before_any_change() {
    let site = Site::fixture("basic");
    site.build_ok(&[]);
    site.edit("site.yaml", "测试简报", "测试简报二");
    open_to_all(site.root.parent().unwrap());
    let asset = site.root.join("content/reports/diagram.svg");
    std::fs::set_permissions(&asset, std::fs::Permissions::from_mode(0o000)).unwrap();
    let before = files_of(&site.public());
    let listing = listing_and_mtime(&site.public());
    let out = build_as_nobody(&site, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/reports/diagram.svg: cannot be read"),
        "{stderr}"
    );
    assert_eq!(listing_and_mtime(&site.public()), listing);
    assert!(files_of(&site.public()) == before);
}

/// The staging folder is inside the output folder: an output folder that
/// is a link to an empty folder, or whose parent may not be written, works.
#[test]
fn an_output_folder_that_is_a_link_or_in_a_read_only_folder_works() {
    let site = Site::fixture("basic");
    let elsewhere = site.root.parent().unwrap().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.public()).unwrap();
    site.build_ok(&[]);
    assert!(std::fs::symlink_metadata(site.public())
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(elsewhere.join("index.html").is_file());
    let beside = listing_and_mtime(site.root.parent().unwrap()).0;
    assert_eq!(beside, ["elsewhere", "site"]);

    let locked: PathBuf = site.root.join("ro");
    std::fs::create_dir_all(locked.join("out")).unwrap();
    open_to_all(site.root.parent().unwrap());
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = build_as_nobody(&site, &["-o", "ro/out"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(locked.join("out/index.html").is_file());
    assert_eq!(listing_and_mtime(&locked).0, ["out"]);
}

/// A small file system mounted for a test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    /// A 1 MiB tmpfs at `dir`, or None where mounting is not allowed.
    fn tmpfs(dir: &Path) -> Option<Mount> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount(dir.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// An output folder that is a mount point works; when the disk fills up,
/// the build fails and leaves it as it was.
#[test]
fn a_mount_point_works_and_a_full_disk_leaves_public_as_it_was() {
    let site = Site::fixture("basic");
    let Some(_mount) = Mount::tmpfs(&site.public()) else {
        return crate::skip::skip(
            "mounting a tmpfs on public/",
            "run the tests as root, as CI does",
        );
    };
    site.build_ok(&[]);
    assert!(site.exists("index.html"));
    let before = files_of(&site.public());
    site.edit("site.yaml", "测试简报", "测试简报二");
    site.write("content/reports/big.bin", vec![7u8; 2 << 20]);
    let run = site.build(&[]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("No space left on device"),
        "{}",
        run.stderr()
    );
    assert!(!site.exists(STAGING));
    assert!(
        files_of(&site.public()) == before,
        "a full disk changed public/"
    );
}
