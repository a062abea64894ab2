//! Opening a database: connection settings, integrity checks and migrations.

use std::path::{Path, PathBuf};
use std::time::Duration;

use remap_migrations::{Migrator, MigratorTrait, known_versions, seaql_migrations};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, EntityTrait,
    IntoDatabaseExecutor, TransactionTrait,
};

use crate::artifacts::ArtifactStore;
use crate::error::StoreError;
use crate::location::{Location, looks_like_sqlite};

/// How long an SQLite writer waits for another process's write before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The PostgreSQL advisory lock held while a process checks and migrates the schema, so
/// that processes starting at once on a fresh database migrate it once (`remap` in ASCII).
const MIGRATION_LOCK: i64 = 0x72_65_6d_61_70;

/// An open REMAP database and the directory of its files. Cheap to clone (a pool handle).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    location: Location,
    files_dir: PathBuf,
    pub(crate) artifacts: ArtifactStore,
}

impl Store {
    /// Opens the embedded database (`$REMAP_DATA_DIR/remap.db` or the platform default).
    pub async fn open_default() -> Result<Self, StoreError> {
        Self::open(&Location::embedded()?).await
    }

    /// Opens (creating if needed) the database at `location` and brings its schema up to date.
    pub async fn open(location: &Location) -> Result<Self, StoreError> {
        let files_dir = location.default_files_dir()?;
        Self::open_with_files(location, &files_dir).await
    }

    /// Like [`Store::open`], with `files_dir` for this machine's files: weights and
    /// checkpoints of an SQLite database, the local copies of checkpoints of a server's
    /// (which keeps its artifacts in the database).
    pub async fn open_with_files(
        location: &Location,
        files_dir: &Path,
    ) -> Result<Self, StoreError> {
        let db = match location {
            Location::Sqlite(path) => {
                // A newer app's database is refused before anything (even the journal
                // mode) is written to it.
                check_sqlite_version(path, location).await?;
                let db = connect_sqlite(path).await?;
                check_schema_version(&db, location).await?;
                Migrator::up(&db, None).await?;
                db
            }
            Location::Postgres(url) => {
                let db = connect_postgres(url, location).await?;
                migrate_postgres(&db, location).await?;
                db
            }
        };
        let artifacts = match location {
            Location::Sqlite(_) => ArtifactStore::Directory(files_dir.to_path_buf()),
            Location::Postgres(_) => ArtifactStore::Database,
        };
        Ok(Store {
            db,
            location: location.clone(),
            files_dir: files_dir.to_path_buf(),
            artifacts,
        })
    }

    /// The same database with weights and checkpoints in `artifacts` (a directory every
    /// worker mounts, or the database) instead of the location's default.
    pub fn with_artifacts(mut self, artifacts: ArtifactStore) -> Self {
        if let ArtifactStore::Directory(dir) = &artifacts {
            self.files_dir = dir.clone();
        }
        self.artifacts = artifacts;
        self
    }

    /// The database this store reads.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Where weights and checkpoints are written.
    pub fn files_dir(&self) -> &Path {
        &self.files_dir
    }

    /// The sea-orm connection, for queries this API does not offer.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Closes the pool (SQLite checkpoints its WAL).
    pub async fn close(self) -> Result<(), StoreError> {
        Ok(self.db.close().await?)
    }
}

async fn connect_sqlite(path: &Path) -> Result<DatabaseConnection, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    match looks_like_sqlite(path) {
        Ok(true) => {}
        Ok(false) => {
            return Err(corrupt(
                "the file does not start with an SQLite header".into(),
            ));
        }
        Err(source) => {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    }
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let file = path.to_path_buf();
    // The URL only picks the SQLite driver: the file name is set directly so that paths
    // with spaces or `?` (macOS "Application Support") need no URL escaping.
    let mut options = ConnectOptions::new("sqlite://remap.db");
    options
        .map_sqlx_sqlite_opts(move |opts| {
            opts.filename(&file)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(BUSY_TIMEOUT)
        })
        // One connection per process: SQLite has one writer anyway, and a single
        // connection cannot dead-lock itself upgrading a read transaction to a write.
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(BUSY_TIMEOUT * 2)
        .sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .map_err(|error| corrupt(error.to_string()))?;
    // Reading the schema touches the header and the schema pages: a damaged file fails here.
    db.execute_unprepared("SELECT count(*) FROM sqlite_master")
        .await
        .map_err(|error| corrupt(error.to_string()))?;
    Ok(db)
}

async fn connect_postgres(
    url: &str,
    location: &Location,
) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(8)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(60))
        .sqlx_logging(false);
    Database::connect(options)
        .await
        .map_err(|error| StoreError::Open {
            location: location.display(),
            detail: error.to_string(),
        })
}

/// Checks and migrates a server's schema in one transaction under [`MIGRATION_LOCK`]: a
/// second process waits, then finds the schema applied; a failed migration leaves nothing.
async fn migrate_postgres(db: &DatabaseConnection, location: &Location) -> Result<(), StoreError> {
    let transaction = db.begin().await?;
    transaction
        .execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        .await?;
    check_schema_version(&transaction, location).await?;
    Migrator::up(&transaction, None).await?;
    transaction.commit().await?;
    Ok(())
}

/// Reads an existing SQLite file's migrations through a read-only connection, which writes
/// nothing to it, and refuses one from a newer version.
async fn check_sqlite_version(path: &Path, location: &Location) -> Result<(), StoreError> {
    // A new, empty or foreign file: `connect_sqlite` creates it or says what is wrong.
    let exists = std::fs::metadata(path).is_ok_and(|meta| meta.len() > 0);
    if !exists || !looks_like_sqlite(path).unwrap_or(false) {
        return Ok(());
    }
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    let file = path.to_path_buf();
    let mut options = ConnectOptions::new("sqlite://remap.db");
    options
        .map_sqlx_sqlite_opts(move |opts| {
            opts.filename(&file)
                .read_only(true)
                .busy_timeout(BUSY_TIMEOUT)
        })
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .map_err(|error| corrupt(error.to_string()))?;
    let checked = check_schema_version(&db, location).await;
    db.close().await?;
    match checked {
        // Its schema cannot be read: a damaged file.
        Err(StoreError::Database(error)) => Err(corrupt(error.to_string())),
        other => other,
    }
}

/// Refuses a database that has migrations this build does not know, before touching it.
async fn check_schema_version<'c, C>(db: &'c C, location: &Location) -> Result<(), StoreError>
where
    C: ConnectionTrait,
    &'c C: IntoDatabaseExecutor<'c>,
{
    let manager = remap_migrations::SchemaManager::new(db);
    if !manager.has_table("seaql_migrations").await? {
        return Ok(());
    }
    let known = known_versions();
    let unknown: Vec<String> = seaql_migrations::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.version)
        .filter(|version| !known.contains(version))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(StoreError::SchemaTooNew {
            location: location.display(),
            unknown,
        })
    }
}
