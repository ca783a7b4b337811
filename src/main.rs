//! The `briefing` binary: sets up the process (allocator, hash seeds) and
//! runs the command line (`briefing::cli`).

use std::process::ExitCode;

/// mimalloc: rendering and minifying allocate many small strings, and the
/// system allocator spends a large share of the build in malloc/free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, mimalloc.h
/// v2; libmimalloc-sys names only the older options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Called after each stage of a build. Each stage frees what the next does
/// not need, so the memory goes back to the system here. Rendering makes and
/// frees pages thousands of times a second, and mimalloc keeps freed memory
/// for a while so the next page reuses it: handing every freed page back at
/// once would cost more time (madvise, page faults, zeroing) than rendering
/// saves. The search index, too, frees and makes its tables' buffers as they
/// grow, and pays the same way for little less peak memory. After it,
/// freed memory goes back at once.
fn after_stage(stage: &'static str) {
    // SAFETY: `mi_collect` and `mi_option_set` take no pointers; the option
    // is a plain value that mimalloc reads when it next frees memory.
    unsafe {
        libmimalloc_sys::mi_collect(true);
        if stage == "search" {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
}

/// tera makes a hash map for each template object, and minify-html (when a
/// theme's pages are minified one by one) one for each element it parses:
/// millions in a large build.
/// ahash seeds each new map from one process-wide atomic counter, which the
/// render threads then fight over (a visible share of a build). This
/// source counts per thread instead. The maps' keys still come from ahash's
/// random per-process seeds; only the counter mixed into them moves.
struct PerThreadSeeds;

impl ahash::random_state::RandomSource for PerThreadSeeds {
    fn gen_hasher_seed(&self) -> usize {
        thread_local! {
            static NEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
        }
        NEXT.with(|next| {
            // Starts from the thread-local's own address, which differs by
            // thread, as ahash's counter starts from a static's address.
            let seed = match next.get() {
                0 => next as *const _ as usize,
                n => n,
            }
            .wrapping_add(0x9e37_79b9);
            next.set(seed);
            seed
        })
    }
}

fn main() -> ExitCode {
    // Fails only if a hash map was made before, which nothing in `main` does.
    let _ = ahash::random_state::set_random_source(PerThreadSeeds);
    briefing::cli::run(after_stage)
}
