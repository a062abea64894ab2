//! Maximising a log marginal likelihood over bounded hyperparameters: L-BFGS (argmin) in an
//! unbounded parametrisation, log θ = lo + (hi − lo)·sigmoid(u), from several starts.

use std::cell::RefCell;

use argmin::core::{CostFunction, Error, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// What a fit may cost and where its random starts come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// Starts besides the given one, drawn uniformly inside the bounds.
    pub restarts: usize,
    /// L-BFGS iterations per start; 0 keeps the starting hyperparameters (no fit).
    pub max_iterations: u64,
    /// Seed of the random starts.
    pub seed: u64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            restarts: 4,
            max_iterations: 60,
            seed: 29,
        }
    }
}

/// A log-likelihood and its gradient in log θ, or `None` where it cannot be evaluated.
pub type Objective<'a> = dyn Fn(&[f64]) -> Option<(f64, Vec<f64>)> + Sync + 'a;

fn sigmoid(u: f64) -> f64 {
    1.0 / (1.0 + (-u).exp())
}

fn to_log(u: &[f64], bounds: &[(f64, f64)]) -> Vec<f64> {
    u.iter()
        .zip(bounds)
        .map(|(u, (lo, hi))| lo + (hi - lo) * sigmoid(*u))
        .collect()
}

fn to_unbounded(log: &[f64], bounds: &[(f64, f64)]) -> Vec<f64> {
    log.iter()
        .zip(bounds)
        .map(|(v, (lo, hi))| {
            let s = ((v - lo) / (hi - lo)).clamp(1e-6, 1.0 - 1e-6);
            (s / (1.0 - s)).ln()
        })
        .collect()
}

/// A point, its cost and the cost's gradient.
type Evaluation = (Vec<f64>, f64, Vec<f64>);

/// Negative log-likelihood over the unbounded parameters, remembering the last evaluation
/// because argmin asks for the cost and the gradient at the same point.
struct Problem<'a> {
    objective: &'a Objective<'a>,
    bounds: &'a [(f64, f64)],
    last: RefCell<Option<Evaluation>>,
}

/// Cost of a point that cannot be evaluated: worse than any real one, still finite for the
/// line search.
const UNUSABLE: f64 = 1e12;

impl Problem<'_> {
    fn evaluate(&self, u: &[f64]) -> (f64, Vec<f64>) {
        if let Some((at, cost, gradient)) = &*self.last.borrow()
            && at.as_slice() == u
        {
            return (*cost, gradient.clone());
        }
        let log = to_log(u, self.bounds);
        let (cost, gradient) = match (self.objective)(&log) {
            Some((value, g)) if value.is_finite() && g.iter().all(|x| x.is_finite()) => {
                let chain = u.iter().zip(self.bounds).zip(g).map(|((u, (lo, hi)), g)| {
                    let s = sigmoid(*u);
                    -g * (hi - lo) * s * (1.0 - s)
                });
                (-value, chain.collect())
            }
            _ => (UNUSABLE, vec![0.0; u.len()]),
        };
        *self.last.borrow_mut() = Some((u.to_vec(), cost, gradient.clone()));
        (cost, gradient)
    }
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, Error> {
        Ok(self.evaluate(u).0)
    }
}

impl Gradient for Problem<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, u: &Vec<f64>) -> Result<Vec<f64>, Error> {
        Ok(self.evaluate(u).1)
    }
}

