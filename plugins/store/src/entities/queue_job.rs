//! A job of the training queue.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "queue_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: i64,
    pub model_id: i64,
    pub position: i64,
    /// `queued`, `running`, `done`, `failed`, `cancelled`, `diverged` or `screened`.
    pub status: String,
    pub attempts: i32,
    pub claimed_by: Option<String>,
    pub heartbeat: Option<i64>,
    pub cancel_requested: bool,
    pub epochs_done: i32,
    /// JSON array of the epochs completed so far.
    pub progress: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Epochs of the screening rung this job trains to; null: the protocol's end, unscreened.
    pub rung: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
