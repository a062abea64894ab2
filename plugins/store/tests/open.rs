//! Opening databases: defaults, damaged files, newer schemas.

mod common;

use common::TestDb;
use remap_store::{Location, Store, StoreError};
use sea_orm::ConnectionTrait;

on_both_databases!(newer_schema_is_refused_and_left_alone);

async fn newer_schema_is_refused_and_left_alone(db: TestDb) {
    common::session_with_models(&db.store, "kept", 1, 1).await;
    db.store
        .connection()
        .execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_future', 0)")
        .await
        .unwrap();
    db.store.clone().close().await.unwrap();

    let error = Store::open_with_files(&db.location, &db.files)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::SchemaTooNew { unknown, .. } if unknown == &["m20991231_000001_future"]),
        "{error:?}"
    );
    assert!(error.to_string().contains("newer REMAP"), "{error}");

    // Still there and still newer: nothing was migrated or removed. Read without migrating.
    let raw = match &db.location {
        Location::Sqlite(path) => {
            sea_orm::Database::connect(format!("sqlite://{}", path.display()))
                .await
                .unwrap()
        }
        Location::Postgres(url) => sea_orm::Database::connect(url).await.unwrap(),
    };
    let count = |sql: &'static str| {
        let raw = &raw;
        async move {
            let row = raw
                .query_one_raw(sea_orm::Statement::from_string(
                    raw.get_database_backend(),
                    sql,
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        }
    };
    // This build's migrations and the newer one, untouched.
    let known = remap_migrations::known_versions().len() as i64;
    assert_eq!(
        count("SELECT count(*) FROM seaql_migrations").await,
        known + 1
    );
    assert_eq!(count("SELECT count(*) FROM sessions").await, 1);
    assert_eq!(count("SELECT count(*) FROM models").await, 1);
}

#[tokio::test]
async fn a_damaged_file_is_named_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("remap.db");
    let garbage =
        b"these bytes were never an SQLite database, but they are someone's file".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    let error = Store::open(&Location::Sqlite(path.clone()))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::Corrupt { path: named, .. } if named == &path),
        "{error:?}"
    );
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        garbage,
        "the file is untouched"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        [std::ffi::OsString::from("remap.db")],
        "no WAL, no files directory created"
    );
}

#[tokio::test]
async fn a_truncated_database_is_reported_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("remap.db");
    let store = Store::open(&Location::Sqlite(path.clone())).await.unwrap();
    common::session_with_models(&store, "s", 3, 1).await;
    store.close().await.unwrap();
    // A valid header followed by nonsense: the schema pages are garbage.
    let mut bytes = std::fs::read(&path).unwrap();
    for byte in bytes.iter_mut().skip(100) {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let error = Store::open(&Location::Sqlite(path.clone()))
        .await
        .unwrap_err();
    assert!(matches!(&error, StoreError::Corrupt { .. }), "{error:?}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file is untouched"
    );
}

#[tokio::test]
async fn sqlite_uses_wal_and_foreign_keys() {
    let db = common::sqlite().await;
    let connection = db.store.connection();
    let pragma = |sql: &'static str| async move {
        let row = connection
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Sqlite,
                sql,
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<String>(0)
            .or_else(|_| row.try_get_by_index::<i64>(0).map(|v| v.to_string()))
            .unwrap()
    };
    assert_eq!(pragma("PRAGMA journal_mode").await, "wal");
    assert_eq!(pragma("PRAGMA foreign_keys").await, "1");
    assert_eq!(pragma("PRAGMA busy_timeout").await, "30000");
    // A model of a session that does not exist violates a foreign key.
    let orphan = connection
        .execute_unprepared(
            "INSERT INTO models (session_id, architecture, hash, params, origin, changes, epochs, created_at) \
             VALUES (424242, '{}', 'x', 0, 'sampled', '[]', 1, 0)",
        )
        .await;
    assert!(orphan.is_err(), "foreign keys are enforced");
}

#[tokio::test]
async fn paths_with_spaces_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Application Support/remap?/remap.db");
    let store = Store::open(&Location::Sqlite(path.clone())).await.unwrap();
    store
        .create_session(&common::new_session("x"))
        .await
        .unwrap();
    store.close().await.unwrap();
    assert!(path.exists());
    assert_eq!(
        Location::Sqlite(path.clone()).default_files_dir().unwrap(),
        path.with_extension("files")
    );
}
