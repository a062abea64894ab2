//! The result of one training attempt of a model.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "training_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub model_id: i64,
    pub job_id: Option<i64>,
    pub attempt: i32,
    pub status: String,
    /// JSON array of per-epoch metrics.
    pub epochs: String,
    pub per_class_accuracy: Option<String>,
    pub confusion: Option<String>,
    /// One predicted label per held-out image, in the data set's fixed order.
    pub predictions: Option<Vec<u8>>,
    /// Class log-probabilities of every held-out image, 16 bits each (spec §9.3).
    pub log_probs: Option<Vec<u8>>,
    pub device: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub train_seconds: f64,
    pub error: Option<String>,
    pub weights_path: Option<String>,
    /// The machine the run trained on.
    pub host: Option<String>,
    /// The engine's id of the worker that trained it (e.g. Slurm's `123_4`).
    pub engine_job: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
