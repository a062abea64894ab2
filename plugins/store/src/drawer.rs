//! The Model Drawer: the models a user keeps, in their order.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

use crate::entities::drawer_entry;
use crate::error::StoreError;
use crate::store::Store;
use crate::types::{ModelId, SessionId};

impl Store {
    /// The drawer's models, in order.
    pub async fn drawer(&self, session_id: SessionId) -> Result<Vec<ModelId>, StoreError> {
        Ok(drawer_entry::Entity::find()
            .filter(drawer_entry::Column::SessionId.eq(session_id))
            .order_by_asc(drawer_entry::Column::Position)
            .order_by_asc(drawer_entry::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|entry| entry.model_id)
            .collect())
    }

    /// Puts a model at the end of its session's drawer (no-op when it is already there).
    pub async fn add_to_drawer(&self, model_id: ModelId) -> Result<(), StoreError> {
        let model = self.model(model_id).await?;
        let kept = self.drawer(model.session_id).await?;
        if kept.contains(&model_id) {
            return Ok(());
        }
        drawer_entry::ActiveModel {
            session_id: Set(model.session_id),
            model_id: Set(model_id),
            position: Set(kept.len() as i32),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// Takes a model out of the drawer (the model itself stays).
    pub async fn remove_from_drawer(&self, model_id: ModelId) -> Result<(), StoreError> {
        drawer_entry::Entity::delete_many()
            .filter(drawer_entry::Column::ModelId.eq(model_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Sets the drawer's order; `order` must hold exactly the drawer's models.
    pub async fn reorder_drawer(
        &self,
        session_id: SessionId,
        order: &[ModelId],
    ) -> Result<(), StoreError> {
        let mut kept = self.drawer(session_id).await?;
        let mut wanted = order.to_vec();
        kept.sort_unstable();
        wanted.sort_unstable();
        if kept != wanted {
            return Err(StoreError::Invalid(format!(
                "drawer order {order:?} must list exactly the drawer's models {kept:?}"
            )));
        }
        let txn = self.db.begin().await?;
        for (position, model_id) in order.iter().enumerate() {
            drawer_entry::Entity::update_many()
                .col_expr(drawer_entry::Column::Position, (position as i32).into())
                .filter(drawer_entry::Column::SessionId.eq(session_id))
                .filter(drawer_entry::Column::ModelId.eq(*model_id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
