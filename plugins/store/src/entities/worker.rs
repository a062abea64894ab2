//! A long-running worker (`remap worker --db`) and where it runs.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "workers")]
pub struct Model {
    /// The name it claims jobs under (`queue_jobs.claimed_by`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub host: String,
    pub device: String,
    /// `local` or `slurm`.
    pub engine: String,
    /// The engine's id of the process, e.g. Slurm's `123_4`.
    pub engine_job: Option<String>,
    /// JSON array of the session names it serves; null: every session.
    pub sessions: Option<String>,
    pub current_job: Option<i64>,
    pub started_at: i64,
    pub heartbeat: i64,
    pub stopped_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
