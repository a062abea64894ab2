//! Sessions: create, find, list, update settings.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::convert::{self, to_json};
use crate::entities::session;
use crate::error::StoreError;
use crate::store::Store;
use crate::types::{NewSession, Session, SessionId, now_ms};

impl Store {
    /// Creates a session; its name must be new.
    pub async fn create_session(&self, new: &NewSession) -> Result<Session, StoreError> {
        if new.name.trim().is_empty() {
            return Err(StoreError::Invalid(
                "a session needs a non-empty name".into(),
            ));
        }
        if self.find_session(&new.name).await?.is_some() {
            return Err(StoreError::SessionExists(new.name.clone()));
        }
        let now = now_ms();
        let row = session::ActiveModel {
            name: Set(new.name.clone()),
            dataset: Set(new.dataset.clone()),
            dataset_options: Set(to_json(&new.dataset_options)),
            search_space: Set(to_json(&new.search_space)),
            seed: Set(new.seed as i64),
            training: Set(to_json(&new.training)),
            budget: Set(new.budget.map(|b| b as i64)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        convert::session(row)
    }

    /// The session called `name`, or `None`.
    pub async fn find_session(&self, name: &str) -> Result<Option<Session>, StoreError> {
        session::Entity::find()
            .filter(session::Column::Name.eq(name))
            .one(&self.db)
            .await?
            .map(convert::session)
            .transpose()
    }

    /// The session called `name`; an unknown name is an error that says so.
    pub async fn session_by_name(&self, name: &str) -> Result<Session, StoreError> {
        self.find_session(name)
            .await?
            .ok_or_else(|| StoreError::UnknownSession(name.to_string()))
    }

    /// The session with id `id`.
    pub async fn session(&self, id: SessionId) -> Result<Session, StoreError> {
        session::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(convert::session)
            .transpose()?
            .ok_or_else(|| StoreError::UnknownSession(format!("#{id}")))
    }

    /// Every session, oldest first.
    pub async fn sessions(&self) -> Result<Vec<Session>, StoreError> {
        session::Entity::find()
            .order_by_asc(session::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(convert::session)
            .collect()
    }

    /// Replaces a session's data set options, search space, training settings and budget.
    pub async fn update_session(&self, updated: &Session) -> Result<Session, StoreError> {
        let row = session::ActiveModel {
            id: Set(updated.id),
            dataset: Set(updated.dataset.clone()),
            dataset_options: Set(to_json(&updated.dataset_options)),
            search_space: Set(to_json(&updated.search_space)),
            seed: Set(updated.seed as i64),
            training: Set(to_json(&updated.training)),
            budget: Set(updated.budget.map(|b| b as i64)),
            updated_at: Set(now_ms()),
            ..Default::default()
        }
        .update(&self.db)
        .await?;
        convert::session(row)
    }

    /// Renames a session; the new name must be non-empty and not taken by another session.
    pub async fn rename_session(&self, id: SessionId, name: &str) -> Result<Session, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid(
                "a session needs a non-empty name".into(),
            ));
        }
        if let Some(other) = self.find_session(name).await?
            && other.id != id
        {
            return Err(StoreError::SessionExists(name.to_string()));
        }
        self.session(id).await?;
        let row = session::ActiveModel {
            id: Set(id),
            name: Set(name.to_string()),
            updated_at: Set(now_ms()),
            ..Default::default()
        }
        .update(&self.db)
        .await?;
        convert::session(row)
    }

    /// Keeps a session's focus classes (empty: none). The names are the caller's to check
    /// against the data set.
    pub async fn set_focus(
        &self,
        id: SessionId,
        classes: &[String],
    ) -> Result<Session, StoreError> {
        self.session(id).await?;
        let row = session::ActiveModel {
            id: Set(id),
            focus: Set((!classes.is_empty()).then(|| to_json(&classes))),
            updated_at: Set(now_ms()),
            ..Default::default()
        }
        .update(&self.db)
        .await?;
        convert::session(row)
    }

    /// Deletes a session with its models, runs, jobs, drawer and caches, and the weight
    /// files of its runs. The caller stops the session's running jobs first.
    pub async fn delete_session(&self, id: SessionId) -> Result<(), StoreError> {
        self.session(id).await?;
        // Weights in the database go with the session's rows (`artifacts` cascades).
        let weights: Vec<std::path::PathBuf> = self
            .runs(id)
            .await?
            .into_iter()
            .filter_map(|run| match run.weights {
                Some(crate::StoredWeights::File(path)) => Some(path),
                _ => None,
            })
            .collect();
        session::Entity::delete_by_id(id).exec(&self.db).await?;
        for path in weights {
            if let Err(error) = std::fs::remove_file(&path)
                && error.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(path = %path.display(), %error, "could not delete a weights file");
            }
        }
        Ok(())
    }
}
