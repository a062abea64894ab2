//! Databases written by earlier versions open with today's code (spec §10.3).
//!
//! `tests/fixtures/schema-K.db` is an SQLite session database as REMAP wrote it when it
//! had its first K migrations: schema 1 is the first released one, each later one added
//! stored data (screening rungs; budgets and class probabilities; workers and where runs
//! trained; focus classes). They are regenerated, only when a migration is added, by
//!
//! ```text
//! cargo test -p remap-store --test old_databases -- --ignored write_fixtures
//! ```
//!
//! which applies the first K migrations with the real migrator and writes one session's
//! rows (models, a finished run, a queued and an interrupted job, the drawer, a template, a
//! cached matrix) with SQL in the columns that schema had. Committed files are never
//! rewritten for an old schema: they are what an old version left on a user's disk.

use std::path::{Path, PathBuf};

use remap_architecture::Architecture;
use remap_migrations::{Migrator, MigratorTrait, known_versions};
use remap_store::{JobStatus, Location, Origin, Store, StoreError, StoredWeights};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

/// The nets of the fixture session: a sampled one, its ablation, a handcrafted one.
const SAMPLED: &str = r#"{"input":{"height":28,"width":28,"channels":1},"classes":3,"layers":[{"type":"conv2d","filters":4,"kernel":5,"stride":2},{"type":"activation","function":"relu"},{"type":"maxpool2d","size":2}]}"#;
const ABLATED: &str = r#"{"input":{"height":28,"width":28,"channels":1},"classes":3,"layers":[{"type":"conv2d","filters":4,"kernel":5,"stride":2},{"type":"maxpool2d","size":2}]}"#;
const HANDCRAFTED: &str = r#"{"input":{"height":28,"width":28,"channels":1},"classes":3,"layers":[{"type":"conv2d","filters":8,"kernel":3,"stride":1},{"type":"activation","function":"tanh"},{"type":"dropout","rate":0.25}]}"#;

/// The session columns as the first release's session layer wrote them.
const DATASET_OPTIONS: &str = r#"{"classes":["circle","square","triangle"],"limit":null,"held_out_share":0.2,"normalize":true,"seed":7,"per_class":40,"image_size":32}"#;
const TRAINING: &str = r#"{"epochs":2,"batch":16,"device":"cpu"}"#;
const SEARCH_SPACE: &str = r#"{"name":"remap-2019","grids":{"conv2d":{"kernel":[1,3,5],"filters":[16,32,64,128],"stride":[1]},"dense":{"units":[16,64,128,256]},"activation":{"function":["tanh","relu","sigmoid"]},"dropout":{"rate":[0.125,0.25,0.375,0.5,0.625,0.75,0.875]},"maxpool2d":{"size":[5,3,2],"stride":[2]},"avgpool2d":{"size":[5,3,2],"stride":[2]}},"pre_dense":{"start":["conv2d","conv2d","conv2d","conv2d","conv2d","conv2d","dense","avgpool2d","maxpool2d","dropout","activation","end"],"conv2d":["activation","activation","activation","conv2d","dropout","avgpool2d","dense","end"],"activation":["avgpool2d","conv2d","conv2d","conv2d","dense","dropout","end"],"dropout":["avgpool2d","conv2d","conv2d","dense","end"],"avgpool2d":["conv2d","conv2d","dense","dropout","avgpool2d","activation","end"],"maxpool2d":["conv2d","conv2d","dense","dropout","avgpool2d","activation","end"]},"post_dense":{"dense":["activation","activation","activation","dropout","dense","end"],"activation":["dense","dropout","end"],"dropout":["dense","end"]}}"#;
const EPOCHS: &str = r#"[{"epoch":1,"train_loss":1.05,"train_accuracy":0.44,"val_loss":0.98,"val_accuracy":0.5,"seconds":0.25},{"epoch":2,"train_loss":0.81,"train_accuracy":0.63,"val_loss":0.77,"val_accuracy":0.625,"seconds":0.5}]"#;

/// Schema K's migrations are the first K of today's.
fn schemas() -> usize {
    known_versions().len()
}

fn fixture(schema: usize) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/schema-{schema}.db"))
}

