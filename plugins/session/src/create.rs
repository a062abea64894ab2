//! Creating a session: REMAP's preprocessing stage samples the initial models with the
//! session seed, stores them and queues them all.

use std::collections::HashSet;

use remap_architecture::Input;
use remap_sampling::{DEFAULT_MAX_PARAMS, Sampler, SearchSpace};
use remap_store::{Job, Model, NewModel, NewSession, Origin, Scheduler, Session};

use crate::around::{Around, around_models};
use crate::data::load_data;
use crate::error::SessionError;
use crate::settings::{DataOptions, TrainingSettings};

/// Initial models of a session when not told otherwise.
pub const DEFAULT_MODELS: usize = 50;

/// Draws per requested model before sampling gives up finding distinct architectures.
const DRAWS_PER_MODEL: usize = 100;

/// Everything a new session is made of.
#[derive(Clone, Debug)]
pub struct SessionSpec {
    pub name: String,
    /// A data set source: `sketches`, `quickdraw:DIR`, `cifar10:DIR`, `mnist:DIR`, `folder:DIR`.
    pub dataset: String,
    pub data: DataOptions,
    /// Seeds the sampling of the initial models and every training run.
    pub seed: u64,
    pub training: TrainingSettings,
    /// Initial models (distinct architectures).
    pub models: usize,
    pub space: SearchSpace,
    /// Sampled models have at most this many parameters.
    pub max_params: u64,
    /// The session's parameter budget (spec §9.3): its children are checked against it.
    pub budget: Option<u64>,
    /// Initial architectures to start from instead of sampling (their heads are resized to
    /// the data set's classes; duplicates are dropped).
    pub seeded: Vec<remap_architecture::Architecture>,
    /// A net to start around instead of sampling (spec §10.4): it, its ablations and
    /// variations, under the budget.
    pub around: Option<Around>,
}

impl SessionSpec {
    /// A spec with REMAP's defaults: 50 models of the `remap-2019` space, seed 0.
    pub fn new(name: impl Into<String>, dataset: impl Into<String>) -> Self {
        SessionSpec {
            name: name.into(),
            dataset: dataset.into(),
            data: DataOptions::default(),
            seed: 0,
            training: TrainingSettings::default(),
            models: DEFAULT_MODELS,
            space: SearchSpace::remap_2019(),
            max_params: DEFAULT_MAX_PARAMS,
            budget: None,
            seeded: Vec::new(),
            around: None,
        }
    }
}

/// Creates the session, samples its models and queues them in sampling order (announced to
/// the scheduler's listeners). The data set is loaded once to learn its input shape and
/// classes (and to fail early if it is missing).
pub async fn create_session(
    scheduler: &Scheduler,
    spec: &SessionSpec,
) -> Result<(Session, Vec<(Model, Job)>), SessionError> {
    let store = scheduler.store();
    if spec.training.epochs == 0 {
        return Err(SessionError::Invalid("epochs must be at least 1".into()));
    }
    if store.find_session(&spec.name).await?.is_some() {
        return Err(remap_store::StoreError::SessionExists(spec.name.clone()).into());
    }
    let (dataset, data) = (spec.dataset.clone(), spec.data.clone());
    let loaded = tokio::task::spawn_blocking(move || load_data(&dataset, &data))
        .await
        .map_err(|e| SessionError::Invalid(format!("loading the data set crashed: {e}")))??;
    let input = Input {
        height: loaded.height,
        width: loaded.width,
        channels: loaded.channels,
    };
    let classes = loaded.classes.len() as u32;
    drop(loaded);

    let architectures = if let Some(around) = &spec.around {
        around_models(around, input, classes, &spec.space, spec.budget, spec.seed)?
    } else if spec.seeded.is_empty() {
        sample_distinct(spec, input, classes)?
    } else {
        resized(&spec.seeded, input, classes)?
    };
    let session = store
        .create_session(&NewSession {
            name: spec.name.clone(),
            dataset: spec.dataset.clone(),
            dataset_options: spec.data.to_value(),
            search_space: serde_json::to_value(&spec.space)
                .map_err(|e| SessionError::Invalid(format!("search space: {e}")))?,
            seed: spec.seed,
            training: spec.training.to_value(),
            budget: spec.budget,
        })
        .await?;
    let mut queued = Vec::with_capacity(architectures.len());
    for architecture in architectures {
        let (model, _) = store
            .add_model(
                session.id,
                &NewModel {
                    architecture,
                    origin: Origin::Sampled,
                    parent_id: None,
                    changes: Vec::new(),
                    epochs: spec.training.epochs,
                },
            )
            .await?;
        let rung = spec.training.first_rung(model.epochs);
        let job = scheduler.enqueue(model.id, None, rung).await?;
        queued.push((model, job));
    }
    Ok((session, queued))
}

/// `seeded` with heads of `classes` classes, each once; an architecture that does not fit
/// the input is an error naming it.
fn resized(
    seeded: &[remap_architecture::Architecture],
    input: Input,
    classes: u32,
) -> Result<Vec<remap_architecture::Architecture>, SessionError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for arch in seeded {
        let resized = remap_architecture::Architecture::new(input, classes, arch.layers.clone())
            .with_inputs(arch.inputs.clone());
        resized.analyze().map_err(|e| {
            SessionError::Invalid(format!(
                "`{}` does not fit this data set: {e}",
                arch.summary()
            ))
        })?;
        if seen.insert(resized.hash()) {
            out.push(resized);
        }
    }
    Ok(out)
}

/// `spec.models` distinct architectures from the session's seeded sampler.
fn sample_distinct(
    spec: &SessionSpec,
    input: Input,
    classes: u32,
) -> Result<Vec<remap_architecture::Architecture>, SessionError> {
    let mut sampler = Sampler::new(spec.space.clone(), input, classes, spec.seed)
        .with_max_params(spec.max_params);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(spec.models);
    let mut draws = 0;
    while out.len() < spec.models {
        if draws >= spec.models.max(1) * DRAWS_PER_MODEL {
            return Err(SessionError::Invalid(format!(
                "found only {} distinct architectures in {draws} draws (asked for {})",
                out.len(),
                spec.models
            )));
        }
        draws += 1;
        let arch = sampler.try_sample()?;
        if seen.insert(arch.hash()) {
            out.push(arch);
        }
    }
    Ok(out)
}
