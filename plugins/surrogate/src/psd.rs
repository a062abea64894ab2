//! Kernel matrices that may not be positive semi-definite: OTMANN is not a Hilbertian
//! distance, so NASBOT's exponentiated distances can have negative eigenvalues. They are
//! projected onto the PSD cone before the Cholesky factorisation (spec §10.1).

use nalgebra::{Cholesky, DMatrix, DVector, Dyn, SymmetricEigen};

use crate::SurrogateError;

/// Relative jitters tried, in turn, when `signal + noise` is still singular.
const JITTERS: [f64; 5] = [0.0, 1e-10, 1e-8, 1e-6, 1e-4];

/// The nearest positive semi-definite matrix in the Frobenius norm: the symmetric part's
/// eigendecomposition with the negative eigenvalues set to zero.
pub fn project_psd(matrix: &DMatrix<f64>) -> DMatrix<f64> {
    let symmetric = (matrix + matrix.transpose()) * 0.5;
    let eigen = SymmetricEigen::new(symmetric);
    let clipped = eigen.eigenvalues.map(|v| v.max(0.0));
    let vectors = &eigen.eigenvectors;
    vectors * DMatrix::from_diagonal(&clipped) * vectors.transpose()
}

/// Whether `matrix` is positive semi-definite up to rounding (a Cholesky factorisation with
/// a jitter of 1e-9 of its mean diagonal succeeds).
pub fn is_psd(matrix: &DMatrix<f64>) -> bool {
    let n = matrix.nrows().max(1);
    let tolerance = 1e-9 * (matrix.trace() / n as f64).abs().max(f64::MIN_POSITIVE);
    let mut shifted = matrix.clone();
    shifted.fill_diagonal(0.0);
    shifted.set_diagonal(&(matrix.diagonal().add_scalar(tolerance)));
    Cholesky::new(shifted).is_some()
}

/// The Cholesky factor of `signal + diag(noise)`, with `signal` projected onto the PSD cone
/// when it is not PSD, and a growing jitter when the sum is still singular.
pub fn factor(
    signal: &DMatrix<f64>,
    noise: &DVector<f64>,
) -> Result<Cholesky<f64, Dyn>, SurrogateError> {
    let projected;
    let signal = if is_psd(signal) {
        signal
    } else {
        projected = project_psd(signal);
        &projected
    };
    let n = signal.nrows().max(1);
    let scale = (signal.trace() / n as f64).abs().max(1e-12);
    for jitter in JITTERS {
        let mut covariance = signal.clone();
        for i in 0..signal.nrows() {
            covariance[(i, i)] += noise[i] + jitter * scale;
        }
        if let Some(chol) = Cholesky::new(covariance) {
            return Ok(chol);
        }
    }
    Err(SurrogateError::NotPositiveDefinite {
        jitter: JITTERS[JITTERS.len() - 1] * scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_eigenvalue_is_clipped_and_the_rest_kept() {
        // Eigenvalues 3 and −1, eigenvectors (1, 1)/√2 and (1, −1)/√2.
        let m = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 1.0]);
        assert!(!is_psd(&m));
        let p = project_psd(&m);
        let expected = DMatrix::from_row_slice(2, 2, &[1.5, 1.5, 1.5, 1.5]);
        assert!((&p - &expected).norm() < 1e-12, "{p}");
        assert!(is_psd(&p));
    }

    #[test]
    fn a_psd_matrix_is_left_alone() {
        let m = DMatrix::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 2.0]);
        assert!(is_psd(&m));
        assert!((project_psd(&m) - &m).norm() < 1e-12);
        let noise = DVector::from_element(2, 0.5);
        let chol = factor(&m, &noise).unwrap();
        let back = chol.l() * chol.l().transpose();
        let expected = DMatrix::from_row_slice(2, 2, &[2.5, 1.0, 1.0, 2.5]);
        assert!((back - expected).norm() < 1e-12);
    }

    #[test]
    fn factor_projects_a_non_psd_signal_before_adding_noise() {
        let m = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 1.0]);
        let noise = DVector::from_element(2, 0.1);
        // Without the projection m + 0.1·I has eigenvalue −0.9 and no factor.
        assert!(Cholesky::new(&m + DMatrix::identity(2, 2) * 0.1).is_none());
        let chol = factor(&m, &noise).unwrap();
        let back = chol.l() * chol.l().transpose();
        let expected = DMatrix::from_row_slice(2, 2, &[1.6, 1.5, 1.5, 1.6]);
        assert!((&back - expected).norm() < 1e-12, "{back}");
    }
}
