//! Everything that can go wrong in the store, saying what and where.

use std::path::PathBuf;

use crate::types::JobStatus;

/// An error of the store or the queue.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error(
        "{path} is not a readable REMAP database ({detail}); nothing was changed or deleted — move it away or pass another --db"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error("database {location} was written by a newer REMAP (unknown schema migrations: {}); update REMAP — nothing was changed", unknown.join(", "))]
    SchemaTooNew {
        location: String,
        unknown: Vec<String>,
    },
    #[error("cannot open database {location}: {detail}")]
    Open { location: String, detail: String },
    #[error(
        "unsupported database `{0}`: give a file path, sqlite://PATH or postgres://USER@HOST:PORT/DB"
    )]
    UnsupportedUrl(String),
    #[error("no application data directory on this platform; set REMAP_DATA_DIR")]
    NoDataDir,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("unknown session `{0}` (see `remap session list`)")]
    UnknownSession(String),
    #[error("session `{0}` already exists")]
    SessionExists(String),
    #[error("unknown model id {0}")]
    UnknownModel(i64),
    #[error("unknown job id {0}")]
    UnknownJob(i64),
    #[error("unknown template `{0}`")]
    UnknownTemplate(String),
    #[error("model {model} belongs to session {actual}, not session {expected}")]
    WrongSession {
        model: i64,
        expected: i64,
        actual: i64,
    },
    #[error("job {id} is {status}: cannot {action} it")]
    JobState {
        id: i64,
        status: JobStatus,
        action: &'static str,
    },
    #[error("model {id}: {source}")]
    Architecture {
        id: i64,
        source: remap_architecture::ArchError,
    },
    #[error("architecture: {0}")]
    InvalidArchitecture(#[from] remap_architecture::ArchError),
    #[error("stored {column} of row {id} in {table}: {detail}")]
    BadRow {
        table: &'static str,
        column: &'static str,
        id: i64,
        detail: String,
    },
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    /// Whether the database could not be reached (server down or restarting, connection
    /// dropped, pool exhausted): the operation may succeed when tried again.
    pub fn is_unreachable(&self) -> bool {
        use sea_orm::{DbErr, RuntimeErr, sqlx};
        let StoreError::Database(error) = self else {
            return false;
        };
        match error {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
            DbErr::Exec(RuntimeErr::SqlxError(error))
            | DbErr::Query(RuntimeErr::SqlxError(error)) => {
                match &**error {
                    sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::WorkerCrashed
                    | sqlx::Error::Protocol(_) => true,
                    // Class 08 (connection exception) and 57P (operator intervention: the
                    // server shuts down, restarts or is starting).
                    sqlx::Error::Database(error) => error
                        .code()
                        .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
                    _ => false,
                }
            }
            _ => false,
        }
    }
}
