//! The first schema: sessions, models, queue jobs, training runs, the Model Drawer,
//! handcrafted templates and cached distance matrices / layouts.
//!
//! Times are Unix milliseconds (`BIGINT`) and structured values are JSON text, so the
//! same columns read identically on SQLite and PostgreSQL without date or JSON types.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key from `table.column` to `target.id`.
fn reference(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .to_owned()
}

fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    if unique {
        statement.unique();
    }
    statement.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};

        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(big_pk_auto("id"))
                    .col(text_uniq("name"))
                    .col(text("dataset"))
                    .col(text("dataset_options"))
                    .col(text("search_space"))
                    .col(big_integer("seed"))
                    .col(text("training"))
                    .col(big_integer("created_at"))
                    .col(big_integer("updated_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("models")
                    .col(big_pk_auto("id"))
                    .col(big_integer("session_id"))
                    .col(text("architecture"))
                    .col(string_len("hash", 32))
                    .col(big_integer("params"))
                    .col(string_len("origin", 16))
                    .col(big_integer_null("parent_id"))
                    .col(text("changes"))
                    .col(integer("epochs"))
                    .col(big_integer("created_at"))
                    .foreign_key(&mut reference("models", "session_id", "sessions", Cascade))
                    .foreign_key(&mut reference("models", "parent_id", "models", SetNull))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("models", &["session_id", "hash"], true))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("queue_jobs")
                    .col(big_pk_auto("id"))
                    .col(big_integer("session_id"))
                    .col(big_integer("model_id"))
                    .col(big_integer("position"))
                    .col(string_len("status", 16))
                    .col(integer("attempts"))
                    .col(text_null("claimed_by"))
                    .col(big_integer_null("heartbeat"))
                    .col(boolean("cancel_requested"))
                    .col(integer("epochs_done"))
                    .col(text("progress"))
                    .col(big_integer("created_at"))
                    .col(big_integer("updated_at"))
                    .foreign_key(&mut reference(
                        "queue_jobs",
                        "session_id",
                        "sessions",
                        Cascade,
                    ))
                    .foreign_key(&mut reference("queue_jobs", "model_id", "models", Cascade))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("queue_jobs", &["status", "position"], false))
            .await?;
        manager
            .create_index(index("queue_jobs", &["session_id"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("training_runs")
                    .col(big_pk_auto("id"))
                    .col(big_integer("model_id"))
                    .col(big_integer_null("job_id"))
                    .col(integer("attempt"))
                    .col(string_len("status", 16))
                    .col(text("epochs"))
                    .col(text_null("per_class_accuracy"))
                    .col(text_null("confusion"))
                    .col(blob_null("predictions"))
                    .col(text("device"))
                    .col(big_integer("started_at"))
                    .col(big_integer("finished_at"))
                    .col(double("train_seconds"))
                    .col(text_null("error"))
                    .col(text_null("weights_path"))
                    .foreign_key(&mut reference(
                        "training_runs",
                        "model_id",
                        "models",
                        Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "training_runs",
                        "job_id",
                        "queue_jobs",
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // One result per job attempt: a second finish of the same attempt cannot insert.
        manager
            .create_index(index("training_runs", &["job_id", "attempt"], true))
            .await?;
        manager
            .create_index(index("training_runs", &["model_id"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("drawer_entries")
                    .col(big_pk_auto("id"))
                    .col(big_integer("session_id"))
                    .col(big_integer("model_id"))
                    .col(integer("position"))
                    .foreign_key(&mut reference(
                        "drawer_entries",
                        "session_id",
                        "sessions",
                        Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "drawer_entries",
                        "model_id",
                        "models",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("drawer_entries", &["session_id", "model_id"], true))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("templates")
                    .col(big_pk_auto("id"))
                    .col(text_uniq("name"))
                    .col(text("architecture"))
                    .col(big_integer("created_at"))
                    .col(big_integer("updated_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("cached_matrices")
                    .col(big_pk_auto("id"))
                    .col(big_integer("session_id"))
                    .col(string_len("kind", 64))
                    .col(text("model_ids"))
                    .col(blob("data"))
                    .col(big_integer("updated_at"))
                    .foreign_key(&mut reference(
                        "cached_matrices",
                        "session_id",
                        "sessions",
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("cached_matrices", &["session_id", "kind"], true))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "cached_matrices",
            "templates",
            "drawer_entries",
            "training_runs",
            "queue_jobs",
            "models",
            "sessions",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
