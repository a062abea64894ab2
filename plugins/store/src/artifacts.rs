//! Where weights and checkpoints live: files in a directory (beside an SQLite database, or
//! a directory every machine mounts), or the database itself (the default for a server), so
//! that a worker on another machine needs nothing but the database URL.
//!
//! With the database as the store, workers still train from a local copy of a job's
//! checkpoint under [`Store::files_dir`]: [`Store::restore_checkpoint`] replaces it with the
//! database's before an attempt, [`Store::save_checkpoint`] uploads it after every epoch.

use std::path::{Path, PathBuf};

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entities::artifact::{self, Column as A};
use crate::error::StoreError;
use crate::store::Store;
use crate::types::{Job, JobId, SessionId, TrainingRun, now_ms};

/// Where a store keeps weights and checkpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArtifactStore {
    /// Files under this directory (beside an SQLite file by default, or one every worker
    /// mounts, e.g. on NFS).
    Directory(PathBuf),
    /// The `artifacts` table of the database (models are a few MB at most).
    Database,
}

impl ArtifactStore {
    /// Reads `--artifacts`: `database` (or `db`), a `file://` URL or a directory path.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "database" | "db" => Ok(ArtifactStore::Database),
            "" => Err(StoreError::Invalid(
                "the artifact store is empty: name `database` or a directory".into(),
            )),
            _ => match text.strip_prefix("file://") {
                Some(path) if !path.is_empty() => Ok(ArtifactStore::Directory(path.into())),
                Some(_) => Err(StoreError::UnsupportedUrl(text.to_string())),
                None if text.contains("://") => Err(StoreError::UnsupportedUrl(text.to_string())),
                None => Ok(ArtifactStore::Directory(text.into())),
            },
        }
    }

    /// For messages: `database` or the directory.
    pub fn display(&self) -> String {
        match self {
            ArtifactStore::Directory(dir) => dir.display().to_string(),
            ArtifactStore::Database => "database".into(),
        }
    }
}

/// Where one run's weights are: a file, or an artifact's key in the database.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StoredWeights {
    File(PathBuf),
    Database(String),
}

/// How `training_runs.weights_path` marks a key of the `artifacts` table.
const DATABASE_PREFIX: &str = "artifact:";

impl StoredWeights {
    /// Reads `training_runs.weights_path`.
    pub(crate) fn from_column(text: String) -> Self {
        match text.strip_prefix(DATABASE_PREFIX) {
            Some(key) => StoredWeights::Database(key.to_string()),
            None => StoredWeights::File(text.into()),
        }
    }

    pub(crate) fn to_column(&self) -> String {
        match self {
            StoredWeights::File(path) => path.display().to_string(),
            StoredWeights::Database(key) => format!("{DATABASE_PREFIX}{key}"),
        }
    }
}

fn checkpoint_key(job_id: JobId) -> String {
    format!("checkpoints/job-{job_id}")
}

impl Store {
    /// Where this store keeps weights and checkpoints.
    pub fn artifact_store(&self) -> &ArtifactStore {
        &self.artifacts
    }

    /// Writes a finished attempt's weights (inside the caller's transaction when `db` is one).
    pub(crate) async fn put_weights(
        &self,
        db: &impl ConnectionTrait,
        job: &Job,
        bytes: &[u8],
    ) -> Result<StoredWeights, StoreError> {
        match &self.artifacts {
            ArtifactStore::Directory(_) => {
                let path = self.weights_path(job);
                crate::files::write_atomic(&path, bytes)?;
                Ok(StoredWeights::File(path))
            }
            ArtifactStore::Database => {
                let key = format!(
                    "weights/model-{}-job-{}-attempt-{}.bin",
                    job.model_id, job.id, job.attempts
                );
                put(db, &key, job.session_id, bytes.to_vec()).await?;
                Ok(StoredWeights::Database(key))
            }
        }
    }