/// A copy of a fixture in a temporary directory (opening migrates the copy).
fn copy_of(schema: usize) -> (tempfile::TempDir, Location, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("remap.db");
    let source = fixture(schema);
    std::fs::copy(&source, &path).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let files = dir.path().join("remap.files");
    (dir, Location::Sqlite(path), files)
}

#[tokio::test]
async fn every_earlier_schema_opens_with_its_session() {
    for schema in 1..=schemas() {
        let (_dir, location, files) = copy_of(schema);
        let store = Store::open_with_files(&location, &files)
            .await
            .unwrap_or_else(|e| panic!("schema {schema}: {e}"));
        let what = format!("schema {schema}");

        let sessions = store.sessions().await.unwrap();
        assert_eq!(sessions.len(), 1, "{what}");
        let session = store.session_by_name("sketches").await.unwrap();
        assert_eq!(session.dataset, "sketches", "{what}");
        assert_eq!(session.seed, u64::MAX - 6, "{what}: seed bits kept");
        assert_eq!(session.training["epochs"], 2, "{what}");
        assert_eq!(session.dataset_options["per_class"], 40, "{what}");
        assert_eq!(session.search_space["name"], "remap-2019", "{what}");
        let budget = (schema >= 3).then_some(50_000);
        assert_eq!(session.budget, budget, "{what}");
        let focus: Vec<String> = if schema >= 5 {
            vec!["circle".into(), "square".into()]
        } else {
            Vec::new()
        };
        assert_eq!(session.focus, focus, "{what}");

        let models = store.models(session.id).await.unwrap();
        let origins: Vec<Origin> = models.iter().map(|m| m.origin).collect();
        assert_eq!(
            origins,
            [Origin::Sampled, Origin::Ablation, Origin::Handcrafted],
            "{what}"
        );
        for (model, json) in models.iter().zip([SAMPLED, ABLATED, HANDCRAFTED]) {
            let net = Architecture::from_json(json).unwrap();
            assert_eq!(model.architecture, net, "{what}");
            assert_eq!(model.hash, net.hash(), "{what}");
            assert_eq!(model.params, net.params().unwrap(), "{what}");
        }
        assert_eq!(models[1].parent_id, Some(models[0].id), "{what}");
        assert_eq!(
            models[1].changes,
            ["removed layer 2 (activation)"],
            "{what}"
        );

        let jobs = store.jobs(session.id).await.unwrap();
        let statuses: Vec<JobStatus> = jobs.iter().map(|job| job.status).collect();
        assert_eq!(
            statuses,
            [JobStatus::Done, JobStatus::Queued, JobStatus::Running],
            "{what}"
        );
        assert_eq!(jobs[0].progress.len(), 2, "{what}");
        assert_eq!(
            jobs[2].claimed_by.as_deref(),
            Some("local-4711@lab-pc"),
            "{what}"
        );
        assert_eq!(jobs[1].rung, (schema >= 2).then_some(1), "{what}");

        let runs = store.runs(session.id).await.unwrap();
        assert_eq!(runs.len(), 1, "{what}");
        let run = &runs[0];
        assert_eq!(
            (run.model_id, run.job_id),
            (models[0].id, Some(jobs[0].id)),
            "{what}"
        );
        assert_eq!(run.epochs.len(), 2, "{what}");
        assert_eq!(run.epochs[1].val_accuracy, 0.625, "{what}");
        assert_eq!(
            run.per_class_accuracy.as_deref(),
            Some(&[Some(0.5), Some(0.75), Some(0.625)][..]),
            "{what}"
        );
        assert_eq!(run.confusion.as_ref().map(Vec::len), Some(3), "{what}");
        assert_eq!(
            run.predictions.as_deref(),
            Some(&[0, 1, 2, 1][..]),
            "{what}"
        );
        assert_eq!(run.log_probs.is_some(), schema >= 3, "{what}");
        let host = (schema >= 4).then(|| "node3".to_string());
        assert_eq!(run.host, host, "{what}");
        assert_eq!(
            run.weights,
            Some(StoredWeights::File("weights/1.safetensors".into())),
            "{what}"
        );

        let drawer = store.drawer(session.id).await.unwrap();
        assert_eq!(drawer, [models[2].id, models[0].id], "{what}");
        let templates = store.templates().await.unwrap();
        assert_eq!(templates.len(), 1, "{what}");
        assert_eq!(templates[0].name, "small conv", "{what}");
        let cached = store.cached(session.id, "otmann").await.unwrap().unwrap();
        assert_eq!(cached.data.len(), 24, "{what}");
        let workers = store.workers().await.unwrap();
        assert_eq!(workers.len(), usize::from(schema >= 4), "{what}");

        // Now at today's schema: it takes new work like any database.
        let versions = store.connection();
        let count = versions
            .query_one_raw(sea_orm::Statement::from_string(
                versions.get_database_backend(),
                "SELECT count(*) FROM seaql_migrations",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        assert_eq!(count as usize, schemas(), "{what}");
        store.add_to_drawer(models[1].id).await.unwrap();
        store.close().await.unwrap();
    }
}

#[tokio::test]
async fn a_database_of_a_newer_version_is_refused_and_not_written() {
    let (dir, location, files) = copy_of(schemas());
    let Location::Sqlite(path) = &location else {
        unreachable!()
    };
    {
        let db = connect_rollback(path).await;
        db.execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) \
             VALUES ('m20991231_000001_future', 0)",
        )
        .await
        .unwrap();
        db.close().await.unwrap();
    }
    let before = std::fs::read(path).unwrap();
    let listing = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let files_before = listing(dir.path());

    let error = Store::open_with_files(&location, &files).await.unwrap_err();
    assert!(
        matches!(&error, StoreError::SchemaTooNew { unknown, .. } if unknown == &["m20991231_000001_future"]),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("newer REMAP") && message.contains("nothing was changed"),
        "{message}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(
        std::fs::read(path).unwrap() == before,
        "the file's bytes changed"
    );
    assert_eq!(
        listing(dir.path()),
        files_before,
        "no journal, no files beside it"
    );
}

