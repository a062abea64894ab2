//! The registry of long-running workers (`remap worker --db`): who trains where, on what,
//! and whether it is still alive.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::entities::worker::{self, Column as W};
use crate::error::StoreError;
use crate::store::Store;
use crate::types::{JobId, now_ms};

/// A worker as it registers itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct WorkerInfo {
    /// The name it claims jobs under, e.g. `slurm-12_0@node3`.
    pub id: String,
    pub host: String,
    pub device: String,
    /// `local` or `slurm`.
    pub engine: String,
    /// The engine's id of the process, e.g. Slurm's `123_4`.
    pub engine_job: Option<String>,
    /// The sessions it serves; `None`: every session.
    pub sessions: Option<Vec<String>>,
    pub current_job: Option<JobId>,
    pub started_at: i64,
    /// Its last sign of life (Unix ms).
    pub heartbeat: i64,
    /// When it exited cleanly; `None` while it runs (or after it died).
    pub stopped_at: Option<i64>,
}

impl Store {
    /// Registers (or re-registers, after a restart) a worker.
    pub async fn register_worker(&self, info: &WorkerInfo) -> Result<(), StoreError> {
        let sessions = info
            .sessions
            .as_ref()
            .map(|names| serde_json::to_string(names).unwrap_or_default());
        let row = worker::ActiveModel {
            id: Set(info.id.clone()),
            host: Set(info.host.clone()),
            device: Set(info.device.clone()),
            engine: Set(info.engine.clone()),
            engine_job: Set(info.engine_job.clone()),
            sessions: Set(sessions),
            current_job: Set(info.current_job),
            started_at: Set(info.started_at),
            heartbeat: Set(info.heartbeat),
            stopped_at: Set(info.stopped_at),
        };
        worker::Entity::insert(row)
            .on_conflict(
                OnConflict::column(W::Id)
                    .update_columns([
                        W::Host,
                        W::Device,
                        W::Engine,
                        W::EngineJob,
                        W::Sessions,
                        W::CurrentJob,
                        W::StartedAt,
                        W::Heartbeat,
                        W::StoppedAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// A worker's sign of life, with the job it trains now.
    pub async fn worker_heartbeat(
        &self,
        id: &str,
        current_job: Option<JobId>,
    ) -> Result<(), StoreError> {
        worker::Entity::update_many()
            .col_expr(W::Heartbeat, now_ms().into())
            .col_expr(W::CurrentJob, current_job.into())
            .filter(W::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Marks a worker as exited cleanly.
    pub async fn worker_stopped(&self, id: &str) -> Result<(), StoreError> {
        let now = now_ms();
        worker::Entity::update_many()
            .col_expr(W::Heartbeat, now.into())
            .col_expr(W::CurrentJob, Option::<i64>::None.into())
            .col_expr(W::StoppedAt, Some(now).into())
            .filter(W::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Every registered worker, most recently started first.
    pub async fn workers(&self) -> Result<Vec<WorkerInfo>, StoreError> {
        let rows = worker::Entity::find()
            .order_by_desc(W::StartedAt)
            .order_by_asc(W::Id)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| WorkerInfo {
                sessions: row
                    .sessions
                    .as_deref()
                    .and_then(|text| serde_json::from_str(text).ok()),
                id: row.id,
                host: row.host,
                device: row.device,
                engine: row.engine,
                engine_job: row.engine_job,
                current_job: row.current_job,
                started_at: row.started_at,
                heartbeat: row.heartbeat,
                stopped_at: row.stopped_at,
            })
            .collect())
    }
}
