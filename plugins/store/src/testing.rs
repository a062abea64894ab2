//! Throw-away databases for tests, SQLite and PostgreSQL (feature `testing`, for this
//! crate's tests and those of the crates above it).
//!
//! The PostgreSQL half needs a server: `export REMAP_TEST_POSTGRES_URL=$(scripts/postgres.sh
//! start)` (what `make test` does).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{Location, Store};

pub const POSTGRES_ENV: &str = "REMAP_TEST_POSTGRES_URL";
pub const SKIP_POSTGRES_ENV: &str = "REMAP_SKIP_POSTGRES";

/// A store on a database of its own; the temporary directory lives as long as it.
pub struct TestDb {
    pub store: Store,
    pub location: Location,
    pub files: PathBuf,
    _dir: tempfile::TempDir,
}

impl TestDb {
    /// Opens the same database again (as a restarted app would).
    pub async fn reopen(&self) -> Store {
        Store::open_with_files(&self.location, &self.files)
            .await
            .expect("reopen")
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Sqlite(dir.path().join("remap.db"));
    let files = dir.path().join("remap.files");
    let store = Store::open_with_files(&location, &files)
        .await
        .expect("open SQLite");
    TestDb {
        store,
        location,
        files,
        _dir: dir,
    }
}

/// The PostgreSQL server's URL, `None` when skipping was asked for explicitly; otherwise an
/// unset URL fails the test with instructions.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var(SKIP_POSTGRES_ENV).as_deref() == Ok("1") => {
            eprintln!("SKIPPED the PostgreSQL half of this test: {SKIP_POSTGRES_ENV}=1");
            None
        }
        _ => panic!(
            "{POSTGRES_ENV} is not set. Start a throw-away server with \
             `export {POSTGRES_ENV}=$(scripts/postgres.sh start)` (from the repository root), \
             or set {SKIP_POSTGRES_ENV}=1 to skip the PostgreSQL tests explicitly"
        ),
    }
}

/// A new, empty database on the test server, so tests can run in parallel.
pub async fn postgres_database() -> Option<Location> {
    use sea_orm::ConnectionTrait;
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let url = postgres_url()?;
    let name = format!(
        "remap_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros()
    );
    let admin = sea_orm::Database::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.unwrap();
    let (server, _) = url
        .split('?')
        .next()
        .unwrap()
        .rsplit_once('/')
        .expect("URL with a database");
    Some(Location::Postgres(format!("{server}/{name}")))
}

pub async fn postgres() -> Option<TestDb> {
    let location = postgres_database().await?;
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let store = Store::open_with_files(&location, &files)
        .await
        .expect("open PostgreSQL");
    Some(TestDb {
        store,
        location,
        files,
        _dir: dir,
    })
}
