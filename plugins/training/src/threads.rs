//! A run's share of the machine's cores, changeable while it trains: when other jobs end, a
//! job still training gets their cores from its next batch on (spec §9.1's parallel jobs).

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::{ThreadPool, ThreadPoolBuilder};

/// How many threads a run may use. Each batch and each evaluation runs in a rayon pool of the
/// size set last; the pool is rebuilt only when the size changes. Cheap to clone (shared).
#[derive(Clone)]
pub struct ThreadShare {
    inner: Arc<Inner>,
}

struct Inner {
    wanted: AtomicUsize,
    pool: Mutex<Option<Arc<ThreadPool>>>,
}

impl ThreadShare {
    /// A share of `threads` (at least 1).
    pub fn new(threads: usize) -> Self {
        ThreadShare {
            inner: Arc::new(Inner {
                wanted: AtomicUsize::new(threads.max(1)),
                pool: Mutex::new(None),
            }),
        }
    }

    /// The threads from the next batch on (at least 1).
    pub fn set(&self, threads: usize) {
        self.inner.wanted.store(threads.max(1), Ordering::Relaxed);
    }

    /// The threads set last.
    pub fn threads(&self) -> usize {
        self.inner.wanted.load(Ordering::Relaxed)
    }

    /// Runs `work` in a pool of the current size (rayon work inside it, burn's flex ops and
    /// our kernels, uses that pool).
    pub fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match self.pool() {
            Some(pool) => pool.install(work),
            // No pool could be started: the process's global pool does the work.
            None => work(),
        }
    }

    fn pool(&self) -> Option<Arc<ThreadPool>> {
        let wanted = self.threads();
        let mut pool = self.inner.pool.lock().expect("thread share");
        if pool
            .as_ref()
            .is_none_or(|p| p.current_num_threads() != wanted)
        {
            match ThreadPoolBuilder::new().num_threads(wanted).build() {
                Ok(built) => *pool = Some(Arc::new(built)),
                Err(error) => {
                    tracing::warn!(%error, wanted, "cannot start a thread pool");
                    *pool = None;
                }
            }
        }
        pool.clone()
    }
}

impl fmt::Debug for ThreadShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ThreadShare({})", self.threads())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_in_a_pool_of_the_size_set_last() {
        let share = ThreadShare::new(1);
        assert_eq!(share.install(rayon::current_num_threads), 1);
        let clone = share.clone();
        clone.set(3);
        assert_eq!(share.install(rayon::current_num_threads), 3);
        share.set(0);
        assert_eq!(share.threads(), 1);
        assert_eq!(share.install(rayon::current_num_threads), 1);
        assert_eq!(format!("{share:?}"), "ThreadShare(1)");
    }
}
