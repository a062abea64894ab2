//! NASBOT's kernel over architectures (spec §10.1) with REMAP's size terms and a fidelity
//! term for partially trained models:
//!
//! k(a, b) = α₁·exp(−Σᵢ βᵢ dᵢ) + α₂·exp(−Σᵢ β̄ᵢ d̄ᵢ²) + α₃·exp(−(zₐ − z_b)²/2ℓ²)
//!         + σₘ²·h(zₐ)·h(z_b) + σ_b²·gₐ·g_b
//!
//! with dᵢ and d̄ᵢ the plain and normalised OTMANN distances at NASBOT's structural
//! coefficients, z the standardised log(parameters), h(z) = (1, z, z²) — a quadratic mean in
//! log(parameters) with a Gaussian prior on its coefficients, integrated out — and g the
//! share of training a model missed. An observation's noise is σₙ² + σ_f²·g²: a shorter
//! training says less about the fully trained model, and σ_b²·g·g' lets the GP learn how much
//! screening lowers accuracy on average. Predictions are made at g = 0 (full training).

use nalgebra::{DMatrix, DVector};
use remap_metrics::OtmannNetwork;
use serde::{Deserialize, Serialize};

use crate::distances::{COEFFICIENTS, DistanceCache};

const C: usize = COEFFICIENTS.len();

/// The kernel's hyperparameters, on the scale of the standardised accuracies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hyperparameters {
    /// α₁, the weight of the plain-distance term.
    pub plain_amplitude: f64,
    /// βᵢ, per structural coefficient, over distances divided by their mean over the
    /// observed pairs.
    pub plain_rates: [f64; C],
    /// α₂, the weight of the normalised-distance term.
    pub normalized_amplitude: f64,
    /// β̄ᵢ, per structural coefficient, over squared normalised distances.
    pub normalized_rates: [f64; C],
    /// α₃, the weight of the squared-exponential term in log(parameters).
    pub size_amplitude: f64,
    /// ℓ, its length scale in standard deviations of log(parameters).
    pub size_length_scale: f64,
    /// σₘ², the prior variance of the quadratic mean's coefficients.
    pub mean_prior: f64,
    /// σₙ², the noise of a fully trained observation.
    pub noise: f64,
    /// σ_b², the prior variance of the accuracy lost per share of training missed.
    pub fidelity_bias: f64,
    /// σ_f², the extra noise of an observation that missed all of its training.
    pub fidelity_noise: f64,
}

/// How many hyperparameters there are.
pub const HYPERPARAMETERS: usize = 8 + 2 * C;

/// Bounds of each hyperparameter's natural logarithm, in the order of
/// [`Hyperparameters::to_log`].
pub const LOG_BOUNDS: [(f64, f64); HYPERPARAMETERS] = {
    let amplitude = (-6.9, 2.3); // 0.001 … 10
    let plain_rate = (-6.9, 4.6); // 0.001 … 100
    let normalized_rate = (-4.6, 9.2); // 0.01 … 10,000
    [
        amplitude,
        amplitude,
        amplitude,
        (-3.0, 3.0), // ℓ: 0.05 … 20
        (-9.2, 2.3), // σₘ²: 0.0001 … 10
        (-9.2, 0.0), // σₙ²: 0.0001 … 1
        (-9.2, 2.3), // σ_b²
        (-9.2, 2.3), // σ_f²
        plain_rate,
        plain_rate,
        plain_rate,
        plain_rate,
        normalized_rate,
        normalized_rate,
        normalized_rate,
        normalized_rate,
    ]
};

impl Default for Hyperparameters {
    /// A neutral start: each term explains a share of the variance, each exponent is about 1
    /// at a typical distance.
    fn default() -> Self {
        Hyperparameters {
            plain_amplitude: 0.3,
            plain_rates: [0.25; C],
            normalized_amplitude: 0.3,
            normalized_rates: [5.0; C],
            size_amplitude: 0.3,
            size_length_scale: 1.0,
            mean_prior: 0.1,
            noise: 0.05,
            fidelity_bias: 0.5,
            fidelity_noise: 0.5,
        }
    }
}