/// A connection that writes the file in rollback-journal mode, so it stays one file.
async fn connect_rollback(path: &Path) -> DatabaseConnection {
    let file = path.to_path_buf();
    let mut options = ConnectOptions::new("sqlite://remap.db");
    options
        .map_sqlx_sqlite_opts(move |opts| {
            opts.filename(&file)
                .create_if_missing(true)
                .page_size(1024)
                .journal_mode(SqliteJournalMode::Delete)
                .foreign_keys(true)
        })
        .max_connections(1)
        .sqlx_logging(false);
    Database::connect(options).await.unwrap()
}

/// Writes `tests/fixtures/schema-K.db` for every K (see the module's documentation).
#[tokio::test]
#[ignore = "writes the committed fixtures; run by hand when a migration is added"]
async fn write_fixtures() {
    for schema in 1..=schemas() {
        let path = fixture(schema);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        let db = connect_rollback(&path).await;
        Migrator::up(&db, Some(schema as u32)).await.unwrap();
        for statement in rows(schema) {
            db.execute_unprepared(&statement)
                .await
                .unwrap_or_else(|e| panic!("schema {schema}: {statement}: {e}"));
        }
        db.execute_unprepared("VACUUM").await.unwrap();
        db.close().await.unwrap();
        eprintln!("wrote {}", path.display());
    }
}

