//! Scale-out (spec §9.2): workers on other machines sharing one database.
//!
//! - `workers`: every long-running worker (`remap worker --db`), by the name it claims jobs
//!   under: its host, device, engine (`local`, `slurm`) and engine job id, the job it trains
//!   now and its last heartbeat (Unix ms); `stopped_at` once it exited cleanly.
//! - `artifacts`: weights and checkpoints kept in the database itself, by key, so a worker
//!   on another machine needs no shared file system; a session's go with it.
//! - `training_runs.host` and `training_runs.engine_job`: where each run trained.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("workers")
                    .col(text("id").primary_key())
                    .col(text("host"))
                    .col(text("device"))
                    .col(text("engine"))
                    .col(text_null("engine_job"))
                    .col(text_null("sessions"))
                    .col(big_integer_null("current_job"))
                    .col(big_integer("started_at"))
                    .col(big_integer("heartbeat"))
                    .col(big_integer_null("stopped_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("artifacts")
                    .col(text("key").primary_key())
                    .col(big_integer("session_id"))
                    .col(blob("bytes"))
                    .col(big_integer("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_artifacts_session_id")
                            .from("artifacts", "session_id")
                            .to("sessions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for column in ["host", "engine_job"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("training_runs")
                        .add_column(ColumnDef::new(column).text().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["engine_job", "host"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("training_runs")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("artifacts").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("workers").to_owned())
            .await
    }
}