impl Hyperparameters {
    /// Natural logarithms: α₁, α₂, α₃, ℓ, σₘ², σₙ², σ_b², σ_f², β₁…₄, β̄₁…₄.
    pub fn to_log(&self) -> [f64; HYPERPARAMETERS] {
        let mut v = [0.0; HYPERPARAMETERS];
        let head = [
            self.plain_amplitude,
            self.normalized_amplitude,
            self.size_amplitude,
            self.size_length_scale,
            self.mean_prior,
            self.noise,
            self.fidelity_bias,
            self.fidelity_noise,
        ];
        for (i, x) in head
            .into_iter()
            .chain(self.plain_rates)
            .chain(self.normalized_rates)
            .enumerate()
        {
            v[i] = x.ln();
        }
        v
    }

    /// The inverse of [`to_log`](Self::to_log), each value clamped into its bounds.
    pub fn from_log(log: &[f64]) -> Self {
        let x: Vec<f64> = log
            .iter()
            .zip(LOG_BOUNDS)
            .map(|(v, (lo, hi))| v.clamp(lo, hi).exp())
            .collect();
        let rates = |start: usize| std::array::from_fn(|i| x[start + i]);
        Hyperparameters {
            plain_amplitude: x[0],
            normalized_amplitude: x[1],
            size_amplitude: x[2],
            size_length_scale: x[3],
            mean_prior: x[4],
            noise: x[5],
            fidelity_bias: x[6],
            fidelity_noise: x[7],
            plain_rates: rates(8),
            normalized_rates: rates(8 + C),
        }
    }

    /// The prior variance of a fully trained model's accuracy (standardised).
    pub(crate) fn prior_variance(&self, z: f64) -> f64 {
        let h = basis(z);
        self.plain_amplitude
            + self.normalized_amplitude
            + self.size_amplitude
            + self.mean_prior * h.iter().map(|x| x * x).sum::<f64>()
    }

    /// Each observation's noise variance, σₙ² + σ_f²·g².
    pub(crate) fn noise(&self, gaps: &[f64]) -> DVector<f64> {
        DVector::from_iterator(
            gaps.len(),
            gaps.iter()
                .map(|g| self.noise + self.fidelity_noise * g * g),
        )
    }
}

/// The quadratic mean's basis in standardised log(parameters).
fn basis(z: f64) -> [f64; 3] {
    [1.0, z, z * z]
}

/// An architecture as the kernel sees it.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    pub hash: String,
    pub net: OtmannNetwork,
    pub log_params: f64,
    /// Share of training missed (0 for a fully trained model or a query).
    pub gap: f64,
}

/// Scalings fixed from the observations at fit time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scales {
    /// Mean plain distance over observed pairs, per coefficient.
    pub plain: [f64; C],
    pub log_params_mean: f64,
    pub log_params_std: f64,
}

