//! How this machine trains: jobs at once, threads per job, and the device and batch size
//! that override a session's own (the app's Settings dialog, `remap session run --jobs`).

use remap_training::DeviceChoice;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::runner::TrainOverrides;

/// Most threads one job's pool gets when jobs are chosen automatically: beyond this a
/// second job gains more than a wider pool (the small nets REMAP trains do not scale).
pub const MAX_AUTO_THREADS: usize = 4;

/// The machine's training settings, as `ui.json` keeps them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct MachineSettings {
    /// Jobs trained at once; `None` is automatic (see [`Parallelism::of`]).
    #[ts(optional = nullable)]
    pub jobs: Option<usize>,
    /// Overrides every session's device; `None` keeps each session's.
    #[ts(optional, type = "\"auto\" | \"cpu\" | \"gpu\" | null")]
    pub device: Option<DeviceChoice>,
    /// Overrides every session's batch size; `None` keeps each session's (REMAP's by default).
    #[ts(optional = nullable)]
    pub batch: Option<usize>,
}

impl MachineSettings {
    pub fn overrides(&self) -> TrainOverrides {
        TrainOverrides {
            device: self.device,
            batch: self.batch,
        }
    }

    /// Jobs and threads on a machine of `cores`.
    pub fn parallelism(&self, cores: usize) -> Parallelism {
        match self.jobs {
            Some(jobs) => Parallelism::with_jobs(jobs, cores),
            None => Parallelism::of(cores),
        }
    }

    /// Checks what a user typed.
    pub fn validate(&self) -> Result<(), String> {
        if self.jobs == Some(0) {
            return Err("jobs at once must be at least 1".into());
        }
        if self.batch == Some(0) {
            return Err("the batch size must be at least 1".into());
        }
        Ok(())
    }
}

/// Jobs trained at once and the threads of each job's pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Parallelism {
    pub jobs: usize,
    pub threads: usize,
}

impl Parallelism {
    /// Automatic: a quarter of the cores per job (1 to [`MAX_AUTO_THREADS`]), as many jobs
    /// as fill the cores — 2 cores: 2 jobs × 1 thread; 8: 4 × 2; 16: 4 × 4.
    pub fn of(cores: usize) -> Self {
        let cores = cores.max(1);
        let threads = (cores / 4).clamp(1, MAX_AUTO_THREADS);
        Parallelism {
            jobs: (cores / threads).max(1),
            threads,
        }
    }

    /// `jobs` at once, sharing the cores.
    pub fn with_jobs(jobs: usize, cores: usize) -> Self {
        let jobs = jobs.max(1);
        Parallelism {
            jobs,
            threads: (cores / jobs).max(1),
        }
    }
}

/// Cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_parallelism_fills_the_cores() {
        assert_eq!(
            Parallelism::of(1),
            Parallelism {
                jobs: 1,
                threads: 1
            }
        );
        assert_eq!(
            Parallelism::of(2),
            Parallelism {
                jobs: 2,
                threads: 1
            }
        );
        assert_eq!(
            Parallelism::of(8),
            Parallelism {
                jobs: 4,
                threads: 2
            }
        );
        assert_eq!(
            Parallelism::of(16),
            Parallelism {
                jobs: 4,
                threads: 4
            }
        );
        assert_eq!(
            Parallelism::of(64),
            Parallelism {
                jobs: 16,
                threads: 4
            }
        );
    }

    #[test]
    fn chosen_jobs_share_the_cores() {
        assert_eq!(
            Parallelism::with_jobs(1, 2),
            Parallelism {
                jobs: 1,
                threads: 2
            }
        );
        assert_eq!(
            Parallelism::with_jobs(4, 2),
            Parallelism {
                jobs: 4,
                threads: 1
            }
        );
        let settings = MachineSettings {
            jobs: Some(0),
            ..MachineSettings::default()
        };
        assert!(settings.validate().is_err());
    }
}
