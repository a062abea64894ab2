//! Models of a session: architecture, hash, parameters, origin and lineage.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::convert::{self, to_json};
use crate::entities::model;
use crate::error::StoreError;
use crate::store::Store;
use crate::types::{Model, ModelId, NewModel, SessionId, now_ms};

impl Store {
    /// Adds a model to a session. Its hash is unique in the session: adding an architecture
    /// the session already has returns the existing model and `false`.
    pub async fn add_model(
        &self,
        session_id: SessionId,
        new: &NewModel,
    ) -> Result<(Model, bool), StoreError> {
        self.session(session_id).await?;
        let params = new.architecture.params()?;
        let hash = new.architecture.hash();
        if let Some(existing) = self.model_by_hash(session_id, &hash).await? {
            return Ok((existing, false));
        }
        if let Some(parent) = new.parent_id {
            let parent = self.model(parent).await?;
            if parent.session_id != session_id {
                return Err(StoreError::WrongSession {
                    model: parent.id,
                    expected: session_id,
                    actual: parent.session_id,
                });
            }
        }
        let row = model::ActiveModel {
            session_id: Set(session_id),
            architecture: Set(new.architecture.canonical_json()),
            hash: Set(hash),
            params: Set(params as i64),
            origin: Set(new.origin.name().to_string()),
            parent_id: Set(new.parent_id),
            changes: Set(to_json(&new.changes)),
            epochs: Set(new.epochs as i32),
            created_at: Set(now_ms()),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok((convert::model(row)?, true))
    }

    /// The model with id `id`.
    pub async fn model(&self, id: ModelId) -> Result<Model, StoreError> {
        model::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(convert::model)
            .transpose()?
            .ok_or(StoreError::UnknownModel(id))
    }

    /// The session's model with this architecture hash, if any.
    pub async fn model_by_hash(
        &self,
        session_id: SessionId,
        hash: &str,
    ) -> Result<Option<Model>, StoreError> {
        model::Entity::find()
            .filter(model::Column::SessionId.eq(session_id))
            .filter(model::Column::Hash.eq(hash))
            .one(&self.db)
            .await?
            .map(convert::model)
            .transpose()
    }

    /// The session's models in the order they were added.
    pub async fn models(&self, session_id: SessionId) -> Result<Vec<Model>, StoreError> {
        model::Entity::find()
            .filter(model::Column::SessionId.eq(session_id))
            .order_by_asc(model::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(convert::model)
            .collect()
    }

    /// The models whose parent is `parent`.
    pub async fn children(&self, parent: ModelId) -> Result<Vec<Model>, StoreError> {
        model::Entity::find()
            .filter(model::Column::ParentId.eq(parent))
            .order_by_asc(model::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(convert::model)
            .collect()
    }
}