/// The log θ inside `bounds` with the highest objective found by L-BFGS from `start` and
/// from `options.restarts` random starts (in parallel), with that objective; `None` when no start could
/// be evaluated.
pub fn maximise(
    objective: &Objective,
    bounds: &[(f64, f64)],
    start: &[f64],
    options: FitOptions,
) -> Option<(Vec<f64>, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut starts = vec![to_unbounded(start, bounds)];
    for _ in 0..options.restarts {
        let log: Vec<f64> = bounds
            .iter()
            .map(|(lo, hi)| lo + (hi - lo) * rng.random_range(0.1..0.9))
            .collect();
        starts.push(to_unbounded(&log, bounds));
    }
    // The starts are independent: run them in parallel, then keep the best.
    let ends: Vec<Option<(Vec<f64>, f64)>> = starts
        .into_par_iter()
        .map(|u0| {
            let problem = Problem {
                objective,
                bounds,
                last: RefCell::new(None),
            };
            let u = run_lbfgs(&problem, u0.clone(), options.max_iterations).unwrap_or(u0);
            let (cost, _) = problem.evaluate(&u);
            (cost < UNUSABLE).then(|| (to_log(&u, bounds), -cost))
        })
        .collect();
    ends.into_iter()
        .flatten()
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

fn run_lbfgs(problem: &Problem, u0: Vec<f64>, iterations: u64) -> Option<Vec<f64>> {
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_cost(1e-9)
        .ok()?;
    let result = Executor::new(ProblemRef(problem), solver)
        .configure(|state| state.param(u0).max_iters(iterations))
        .run()
        .ok()?;
    result.state().get_best_param().cloned()
}

/// argmin takes its problem by value.
struct ProblemRef<'a, 'b>(&'a Problem<'b>);

impl CostFunction for ProblemRef<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, Error> {
        self.0.cost(u)
    }
}

impl Gradient for ProblemRef<'_, '_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, u: &Vec<f64>) -> Result<Vec<f64>, Error> {
        self.0.gradient(u)
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::{DMatrix, DVector};

    use super::*;
    use crate::gp::Posterior;

    /// Standard normal draws by Box–Muller.
    fn normals(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let (u, v): (f64, f64) = (rng.random_range(1e-12..1.0), rng.random());
                (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
            })
            .collect()
    }

    /// Data drawn from a squared-exponential GP with length scale 0.3 on [0, 3]: the fitted
    /// length scale comes back near 0.3, not at either bound.
    #[test]
    fn marginal_likelihood_recovers_a_known_length_scale() {
        let n = 60;
        let x: Vec<f64> = (0..n).map(|i| 3.0 * i as f64 / (n - 1) as f64).collect();
        let kernel = |ell: f64| {
            DMatrix::from_fn(n, n, |i, j| {
                (-(x[i] - x[j]).powi(2) / (2.0 * ell * ell)).exp()
            })
        };
        let noise = 0.01;
        let truth = kernel(0.3) + DMatrix::identity(n, n) * (noise + 1e-9);
        let l = truth.cholesky().unwrap().l();
        let y = l * DVector::from_vec(normals(n, 7));

        // θ = (log ℓ, log σₙ²).
        let objective = |log: &[f64]| {
            let ell = log[0].exp();
            let k = kernel(ell);
            let noise_var = log[1].exp();
            let gp = Posterior::new(&k, &DVector::from_element(n, noise_var), y.clone()).ok()?;
            let w = gp.gradient_weights();
            let dk = DMatrix::from_fn(n, n, |i, j| {
                let r2 = (x[i] - x[j]).powi(2);
                k[(i, j)] * r2 / (ell * ell)
            });
            let g_ell = 0.5 * w.component_mul(&dk).sum();
            let g_noise = 0.5 * noise_var * w.trace();
            Some((gp.log_marginal_likelihood(), vec![g_ell, g_noise]))
        };
        let bounds = [(-4.0, 2.0), (-9.0, 0.0)];
        let (log, _) = maximise(&objective, &bounds, &[1.0, -1.0], FitOptions::default()).unwrap();
        let ell = log[0].exp();
        assert!((0.2..0.45).contains(&ell), "fitted length scale {ell}");
        assert!(log[1].exp() < 0.05, "fitted noise {}", log[1].exp());
    }

    #[test]
    fn the_bounds_hold_and_the_maximum_is_found() {
        // log-likelihood −(v − 5)²: the maximum 5 lies outside [−1, 1], so the fit ends near 1.
        let objective = |log: &[f64]| Some((-(log[0] - 5.0).powi(2), vec![-2.0 * (log[0] - 5.0)]));
        let (log, _) = maximise(&objective, &[(-1.0, 1.0)], &[0.0], FitOptions::default()).unwrap();
        assert!(log[0] <= 1.0 && log[0] > 0.99, "{}", log[0]);
        let objective = |log: &[f64]| Some((-(log[0] - 0.3).powi(2), vec![-2.0 * (log[0] - 0.3)]));
        let (log, _) = maximise(&objective, &[(-1.0, 1.0)], &[0.0], FitOptions::default()).unwrap();
        assert!((log[0] - 0.3).abs() < 1e-4, "{}", log[0]);
    }
}
