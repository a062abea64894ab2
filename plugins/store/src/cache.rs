//! Cached distance matrices and layouts, so reopening a large session does not recompute them.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::convert::{json, to_json};
use crate::entities::cached_matrix;
use crate::error::StoreError;
use crate::store::Store;
use crate::types::{CachedMatrix, ModelId, SessionId, now_ms};

impl Store {
    /// Stores `data` (rows in the order of `model_ids`) as the session's `kind`
    /// (e.g. `otmann`, `prediction`, `layout:otmann`), replacing the previous one.
    pub async fn put_cached(
        &self,
        session_id: SessionId,
        kind: &str,
        model_ids: &[ModelId],
        data: &[u8],
    ) -> Result<(), StoreError> {
        let existing = cached_matrix::Entity::find()
            .filter(cached_matrix::Column::SessionId.eq(session_id))
            .filter(cached_matrix::Column::Kind.eq(kind))
            .one(&self.db)
            .await?;
        let mut active = match existing {
            Some(row) => row.into(),
            None => cached_matrix::ActiveModel {
                session_id: Set(session_id),
                kind: Set(kind.to_string()),
                ..Default::default()
            },
        };
        active.model_ids = Set(to_json(&model_ids));
        active.data = Set(data.to_vec());
        active.updated_at = Set(now_ms());
        active.save(&self.db).await?;
        Ok(())
    }

    /// The session's cached `kind`, if any. The caller compares `model_ids` with the
    /// session's models to decide whether it is still current.
    pub async fn cached(
        &self,
        session_id: SessionId,
        kind: &str,
    ) -> Result<Option<CachedMatrix>, StoreError> {
        let Some(row) = cached_matrix::Entity::find()
            .filter(cached_matrix::Column::SessionId.eq(session_id))
            .filter(cached_matrix::Column::Kind.eq(kind))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(CachedMatrix {
            model_ids: json(&row.model_ids, "cached_matrices", "model_ids", row.id)?,
            kind: row.kind,
            data: row.data,
            updated_at: row.updated_at,
        }))
    }
}