    /// The weights of a finished run, wherever they were stored.
    pub async fn weights(&self, run: &TrainingRun) -> Result<Vec<u8>, StoreError> {
        let missing = || StoreError::Invalid(format!("run {} has no weights", run.id));
        match run.weights.as_ref().ok_or_else(missing)? {
            StoredWeights::File(path) => std::fs::read(path).map_err(|source| StoreError::Io {
                path: path.clone(),
                source,
            }),
            StoredWeights::Database(key) => self.artifact(key).await?.ok_or_else(|| {
                StoreError::Invalid(format!(
                    "the weights `{key}` of run {} are not in the database",
                    run.id
                ))
            }),
        }
    }

    /// An artifact's bytes, if it exists.
    pub async fn artifact(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(artifact::Entity::find_by_id(key.to_string())
            .one(&self.db)
            .await?
            .map(|row| row.bytes))
    }

    /// Uploads the local checkpoint of `job` (its marker file and folder) to the database;
    /// nothing to do for a directory store, whose files are the checkpoint.
    pub async fn save_checkpoint(&self, job: &Job) -> Result<(), StoreError> {
        if self.artifacts != ArtifactStore::Database {
            return Ok(());
        }
        let marker = self.checkpoint_path(job.id);
        if !marker.exists() {
            return Ok(());
        }
        let bytes = pack(&marker)?;
        put(&self.db, &checkpoint_key(job.id), job.session_id, bytes).await
    }

    /// Makes the local checkpoint of `job` the newest one: the database's (written by any
    /// worker after its last completed epoch) unless this machine's copy was written later
    /// (a worker killed between writing its checkpoint and uploading it), and none when the
    /// database has none (the job was retried, or never completed an epoch).
    pub async fn restore_checkpoint(&self, job: &Job) -> Result<(), StoreError> {
        if self.artifacts != ArtifactStore::Database {
            return Ok(());
        }
        let marker = self.checkpoint_path(job.id);
        let stored = artifact::Entity::find_by_id(checkpoint_key(job.id))
            .one(&self.db)
            .await?;
        match stored {
            None => remove_local_checkpoint(&marker),
            Some(row) if newest_write_ms(&marker).is_some_and(|local| local >= row.updated_at) => {
                tracing::info!(
                    job = job.id,
                    "this machine's checkpoint is newer than the stored one"
                );
                Ok(())
            }
            Some(row) => unpack(&row.bytes, &marker),
        }
    }

    /// Deletes a job's checkpoint, local and in the database.
    pub(crate) async fn remove_checkpoint(&self, job_id: JobId) -> Result<(), StoreError> {
        remove_local_checkpoint(&self.checkpoint_path(job_id))?;
        if self.artifacts == ArtifactStore::Database {
            artifact::Entity::delete_many()
                .filter(A::Key.eq(checkpoint_key(job_id)))
                .exec(&self.db)
                .await?;
        }
        Ok(())
    }
}

