//! Schema migrations of REMAP's session database, shared by SQLite and PostgreSQL.
//!
//! The store (`remap-store`) applies them when it opens a database; a database that has
//! migrations this build does not know is refused there, before anything is changed.

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

mod m20261127_000001_initial;
mod m20261201_000001_screening;
mod m20261202_000001_class_focus;
mod m20261203_000001_cluster;
mod m20261204_000001_session_focus;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_initial::Migration),
            Box::new(m20261201_000001_screening::Migration),
            Box::new(m20261202_000001_class_focus::Migration),
            Box::new(m20261203_000001_cluster::Migration),
            Box::new(m20261204_000001_session_focus::Migration),
        ]
    }
}

/// Names of the migrations this build knows, oldest first (`seaql_migrations.version`).
pub fn known_versions() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_string())
        .collect()
}

pub use sea_orm_migration::{SchemaManager, seaql_migrations};
