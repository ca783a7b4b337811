//! Times the search index of a real site, as `briefing build` makes it
//! (`search::site::output_files`), and reports how much it raises peak memory.
//!
//! ```text
//! cargo run --release --example index_bench -- SITE_ROOT [RUNS] [OUT_DIR]
//! ```
//!
//! The site is read and loaded first; the peak-memory figure is the rise of
//! VmHWM over the first index build (later builds reuse memory the allocator
//! has kept, so only the first says what a build costs). RUNS builds (default
//! 5) are timed, median wall and CPU time reported. As in a build, each file's
//! bytes are dropped once it is made (a build writes it out then). With
//! OUT_DIR the files of the first build are written there (and its time
//! includes the writing), e.g. to compare two versions with `diff -r`.

use briefing::model::urls::UrlStyle;
use briefing::output::{OutputData, OutputFile};
use briefing::pipeline::{peak_memory_kib, read_setup, BuildOptions};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

mod support;
use support::cpu_ms;

/// The allocator of the `briefing` binary, so the figures match a build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(
        args.first()
            .expect("usage: index_bench SITE_ROOT [RUNS] [OUT_DIR]"),
    );
    let runs: usize = args
        .get(1)
        .map_or(5, |r| r.parse().expect("RUNS is a number"));
    let opts = BuildOptions::new(root);
    let setup = read_setup(&opts).expect("site setup");
    let sources =
        briefing::load::sources::read_sources(&root.join("content"), root).expect("content read");
    let (content, _) = briefing::load::content::load(
        &sources,
        &setup.config,
        &setup.units,
        UrlStyle::Online,
        false,
    );
    drop(sources);
    // Like a build, each file is settled (written out, with OUT_DIR) as it
    // is made and its bytes dropped, so the peak is the index's working memory.
    let out = args.get(2).map(Path::new);
    let bytes = AtomicUsize::new(0);
    let settle = |write: bool| {
        let bytes = &bytes;
        move |mut f: OutputFile| {
            if let Some(b) = f.as_bytes() {
                bytes.fetch_add(b.len(), Ordering::Relaxed);
                if let Some(out) = out.filter(|_| write) {
                    write_file(&out.join(&f.path), b);
                }
                f.data = OutputData::Staged;
            }
            Ok(f)
        }
    };
    let index = |write: bool| {
        briefing::emit::search::site::output_files(
            &content,
            &setup.config,
            &setup.units,
            UrlStyle::Online,
            None,
            &settle(write),
        )
        .expect("an index whose files are written or dropped")
        .0
    };

    let before = peak_kib();
    let (start, cpu_start) = (Instant::now(), cpu_ms());
    let files = index(true);
    let first_ms = start.elapsed().as_secs_f64() * 1000.0;
    let first_cpu = cpu_ms() - cpu_start;
    let after = peak_kib();
    println!(
        "{} reports: {} files, {:.1} MiB; first build {first_ms:.0} ms (CPU {first_cpu:.0} ms), peak RSS {:.1} -> {:.1} MiB (+{:.1} MiB)",
        content.reports.len(),
        files.len(),
        mib(bytes.load(Ordering::Relaxed)),
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after - before) as f64 / 1024.0,
    );
    drop(files);

    let (mut times, mut cpu): (Vec<f64>, Vec<f64>) = (0..runs)
        .map(|_| {
            let (start, cpu_start) = (Instant::now(), cpu_ms());
            drop(index(false));
            (start.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu_start)
        })
        .unzip();
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    if let (Some(min), Some(max)) = (times.first(), times.last()) {
        println!(
            "output_files on {} threads: median {:.0} ms (min {min:.0}, max {max:.0}), CPU time median {:.0} ms, over {runs} runs",
            rayon::current_num_threads(),
            times[times.len() / 2],
            cpu[cpu.len() / 2],
        );
    }
}

fn write_file(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

fn mib(n: usize) -> f64 {
    n as f64 / (1024.0 * 1024.0)
}

fn peak_kib() -> u64 {
    peak_memory_kib().expect("VmHWM in /proc/self/status")
}
