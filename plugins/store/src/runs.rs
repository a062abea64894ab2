//! Training runs: the stored results of finished attempts.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::convert;
use crate::entities::{model, training_run};
use crate::error::StoreError;
use crate::store::Store;
use crate::types::{ModelId, SessionId, TrainingRun};

impl Store {
    /// A model's runs, oldest first.
    pub async fn runs_of_model(&self, model_id: ModelId) -> Result<Vec<TrainingRun>, StoreError> {
        training_run::Entity::find()
            .filter(training_run::Column::ModelId.eq(model_id))
            .order_by_asc(training_run::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(convert::run)
            .collect()
    }

    /// Every run of a session's models, oldest first.
    pub async fn runs(&self, session_id: SessionId) -> Result<Vec<TrainingRun>, StoreError> {
        let models = Query::select()
            .column(model::Column::Id)
            .from(model::Entity)
            .and_where(model::Column::SessionId.eq(session_id))
            .to_owned();
        training_run::Entity::find()
            .filter(training_run::Column::ModelId.in_subquery(models))
            .order_by_asc(training_run::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(convert::run)
            .collect()
    }
}
