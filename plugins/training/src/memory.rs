//! Memory a training run needs, estimated before anything is allocated, so that a model
//! that cannot fit is refused with the figure instead of aborting the process.

use remap_architecture::{ArchError, Architecture};

/// Bytes per stored value (f32).
const VALUE: u64 = 4;
/// Per parameter: the weight, its gradient and Adam's two moments.
const PER_PARAMETER: u64 = 4 * VALUE;
/// Per activation value and image: the forward value autodiff keeps, its gradient, and a
/// working copy (layout changes, im2col). Deliberately generous.
const PER_ACTIVATION: u64 = 3 * VALUE;

/// What training one architecture at one batch size needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryEstimate {
    pub params: u64,
    /// Weights, gradients and optimizer state.
    pub parameter_bytes: u64,
    /// Activations of one batch, forward and backward.
    pub activation_bytes: u64,
    pub batch: usize,
}

impl MemoryEstimate {
    /// Estimates `arch` trained at `batch`.
    pub fn of(arch: &Architecture, batch: usize) -> Result<Self, ArchError> {
        let analysis = arch.analyze()?;
        let values: u64 = arch.input.shape().size()
            + analysis.all().map(|layer| layer.output.size()).sum::<u64>();
        Ok(MemoryEstimate {
            params: analysis.params,
            parameter_bytes: analysis.params.saturating_mul(PER_PARAMETER),
            activation_bytes: values
                .saturating_mul(batch as u64)
                .saturating_mul(PER_ACTIVATION),
            batch,
        })
    }

    pub fn total(&self) -> u64 {
        self.parameter_bytes.saturating_add(self.activation_bytes)
    }
}

/// A model too large for this machine.
#[derive(Debug, thiserror::Error)]
#[error(
    "this model needs about {} of memory to train at batch {} ({} parameters: {} for weights, \
     gradients and Adam's moments; {} of activations), but this machine has {} available; \
     make it smaller or lower the batch size",
    bytes(.estimate.total()), .estimate.batch, count(.estimate.params),
    bytes(.estimate.parameter_bytes), bytes(.estimate.activation_bytes), bytes(*.available)
)]
pub struct MemoryError {
    pub estimate: MemoryEstimate,
    pub available: u64,
}

/// What the memory check found for a model that was not refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryCheck {
    /// The estimate fits in the memory available now.
    Fits {
        estimate: MemoryEstimate,
        available: u64,
    },
    /// The platform does not say how much memory is available (no `MemAvailable` in
    /// `/proc/meminfo`, or not Linux), so the estimate could not be checked.
    Unmeasured { estimate: MemoryEstimate },
}

/// Refuses `estimate` when it exceeds `available` (the memory available now, [`available`];
/// `None` where the platform does not say, which the outcome reports).
pub fn check(estimate: MemoryEstimate, available: Option<u64>) -> Result<MemoryCheck, MemoryError> {
    match available {
        None => Ok(MemoryCheck::Unmeasured { estimate }),
        Some(available) if estimate.total() > available => Err(MemoryError {
            estimate,
            available,
        }),
        Some(available) => Ok(MemoryCheck::Fits {
            estimate,
            available,
        }),
    }
}

/// Memory available to a new allocation now (Linux: `MemAvailable` of `/proc/meminfo`).
pub fn available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_available(&text)
}

fn parse_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// `12.3 GB`, `46.3 TB`.
pub fn bytes(n: u64) -> String {
    scaled(n as f64, &["B", "kB", "MB", "GB", "TB", "PB", "EB"])
}

/// `2.9 T`, `120 k`.
fn count(n: u64) -> String {
    if n < 1000 {
        return n.to_string();
    }
    scaled(n as f64, &["", "k", "M", "G", "T", "P", "E"])
}

fn scaled(mut value: f64, units: &[&str]) -> String {
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", units[0]).trim_end().to_string()
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use remap_architecture::{Input, Layer};

    fn arch(layers: Vec<Layer>) -> Architecture {
        Architecture::new(Input::new(28, 28, 1), 10, layers)
    }

    #[test]
    fn parameters_cost_sixteen_bytes_and_activations_scale_with_the_batch() {
        let net = arch(vec![Layer::conv(8, 3)]);
        let one = MemoryEstimate::of(&net, 1).unwrap();
        let many = MemoryEstimate::of(&net, 256).unwrap();
        assert_eq!(one.params, 8 * 9 + 8 + (26 * 26 * 8 + 1) * 10);
        assert_eq!(one.parameter_bytes, one.params * 16);
        // input 784 + conv 26·26·8 + head 10 values, 12 bytes each per image
        assert_eq!(one.activation_bytes, (784 + 26 * 26 * 8 + 10) * 12);
        assert_eq!(many.activation_bytes, one.activation_bytes * 256);
    }

    #[test]
    fn a_trillion_parameter_net_is_refused_with_its_figure() {
        let net = arch(vec![Layer::Dense {
            units: 3_700_000_000,
        }]);
        let estimate = MemoryEstimate::of(&net, 256).unwrap();
        let error = check(estimate, Some(24_000_000_000)).expect_err("cannot fit");
        let text = error.to_string();
        assert!(text.contains("TB of memory"), "{text}");
        assert!(text.contains("2.9 T parameters"), "{text}");
        assert!(text.contains("24.0 GB available"), "{text}");
    }

    #[test]
    fn a_model_is_checked_against_the_memory_available() {
        let estimate = MemoryEstimate::of(&arch(vec![Layer::conv(8, 3)]), 4).unwrap();
        let total = estimate.total();
        assert_eq!(
            check(estimate, Some(total)).unwrap(),
            MemoryCheck::Fits {
                estimate,
                available: total
            }
        );
        assert!(check(estimate, Some(total - 1)).is_err());
    }

    #[test]
    fn unknown_memory_is_reported_as_unmeasured() {
        let estimate = MemoryEstimate::of(&arch(vec![Layer::conv(8, 3)]), 4).unwrap();
        assert_eq!(
            check(estimate, None).unwrap(),
            MemoryCheck::Unmeasured { estimate }
        );
    }

    #[test]
    fn meminfo_is_read_in_bytes() {
        let text = "MemTotal: 24000000 kB\nMemFree: 1 kB\nMemAvailable:   2048 kB\n";
        assert_eq!(parse_available(text), Some(2048 * 1024));
        assert_eq!(parse_available("nothing"), None);
        assert_eq!(bytes(11_613_591_568_384), "11.6 TB");
        assert_eq!(count(999), "999");
    }
}
