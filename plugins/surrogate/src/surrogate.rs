//! The surrogate itself: a Gaussian process over architectures, fitted to trained models,
//! predicting any other architecture's accuracy with its uncertainty (spec §10.1).

use std::sync::Mutex;

use nalgebra::DVector;
use remap_architecture::Architecture;
use remap_metrics::OtmannNetwork;

use crate::distances::DistanceCache;
use crate::fit::{FitOptions, maximise};
use crate::gp::Posterior;
use crate::kernel::{Hyperparameters, Inputs, LOG_BOUNDS, Point, Scales};
use crate::{Observation, Prediction, SurrogateError};

/// A Gaussian process fitted to observations, optionally also conditioned on pending
/// (queued or running) models.
#[derive(Debug)]
pub struct Surrogate {
    hyperparameters: Hyperparameters,
    log_likelihood: f64,
    scales: Scales,
    observed: Vec<Point>,
    /// Standardised accuracies of `observed`.
    y: DVector<f64>,
    y_mean: f64,
    y_std: f64,
    posterior: Posterior,
    pending: Option<Pending>,
    cache: Mutex<DistanceCache>,
}

/// The observations plus the pending models, "hallucinated" at their posterior means as in
/// NASBOT: the mean stays that of the observations; the variance shrinks near pending models.
#[derive(Debug)]
struct Pending {
    points: Vec<Point>,
    posterior: Posterior,
}

fn point(
    what: impl Fn() -> String,
    architecture: &Architecture,
    gap: f64,
) -> Result<Point, SurrogateError> {
    let params = architecture
        .params()
        .map_err(|source| SurrogateError::Architecture {
            what: what(),
            source: Box::new(source),
        })?;
    Ok(Point {
        hash: architecture.hash(),
        net: OtmannNetwork::new(architecture),
        log_params: (params.max(1) as f64).ln(),
        gap,
    })
}

fn fill(cache: &mut DistanceCache, rows: &[Point], columns: &[Point]) {
    cache.fill(&view(rows), &view(columns));
}

/// (hash, network) of each point, as [`DistanceCache::fill`] takes them.
fn view(points: &[Point]) -> Vec<(&str, &OtmannNetwork)> {
    points.iter().map(|p| (p.hash.as_str(), &p.net)).collect()
}

impl Surrogate {
    /// Fits the kernel's hyperparameters by marginal likelihood (from the defaults and
    /// `options.restarts` random starts) and conditions on the observations. `cache` holds
    /// distances already known; the ones missing are computed and kept.
    pub fn fit(
        observations: &[Observation],
        cache: DistanceCache,
        options: FitOptions,
    ) -> Result<Surrogate, SurrogateError> {
        Self::fit_from(observations, cache, Hyperparameters::default(), options)
    }

    /// Fits again to a new list of observations (typically the old ones plus new results),
    /// starting from the current hyperparameters and reusing the cached distances.
    pub fn refit(
        &self,
        observations: &[Observation],
        options: FitOptions,
    ) -> Result<Surrogate, SurrogateError> {
        Self::fit_from(
            observations,
            self.distances(),
            self.hyperparameters,
            options,
        )
    }

    /// Conditions on the observations with the given hyperparameters, without fitting them.
    pub fn with_hyperparameters(
        observations: &[Observation],
        cache: DistanceCache,
        hyperparameters: Hyperparameters,
    ) -> Result<Surrogate, SurrogateError> {
        let no_fit = FitOptions {
            restarts: 0,
            max_iterations: 0,
            ..FitOptions::default()
        };
        Self::fit_from(observations, cache, hyperparameters, no_fit)
    }

    fn fit_from(
        observations: &[Observation],
        mut cache: DistanceCache,
        start: Hyperparameters,
        options: FitOptions,
    ) -> Result<Surrogate, SurrogateError> {
        if observations.is_empty() {
            return Err(SurrogateError::NoObservations);
        }
        let mut observed = Vec::with_capacity(observations.len());
        for (index, o) in observations.iter().enumerate() {
            if !(0.0..=1.0).contains(&o.accuracy) {
                return Err(SurrogateError::Accuracy {
                    index,
                    value: o.accuracy,
                });
            }
            if let Some(f) = o.fidelity
                && (f.epochs == 0 || f.epochs > f.max_epochs)
            {
                return Err(SurrogateError::Epochs {
                    index,
                    epochs: f.epochs,
                    max_epochs: f.max_epochs,
                });
            }
            observed.push(point(
                || format!("observation {index}"),
                &o.architecture,
                o.fidelity_gap(),
            )?);
        }
        fill(&mut cache, &observed, &observed);
        let scales = Scales::of(&observed, &cache);
        let n = observations.len() as f64;
        let y_mean = observations.iter().map(|o| o.accuracy).sum::<f64>() / n;
        let var = observations
            .iter()
            .map(|o| (o.accuracy - y_mean).powi(2))
            .sum::<f64>()
            / n;
        let y_std = if var.sqrt() > 1e-6 { var.sqrt() } else { 1.0 };
        let y = DVector::from_iterator(
            observations.len(),
            observations.iter().map(|o| (o.accuracy - y_mean) / y_std),
        );
        let gaps: Vec<f64> = observed.iter().map(|p| p.gap).collect();
        let inputs = Inputs::new(&observed, &observed, &cache, &scales);
        let condition = |hp: &Hyperparameters| {
            let terms = inputs.terms(hp);
            let posterior =
                Posterior::new(&inputs.covariance(hp, &terms), &hp.noise(&gaps), y.clone());
            posterior.map(|p| (p, terms))
        };
        let hyperparameters = if options.max_iterations == 0 {
            start
        } else {
            let objective = |log: &[f64]| {
                let hp = Hyperparameters::from_log(log);
                let (posterior, terms) = condition(&hp).ok()?;
                let w = posterior.gradient_weights();
                let gradient = inputs.log_likelihood_gradient(&hp, &terms, &gaps, &w);
                Some((posterior.log_marginal_likelihood(), gradient.to_vec()))
            };
            match maximise(&objective, &LOG_BOUNDS, &start.to_log(), options) {
                Some((log, _)) => Hyperparameters::from_log(&log),
                None => start,
            }
        };
        let (posterior, _) = condition(&hyperparameters)?;
        Ok(Surrogate {
            hyperparameters,
            log_likelihood: posterior.log_marginal_likelihood(),
            scales,
            observed,
            y,
            y_mean,
            y_std,
            posterior,
            pending: None,
            cache: Mutex::new(cache),
        })
    }