async fn put(
    db: &impl ConnectionTrait,
    key: &str,
    session_id: SessionId,
    bytes: Vec<u8>,
) -> Result<(), StoreError> {
    let row = artifact::ActiveModel {
        key: Set(key.to_string()),
        session_id: Set(session_id),
        bytes: Set(bytes),
        updated_at: Set(now_ms()),
    };
    artifact::Entity::insert(row)
        .on_conflict(
            OnConflict::column(A::Key)
                .update_columns([A::Bytes, A::UpdatedAt, A::SessionId])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The trainer's folder beside a job's checkpoint marker (`job-3.ckpt` → `job-3.ckpt.d`).
pub fn checkpoint_folder(marker: &Path) -> PathBuf {
    let mut name = marker.file_name().unwrap_or_default().to_os_string();
    name.push(".d");
    marker.with_file_name(name)
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A tar archive of the marker and its folder.
fn pack(marker: &Path) -> Result<Vec<u8>, StoreError> {
    let mut archive = tar::Builder::new(Vec::new());
    archive
        .append_path_with_name(marker, "marker")
        .map_err(io_error(marker))?;
    let folder = checkpoint_folder(marker);
    if folder.is_dir() {
        archive
            .append_dir_all("folder", &folder)
            .map_err(io_error(&folder))?;
    }
    archive.into_inner().map_err(io_error(marker))
}

/// Replaces the marker and folder with those of an archive made by [`pack`].
fn unpack(bytes: &[u8], marker: &Path) -> Result<(), StoreError> {
    let dir = marker.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let staging = tempfile_dir(dir)?;
    // `unpack` refuses entries that would leave the staging folder.
    tar::Archive::new(bytes)
        .unpack(staging.path())
        .map_err(|e| StoreError::Invalid(format!("a stored checkpoint cannot be read: {e}")))?;
    remove_local_checkpoint(marker)?;
    let folder = checkpoint_folder(marker);
    let staged = staging.path().join("folder");
    if staged.is_dir() {
        std::fs::rename(&staged, &folder).map_err(io_error(&folder))?;
    }
    let content = std::fs::read(staging.path().join("marker")).map_err(io_error(marker))?;
    crate::files::write_atomic(marker, &content)
}

/// A folder beside the checkpoints, removed when dropped.
fn tempfile_dir(dir: &Path) -> Result<Staging, StoreError> {
    let path = dir.join(format!(".unpack-{}-{}", std::process::id(), now_ms()));
    std::fs::create_dir_all(&path).map_err(io_error(&path))?;
    Ok(Staging(path))
}

struct Staging(PathBuf);

impl Staging {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// When the marker or anything in its folder was last written (Unix ms), if it exists.
fn newest_write_ms(marker: &Path) -> Option<i64> {
    fn newest(path: &Path) -> Option<std::time::SystemTime> {
        let meta = std::fs::metadata(path).ok()?;
        let own = meta.modified().ok();
        if !meta.is_dir() {
            return own;
        }
        std::fs::read_dir(path)
            .ok()?
            .filter_map(|entry| newest(&entry.ok()?.path()))
            .chain(own)
            .max()
    }
    let written =
        newest(marker)?.max(newest(&checkpoint_folder(marker)).unwrap_or(std::time::UNIX_EPOCH));
    let ms = written
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_millis();
    i64::try_from(ms).ok()
}

fn remove_local_checkpoint(marker: &Path) -> Result<(), StoreError> {
    let folder = checkpoint_folder(marker);
    match std::fs::remove_dir_all(&folder) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            return Err(io_error(&folder)(error));
        }
        _ => {}
    }
    match std::fs::remove_file(marker) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io_error(marker)(error)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_survives_packing() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("checkpoints/job-3.ckpt");
        let folder = checkpoint_folder(&marker);
        std::fs::create_dir_all(folder.join("sub")).unwrap();
        std::fs::write(&marker, "hash\n").unwrap();
        std::fs::write(folder.join("state.json"), "{\"epoch\":2}").unwrap();
        std::fs::write(folder.join("sub/model.bpk"), [0u8, 1, 2, 255]).unwrap();
        let bytes = pack(&marker).unwrap();

        let other = tempfile::tempdir().unwrap();
        let there = other.path().join("checkpoints/job-3.ckpt");
        unpack(&bytes, &there).unwrap();
        assert_eq!(std::fs::read_to_string(&there).unwrap(), "hash\n");
        let back = checkpoint_folder(&there);
        assert_eq!(
            std::fs::read_to_string(back.join("state.json")).unwrap(),
            "{\"epoch\":2}"
        );
        assert_eq!(
            std::fs::read(back.join("sub/model.bpk")).unwrap(),
            [0, 1, 2, 255]
        );

        remove_local_checkpoint(&there).unwrap();
        assert!(!there.exists() && !back.exists());
        remove_local_checkpoint(&there).unwrap();
    }

    #[test]
    fn artifact_stores_are_read_from_their_names() {
        assert_eq!(
            ArtifactStore::parse("database").unwrap(),
            ArtifactStore::Database
        );
        assert_eq!(
            ArtifactStore::parse("file:///mnt/remap").unwrap(),
            ArtifactStore::Directory("/mnt/remap".into())
        );
        assert_eq!(
            ArtifactStore::parse("shared/remap").unwrap(),
            ArtifactStore::Directory("shared/remap".into())
        );
        assert!(ArtifactStore::parse("s3://bucket").is_err());
        assert!(ArtifactStore::parse("").is_err());
        let key = StoredWeights::Database("weights/model-1.bin".into());
        assert_eq!(StoredWeights::from_column(key.to_column()), key);
        let file = StoredWeights::File("/data/w.bin".into());
        assert_eq!(StoredWeights::from_column(file.to_column()), file);
    }
}
