//! PostgreSQL migrations under concurrency (spec §10.3): processes that start at once on a
//! fresh database migrate it once, each in one transaction under an advisory lock.

use remap_store::{Location, Store};
use sea_orm::{ConnectionTrait, Statement};

async fn count(store: &Store, sql: &str) -> i64 {
    let db = store.connection();
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stores_opening_at_once_on_a_fresh_database_migrate_it_once() {
    // Several rounds: without the lock, concurrent `CREATE TABLE`s of the first migration
    // fail one of the openers.
    for round in 0..4 {
        let Some(location) = remap_store::testing::postgres_database().await else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let openers: Vec<_> = (0..4)
            .map(|i| {
                let location: Location = location.clone();
                let files = dir.path().join(format!("files-{i}"));
                tokio::spawn(async move { Store::open_with_files(&location, &files).await })
            })
            .collect();
        let mut stores = Vec::new();
        for opener in openers {
            let store = opener
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
            stores.push(store);
        }
        let known = remap_migrations::known_versions().len() as i64;
        assert_eq!(
            count(&stores[0], "SELECT count(*) FROM seaql_migrations").await,
            known,
            "round {round}: each migration recorded once"
        );
        assert_eq!(
            count(
                &stores[0],
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'sessions'"
            )
            .await,
            1,
            "round {round}"
        );
        for store in stores {
            store.close().await.unwrap();
        }
    }
}