/// One session's rows in the columns schema `schema` has.
fn rows(schema: usize) -> Vec<String> {
    let t = 1_764_000_000_000_i64;
    let quote = |text: &str| format!("'{}'", text.replace('\'', "''"));
    let (budget, focus) = (schema >= 3, schema >= 5);
    let mut session_columns = String::from(
        "id, name, dataset, dataset_options, search_space, seed, training, created_at, updated_at",
    );
    // The seed's bits as the i64 PostgreSQL can keep: u64::MAX - 6.
    let mut session_values = format!(
        "1, 'sketches', 'sketches', {}, {}, -7, {}, {t}, {}",
        quote(DATASET_OPTIONS),
        quote(SEARCH_SPACE),
        quote(TRAINING),
        t + 9_000
    );
    if budget {
        session_columns.push_str(", budget");
        session_values.push_str(", 50000");
    }
    if focus {
        session_columns.push_str(", focus");
        session_values.push_str(r#", '["circle","square"]'"#);
    }
    let mut statements = vec![format!(
        "INSERT INTO sessions ({session_columns}) VALUES ({session_values})"
    )];
    let models = [
        (1, SAMPLED, "sampled", "NULL", "[]"),
        (
            2,
            ABLATED,
            "ablation",
            "1",
            r#"["removed layer 2 (activation)"]"#,
        ),
        (3, HANDCRAFTED, "handcrafted", "NULL", "[]"),
    ];
    for (id, json, origin, parent, changes) in models {
        let net = Architecture::from_json(json).unwrap();
        statements.push(format!(
            "INSERT INTO models (id, session_id, architecture, hash, params, origin, parent_id, \
             changes, epochs, created_at) VALUES ({id}, 1, {}, '{}', {}, '{origin}', {parent}, \
             {}, 2, {})",
            quote(json),
            net.hash(),
            net.params().unwrap(),
            quote(changes),
            t + id
        ));
    }
    let progress = quote(EPOCHS);
    let jobs = [
        (
            1,
            1,
            "done",
            1,
            "NULL",
            "NULL",
            2,
            progress.as_str(),
            "NULL",
        ),
        (2, 2, "queued", 0, "NULL", "NULL", 0, "'[]'", "1"),
        (
            3,
            3,
            "running",
            1,
            "'local-4711@lab-pc'",
            "1764000005000",
            0,
            "'[]'",
            "NULL",
        ),
    ];
    for (id, model, status, attempts, claimed, heartbeat, done, progress, rung) in jobs {
        let (rung_column, rung_value) = if schema >= 2 {
            (", rung", format!(", {rung}"))
        } else {
            ("", String::new())
        };
        statements.push(format!(
            "INSERT INTO queue_jobs (id, session_id, model_id, position, status, attempts, \
             claimed_by, heartbeat, cancel_requested, epochs_done, progress, created_at, \
             updated_at{rung_column}) VALUES ({id}, 1, {model}, {id}, '{status}', {attempts}, \
             {claimed}, {heartbeat}, false, {done}, {progress}, {t}, {}{rung_value})",
            t + 5_000
        ));
    }
    let mut run_columns = String::from(
        "id, model_id, job_id, attempt, status, epochs, per_class_accuracy, confusion, \
         predictions, device, started_at, finished_at, train_seconds, error, weights_path",
    );
    let mut run_values = format!(
        "1, 1, 1, 1, 'done', {progress}, '[0.5,0.75,0.625]', '[[2,1,1],[0,3,1],[1,0,3]]', \
         X'00010201', 'cpu (4 threads)', {t}, {}, 0.75, NULL, 'weights/1.safetensors'",
        t + 750
    );
    if schema >= 3 {
        run_columns.push_str(", log_probs");
        run_values.push_str(", X'00bc00bc00bc00bc00bc00bc'");
    }
    if schema >= 4 {
        run_columns.push_str(", host, engine_job");
        run_values.push_str(", 'node3', '12_0'");
    }
    statements.push(format!(
        "INSERT INTO training_runs ({run_columns}) VALUES ({run_values})"
    ));
    statements.push(
        "INSERT INTO drawer_entries (id, session_id, model_id, position) VALUES (1, 1, 3, 0), \
         (2, 1, 1, 1)"
            .into(),
    );
    statements.push(format!(
        "INSERT INTO templates (id, name, architecture, created_at, updated_at) VALUES \
         (1, 'small conv', {}, {t}, {t})",
        quote(HANDCRAFTED)
    ));
    statements.push(format!(
        "INSERT INTO cached_matrices (id, session_id, kind, model_ids, data, updated_at) VALUES \
         (1, 1, 'otmann', '[1,2,3]', X'{}', {t})",
        "00".repeat(24)
    ));
    if schema >= 4 {
        statements.push(format!(
            "INSERT INTO workers (id, host, device, engine, engine_job, sessions, current_job, \
             started_at, heartbeat, stopped_at) VALUES ('slurm-12_0@node3', 'node3', 'cpu', \
             'slurm', '12_0', NULL, NULL, {t}, {}, {})",
            t + 800,
            t + 800
        ));
    }
    statements
}