impl Scales {
    pub fn of(points: &[Point], cache: &DistanceCache) -> Scales {
        let n = points.len();
        let mut plain = [0.0; C];
        let mut pairs = 0usize;
        for i in 0..n {
            for j in i + 1..n {
                let d = cache.get(&points[i].hash, &points[j].hash).expect("filled");
                for (s, v) in plain.iter_mut().zip(d.plain) {
                    *s += v;
                }
                pairs += 1;
            }
        }
        let plain = plain.map(|s| if s > 0.0 { s / pairs as f64 } else { 1.0 });
        let mean = points.iter().map(|p| p.log_params).sum::<f64>() / n as f64;
        let var = points
            .iter()
            .map(|p| (p.log_params - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        Scales {
            plain,
            log_params_mean: mean,
            log_params_std: if var.sqrt() > 1e-6 { var.sqrt() } else { 1.0 },
        }
    }

    pub fn z(&self, point: &Point) -> f64 {
        (point.log_params - self.log_params_mean) / self.log_params_std
    }
}

/// The kernel's inputs between a list of rows and a list of columns.
pub(crate) struct Inputs {
    plain: [DMatrix<f64>; C],
    normalized_sq: [DMatrix<f64>; C],
    size_sq: DMatrix<f64>,
    basis: DMatrix<f64>,
    gaps: DMatrix<f64>,
}

/// The three exponentiated terms, kept for the gradient.
pub(crate) struct Terms {
    plain: DMatrix<f64>,
    normalized: DMatrix<f64>,
    size: DMatrix<f64>,
}

impl Inputs {
    /// Reads the distances (all pairs must be in `cache`) and the size and fidelity features.
    pub fn new(rows: &[Point], columns: &[Point], cache: &DistanceCache, scales: &Scales) -> Self {
        let (n, m) = (rows.len(), columns.len());
        let mut plain: [DMatrix<f64>; C] = std::array::from_fn(|_| DMatrix::zeros(n, m));
        let mut normalized_sq: [DMatrix<f64>; C] = std::array::from_fn(|_| DMatrix::zeros(n, m));
        for (i, a) in rows.iter().enumerate() {
            for (j, b) in columns.iter().enumerate() {
                let d = cache
                    .get(&a.hash, &b.hash)
                    .expect("distances are filled before use");
                for c in 0..C {
                    plain[c][(i, j)] = d.plain[c] / scales.plain[c];
                    normalized_sq[c][(i, j)] = d.normalized[c] * d.normalized[c];
                }
            }
        }
        let za: Vec<f64> = rows.iter().map(|p| scales.z(p)).collect();
        let zb: Vec<f64> = columns.iter().map(|p| scales.z(p)).collect();
        Inputs {
            plain,
            normalized_sq,
            size_sq: DMatrix::from_fn(n, m, |i, j| (za[i] - zb[j]).powi(2)),
            basis: DMatrix::from_fn(n, m, |i, j| {
                basis(za[i])
                    .iter()
                    .zip(basis(zb[j]))
                    .map(|(x, y)| x * y)
                    .sum()
            }),
            gaps: DMatrix::from_fn(n, m, |i, j| rows[i].gap * columns[j].gap),
        }
    }

    /// The exponentiated terms at `hp`.
    pub fn terms(&self, hp: &Hyperparameters) -> Terms {
        let exponent = |inputs: &[DMatrix<f64>; C], rates: &[f64; C]| {
            let mut sum = &inputs[0] * rates[0];
            for c in 1..C {
                sum += &inputs[c] * rates[c];
            }
            sum
        };
        let ell2 = hp.size_length_scale * hp.size_length_scale;
        Terms {
            plain: exponent(&self.plain, &hp.plain_rates).map(|e| hp.plain_amplitude * (-e).exp()),
            normalized: exponent(&self.normalized_sq, &hp.normalized_rates)
                .map(|e| hp.normalized_amplitude * (-e).exp()),
            size: self
                .size_sq
                .map(|r2| hp.size_amplitude * (-r2 / (2.0 * ell2)).exp()),
        }
    }

    /// The prior covariance of rows with columns, without observation noise.
    pub fn covariance(&self, hp: &Hyperparameters, terms: &Terms) -> DMatrix<f64> {
        &terms.plain
            + &terms.normalized
            + &terms.size
            + &self.basis * hp.mean_prior
            + &self.gaps * hp.fidelity_bias
    }

    /// ∂ log p(y)/∂ log θ for every hyperparameter, in [`Hyperparameters::to_log`]'s order,
    /// given the posterior's gradient weights W (rows and columns are the observations).
    pub fn log_likelihood_gradient(
        &self,
        hp: &Hyperparameters,
        terms: &Terms,
        gaps: &[f64],
        w: &DMatrix<f64>,
    ) -> [f64; HYPERPARAMETERS] {
        let dot = |m: &DMatrix<f64>| 0.5 * w.component_mul(m).sum();
        let wd = |m: &DMatrix<f64>| w.component_mul(m);
        let w_plain = wd(&terms.plain);
        let w_normalized = wd(&terms.normalized);
        let w_size = wd(&terms.size);
        let diag_w = w.diagonal();
        let ell2 = hp.size_length_scale * hp.size_length_scale;
        let mut g = [0.0; HYPERPARAMETERS];
        g[0] = 0.5 * w_plain.sum();
        g[1] = 0.5 * w_normalized.sum();
        g[2] = 0.5 * w_size.sum();
        g[3] = 0.5 * w_size.component_mul(&self.size_sq).sum() / ell2;
        g[4] = hp.mean_prior * dot(&self.basis);
        g[5] = 0.5 * hp.noise * diag_w.sum();
        g[6] = hp.fidelity_bias * dot(&self.gaps);
        g[7] = 0.5
            * hp.fidelity_noise
            * diag_w
                .iter()
                .zip(gaps)
                .map(|(d, gap)| d * gap * gap)
                .sum::<f64>();
        for c in 0..C {
            g[8 + c] = -0.5 * hp.plain_rates[c] * w_plain.component_mul(&self.plain[c]).sum();
            g[8 + C + c] = -0.5
                * hp.normalized_rates[c]
                * w_normalized.component_mul(&self.normalized_sq[c]).sum();
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use remap_architecture::Input;
    use remap_sampling::{Sampler, SearchSpace};

    use super::*;
    use crate::gp::Posterior;
    use crate::psd::is_psd;

    /// The analytic gradient of the log marginal likelihood against central differences, for
    /// every hyperparameter, on sampled nets with some partially trained.
    #[test]
    fn likelihood_gradient_matches_finite_differences() {
        let archs =
            Sampler::new(SearchSpace::remap_2019(), Input::new(28, 28, 1), 10, 5).sample_many(10);
        let points: Vec<Point> = archs
            .iter()
            .enumerate()
            .map(|(i, a)| Point {
                hash: a.hash(),
                net: OtmannNetwork::new(a),
                log_params: (a.params().unwrap() as f64).ln(),
                gap: if i % 3 == 0 { 0.6 } else { 0.0 },
            })
            .collect();
        let mut cache = DistanceCache::new();
        let view: Vec<(&str, &OtmannNetwork)> =
            points.iter().map(|p| (p.hash.as_str(), &p.net)).collect();
        cache.fill(&view, &view);
        let scales = Scales::of(&points, &cache);
        let inputs = Inputs::new(&points, &points, &cache, &scales);
        let gaps: Vec<f64> = points.iter().map(|p| p.gap).collect();
        let y = DVector::from_fn(points.len(), |i, _| ((i * 7 % 5) as f64 - 2.0) / 2.0);
        let hp = Hyperparameters {
            noise: 0.1,
            ..Hyperparameters::default()
        };
        let lml = |log: &[f64]| {
            let hp = Hyperparameters::from_log(log);
            let terms = inputs.terms(&hp);
            let signal = inputs.covariance(&hp, &terms);
            assert!(is_psd(&signal), "the check needs a PSD kernel");
            Posterior::new(&signal, &hp.noise(&gaps), y.clone()).unwrap()
        };
        let log = hp.to_log();
        let posterior = lml(&log);
        let analytic = inputs.log_likelihood_gradient(
            &hp,
            &inputs.terms(&hp),
            &gaps,
            &posterior.gradient_weights(),
        );
        for (k, a) in analytic.iter().enumerate() {
            let h = 1e-5;
            let (mut up, mut down) = (log, log);
            up[k] += h;
            down[k] -= h;
            let numeric = (lml(&up).log_marginal_likelihood()
                - lml(&down).log_marginal_likelihood())
                / (2.0 * h);
            assert!(
                (a - numeric).abs() < 1e-5 * (1.0 + numeric.abs()),
                "θ{k}: {a} vs {numeric}"
            );
        }
    }
}