    /// The same fit, also conditioned on `pending` models (queued or running jobs) as if they
    /// had reached their posterior means: predictions keep their means, and their standard
    /// deviations shrink near pending models, so expected improvement spreads the
    /// suggestions of parallel workers. Replaces any earlier pending list.
    pub fn with_pending(mut self, pending: &[Architecture]) -> Result<Surrogate, SurrogateError> {
        self.pending = None;
        if pending.is_empty() {
            return Ok(self);
        }
        let extra = pending
            .iter()
            .enumerate()
            .map(|(i, a)| point(|| format!("pending {i}"), a, 0.0))
            .collect::<Result<Vec<_>, _>>()?;
        let means = self.standardised(&extra)?.0;
        let points: Vec<Point> = self.observed.iter().cloned().chain(extra).collect();
        let cache = self.cache.get_mut().unwrap_or_else(|e| e.into_inner());
        fill(cache, &points, &points);
        let hp = &self.hyperparameters;
        let inputs = Inputs::new(&points, &points, cache, &self.scales);
        let gaps: Vec<f64> = points.iter().map(|p| p.gap).collect();
        let y = DVector::from_iterator(points.len(), self.y.iter().copied().chain(means));
        let posterior = Posterior::new(
            &inputs.covariance(hp, &inputs.terms(hp)),
            &hp.noise(&gaps),
            y,
        )?;
        self.pending = Some(Pending { points, posterior });
        Ok(self)
    }

    /// Posterior means and variances of the queries, on the standardised scale.
    fn standardised(&self, queries: &[Point]) -> Result<(Vec<f64>, Vec<f64>), SurrogateError> {
        let hp = &self.hyperparameters;
        let conditioned = self.pending.as_ref().map_or(&self.observed, |p| &p.points);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        fill(&mut cache, queries, conditioned);
        let cross = Inputs::new(queries, &self.observed, &cache, &self.scales);
        let k = cross.covariance(hp, &cross.terms(hp));
        let means = (0..queries.len())
            .map(|i| self.posterior.mean(&k.row(i).transpose()))
            .collect();
        let (k, posterior) = match &self.pending {
            None => (k, &self.posterior),
            Some(p) => {
                let cross = Inputs::new(queries, &p.points, &cache, &self.scales);
                (cross.covariance(hp, &cross.terms(hp)), &p.posterior)
            }
        };
        let variances = queries
            .iter()
            .enumerate()
            .map(|(i, q)| {
                posterior.variance(&k.row(i).transpose(), hp.prior_variance(self.scales.z(q)))
            })
            .collect();
        Ok((means, variances))
    }

    /// The predicted accuracy (mean and standard deviation, 0–1 scale) of a fully trained
    /// model of each architecture.
    pub fn predict_many(
        &self,
        architectures: &[Architecture],
    ) -> Result<Vec<Prediction>, SurrogateError> {
        let queries = architectures
            .iter()
            .enumerate()
            .map(|(i, a)| point(|| format!("query {i}"), a, 0.0))
            .collect::<Result<Vec<_>, _>>()?;
        let (means, variances) = self.standardised(&queries)?;
        Ok(means
            .into_iter()
            .zip(variances)
            .map(|(m, v)| Prediction {
                mean: self.y_mean + self.y_std * m,
                std: self.y_std * v.sqrt(),
            })
            .collect())
    }

    /// The predicted accuracy of a fully trained model of `architecture`.
    pub fn predict(&self, architecture: &Architecture) -> Result<Prediction, SurrogateError> {
        Ok(self.predict_many(std::slice::from_ref(architecture))?[0])
    }

    /// The fitted hyperparameters.
    pub fn hyperparameters(&self) -> Hyperparameters {
        self.hyperparameters
    }

    /// The log marginal likelihood of the observations (standardised) at the fit.
    pub fn log_marginal_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// How many observations it was fitted to.
    pub fn observations(&self) -> usize {
        self.observed.len()
    }

    /// Every distance computed so far, for the session to persist and pass to the next fit.
    pub fn distances(&self) -> DistanceCache {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
