// SPDX-License-Identifier: GPL-2.0

//! Rate limits of log lines, one state per call site, as the kernel's
//! `pci_info_ratelimited()` keeps them.
//!
//! C: [`lib/ratelimit.c`](srctree/lib/ratelimit.c),
//! [`include/linux/ratelimit_types.h`](srctree/include/linux/ratelimit_types.h).
//!
//! C gives each call site a `static struct ratelimit_state`, initialised at
//! compile time with its spinlock unlocked.  A Rust `static` cannot hold a
//! kernel spinlock, so [`RateLimit`] runs `___ratelimit()`'s algorithm over
//! atomics instead, with the same numbers (`DEFAULT_RATELIMIT_BURST` lines
//! in each `DEFAULT_RATELIMIT_INTERVAL`) and the same try-lock: a caller
//! that finds the window being checked by another only takes what is left
//! of the burst, as C's does when its `raw_spin_trylock()` fails.  Its state
//! lives in the driver, one `static` per call site, so that a flood of one
//! line cannot hide another.

use kernel::{
    sync::atomic::{Acquire, Atomic, Relaxed, Release},
    time::{msecs_to_jiffies, Jiffies},
};

/// `DEFAULT_RATELIMIT_BURST`: lines let through in one interval.
const BURST: i32 = 10;

/// `DEFAULT_RATELIMIT_INTERVAL` (`5 * HZ`), in milliseconds.
const INTERVAL_MS: u32 = 5000;

/// The rate limit of one call site's log line, with the defaults of
/// `pci_info_ratelimited()`.  Declare one `static` per call site.
pub(crate) struct RateLimit {
    /// What the "callbacks suppressed" report names (C's `__func__`).
    name: &'static str,
    /// Taken by the caller that checks the window (C's try-locked `lock`);
    /// `begin` and `started` are only written by its holder.
    busy: Atomic<bool>,
    /// Whether `begin` holds a window's start (`RATELIMIT_INITIALIZED`).
    started: Atomic<bool>,
    /// The jiffies at which the window began.
    begin: Atomic<usize>,
    /// Lines still allowed in this window (`rs_n_left`).
    left: Atomic<i32>,
    /// Lines refused since the last report (`missed`).
    missed: Atomic<i32>,
}

/// The current time in jiffies.
fn jiffies() -> Jiffies {
    // SAFETY: `jiffies` is the kernel's tick counter, a word that the timer
    // interrupt updates and everyone else only reads; a volatile read of an
    // aligned word is atomic on every architecture Linux runs on, which is
    // how C's `READ_ONCE(jiffies)` reads it.
    unsafe { core::ptr::read_volatile(&raw const kernel::bindings::jiffies) }
}

impl RateLimit {
    /// A rate limit whose reports name `name`, not started yet.
    pub(crate) const fn new(name: &'static str) -> Self {
        Self {
            name,
            busy: Atomic::new(false),
            started: Atomic::new(false),
            begin: Atomic::new(0),
            left: Atomic::new(0),
            missed: Atomic::new(0),
        }
    }

    /// Takes one line of the burst, if any is left: `atomic_read() > 0 &&
    /// atomic_dec_return() >= 0`, so that racing callers never take more
    /// than the burst between them.
    fn take(&self) -> bool {
        self.left.load(Relaxed) > 0 && self.left.fetch_sub(1, Relaxed) > 0
    }

    /// What `__ratelimit()` decides for one line: whether it is printed,
    /// and, at the first call of a new window, how many lines the last
    /// ones held back, which C reports then ("NAME: N callbacks
    /// suppressed") and the caller reports here, where it knows the device.
    pub(crate) fn check(&self) -> Window {
        let mut suppressed = 0;
        let print = if self.busy.xchg(true, Acquire) {
            // Another caller is checking the window.
            self.started.load(Acquire) && self.take()
        } else {
            let now = jiffies();
            if !self.started.load(Relaxed) {
                self.begin.store(now, Relaxed);
                self.left.store(BURST, Relaxed);
                self.started.store(true, Release);
            }
            let end = self
                .begin
                .load(Relaxed)
                .wrapping_add(msecs_to_jiffies(INTERVAL_MS));
            // `time_is_before_jiffies(begin + interval)`: the window is over.
            if (now.wrapping_sub(end) as isize) > 0 {
                self.left.store(BURST, Relaxed);
                self.begin.store(now, Relaxed);
                suppressed = self.missed.xchg(0, Relaxed);
            }
            let print = self.take();
            self.busy.store(false, Release);
            print
        };
        if !print {
            self.missed.add(1, Relaxed);
        }
        Window { print, suppressed }
    }

    /// What the "callbacks suppressed" report names.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }
}

/// The decision of [`RateLimit::check`] for one line.
pub(crate) struct Window {
    /// The line may be printed.
    pub(crate) print: bool,
    /// Lines held back in the windows before this one, to report now (0: no
    /// report).
    pub(crate) suppressed: i32,
}
