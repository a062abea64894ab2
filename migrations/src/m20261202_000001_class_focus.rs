//! Class focus and budgets (spec §9.3).
//!
//! - `sessions.budget`: the parameter budget its sampled models were drawn under and that its
//!   ablations, variations and handcrafted models are checked against (null: none; sampling
//!   then uses REMAP's default cap).
//! - `training_runs.log_probs`: each held-out image's class log-probabilities, 16 bits each
//!   (little-endian, image after image), so the focus accuracy of any set of classes can be
//!   computed afterwards (null for runs made before).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .add_column(ColumnDef::new("budget").big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("training_runs")
                    .add_column(ColumnDef::new("log_probs").blob().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("training_runs")
                    .drop_column("log_probs")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .drop_column("budget")
                    .to_owned(),
            )
            .await
    }
}
