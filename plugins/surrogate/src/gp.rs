//! Gaussian-process regression on a given covariance: the posterior at new points and the
//! log marginal likelihood with its gradient (Rasmussen & Williams 2006, Algorithm 2.1 and
//! eq. 5.9).

use nalgebra::{Cholesky, DMatrix, DVector, Dyn};

use crate::SurrogateError;
use crate::psd::factor;

/// A Gaussian process conditioned on observations `y` (zero prior mean).
#[derive(Debug, Clone)]
pub struct Posterior {
    chol: Cholesky<f64, Dyn>,
    /// (K + Σ)⁻¹ y.
    alpha: DVector<f64>,
    y: DVector<f64>,
}

impl Posterior {
    /// Conditions on `y` observed with prior covariance `signal` (projected onto the PSD cone
    /// if it is not PSD) plus independent noise of variance `noise[i]`.
    pub fn new(
        signal: &DMatrix<f64>,
        noise: &DVector<f64>,
        y: DVector<f64>,
    ) -> Result<Self, SurrogateError> {
        let chol = factor(signal, noise)?;
        let alpha = chol.solve(&y);
        Ok(Posterior { chol, alpha, y })
    }

    /// Posterior mean at a point whose prior covariances with the observations are `k_star`.
    pub fn mean(&self, k_star: &DVector<f64>) -> f64 {
        k_star.dot(&self.alpha)
    }

    /// Posterior variance at a point with prior variance `k_star_star` (never negative).
    pub fn variance(&self, k_star: &DVector<f64>, k_star_star: f64) -> f64 {
        let v = self
            .chol
            .l_dirty()
            .solve_lower_triangular(k_star)
            .expect("a Cholesky factor has a non-zero diagonal");
        (k_star_star - v.dot(&v)).max(0.0)
    }

    /// log p(y) = −½ yᵀ(K+Σ)⁻¹y − ½ log|K+Σ| − n/2 log 2π.
    pub fn log_marginal_likelihood(&self) -> f64 {
        let n = self.y.len() as f64;
        -0.5 * self.y.dot(&self.alpha)
            - 0.5 * self.chol.ln_determinant()
            - 0.5 * n * (2.0 * std::f64::consts::PI).ln()
    }

    /// W = ααᵀ − (K+Σ)⁻¹: ∂ log p(y)/∂θ = ½ Σᵢⱼ Wᵢⱼ ∂(K+Σ)ᵢⱼ/∂θ.
    pub fn gradient_weights(&self) -> DMatrix<f64> {
        &self.alpha * self.alpha.transpose() - self.chol.inverse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two observations with unit prior variance, correlation ρ and noise s²: the posterior at
    /// a third point against the closed form of a 2 × 2 inverse.
    #[test]
    fn posterior_matches_the_closed_form_on_two_points() {
        let (rho, s2) = (0.6, 0.1);
        let y = DVector::from_vec(vec![1.0, -0.5]);
        let signal = DMatrix::from_row_slice(2, 2, &[1.0, rho, rho, 1.0]);
        let noise = DVector::from_element(2, s2);
        let gp = Posterior::new(&signal, &noise, y.clone()).unwrap();

        let (a, d, b) = (1.0 + s2, 1.0 + s2, rho);
        let det = a * d - b * b;
        let inv = [[d / det, -b / det], [-b / det, a / det]];
        let k = DVector::from_vec(vec![0.8, 0.3]);
        let quad = |u: &DVector<f64>, v: &DVector<f64>| {
            (0..2)
                .map(|i| (0..2).map(|j| u[i] * inv[i][j] * v[j]).sum::<f64>())
                .sum::<f64>()
        };
        assert!((gp.mean(&k) - quad(&k, &y)).abs() < 1e-12);
        assert!((gp.variance(&k, 1.0) - (1.0 - quad(&k, &k))).abs() < 1e-12);
        let lml = -0.5 * quad(&y, &y) - 0.5 * det.ln() - (2.0 * std::f64::consts::PI).ln();
        assert!((gp.log_marginal_likelihood() - lml).abs() < 1e-12);
    }

    /// At an observed point with no noise the posterior is the observation, with no variance.
    #[test]
    fn noise_free_posterior_interpolates() {
        let signal = DMatrix::from_row_slice(2, 2, &[1.0, 0.5, 0.5, 1.0]);
        let gp = Posterior::new(
            &signal,
            &DVector::zeros(2),
            DVector::from_vec(vec![0.7, 0.2]),
        )
        .unwrap();
        let k = DVector::from_vec(vec![1.0, 0.5]);
        assert!((gp.mean(&k) - 0.7).abs() < 1e-9);
        assert!(gp.variance(&k, 1.0) < 1e-9);
    }

    /// ½ Σ W ∘ ∂K matches a finite difference of the log marginal likelihood.
    #[test]
    fn gradient_weights_give_the_likelihood_derivative() {
        let y = DVector::from_vec(vec![0.3, -1.0, 0.8]);
        let kernel = |ell: f64| {
            DMatrix::from_fn(3, 3, |i, j| {
                let r = i as f64 - j as f64;
                (-r * r / (2.0 * ell * ell)).exp()
            })
        };
        let noise = DVector::from_element(3, 0.05);
        let ell = 0.9;
        let gp = Posterior::new(&kernel(ell), &noise, y.clone()).unwrap();
        let dk = DMatrix::from_fn(3, 3, |i, j| {
            let r = i as f64 - j as f64;
            (-r * r / (2.0 * ell * ell)).exp() * r * r / ell.powi(3)
        });
        let analytic = 0.5 * gp.gradient_weights().component_mul(&dk).sum();
        let h = 1e-6;
        let lml = |e: f64| {
            Posterior::new(&kernel(e), &noise, y.clone())
                .unwrap()
                .log_marginal_likelihood()
        };
        let numeric = (lml(ell + h) - lml(ell - h)) / (2.0 * h);
        assert!((analytic - numeric).abs() < 1e-6, "{analytic} vs {numeric}");
    }
}
