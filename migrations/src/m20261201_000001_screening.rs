//! Screening by successive halving (spec §9.1): the epochs of the rung a job trains to.
//!
//! `queue_jobs.rung` is null for a job that trains to the protocol's end without screening;
//! otherwise the job pauses after that many epochs (status `screened`) unless it is the top
//! rung, and stays in its session's screening cohort.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("queue_jobs")
                    .add_column(ColumnDef::new("rung").integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("queue_jobs")
                    .drop_column("rung")
                    .to_owned(),
            )
            .await
    }
}
