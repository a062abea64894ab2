//! The session's focus classes (spec §9.3): what the Data Selector focuses on, kept with the
//! session so that reopening it restores the focus and every worker's screening ranks by it.
//!
//! - `sessions.focus`: a JSON array of class names, in the order chosen (null: none).

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
                    .add_column(ColumnDef::new("focus").text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .drop_column("focus")
                    .to_owned(),
            )
            .await
    }
}
