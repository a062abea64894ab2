//! A search session: data set, search space, seed and training settings.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    pub dataset: String,
    /// JSON object of data set options.
    pub dataset_options: String,
    /// JSON of the search space.
    pub search_space: String,
    pub seed: i64,
    /// JSON of the training settings.
    pub training: String,
    /// Parameter budget of the session's models, if any.
    pub budget: Option<i64>,
    /// JSON array of the focus class names, if any.
    pub focus: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
