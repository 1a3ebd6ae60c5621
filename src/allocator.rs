//! The options of the allocator the `minisite` binary uses (mimalloc, its `#[global_allocator]`
//! in src/main.rs), set once at start, here so that bench/search_cost.rs measures with the same.

/// mimalloc's options (mimalloc.h's `mi_option_e`; the bindings have no constants for them).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory is kept for reuse rather than handed back to the system 10 ms later, mimalloc's
/// default: the search index frees and takes again hundreds of MB, and each time the kernel
/// cleared the pages anew (bench/search_cost.rs: 200,000 page faults, 20,000 with this). As with
/// glibc's allocator before, a process keeps about its peak memory until it ends.
/// And its arenas are committed as they are used, not whole when reserved (mimalloc's default
/// on Linux): committed whole, they were backed by huge pages that the kernel zeroed and
/// compacted, 3.7–5.6 s of system time in a 10k build with search against 1.5–1.7 without it.
pub fn tune() {
    // SAFETY: sets two of mimalloc's options; any value is valid (-1: never purge; 0: no).
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
}
