//! A model of a session: its architecture and lineage.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "models")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: i64,
    /// Canonical architecture JSON.
    pub architecture: String,
    pub hash: String,
    pub params: i64,
    /// `sampled`, `ablation`, `variation` or `handcrafted`.
    pub origin: String,
    pub parent_id: Option<i64>,
    /// JSON array of change descriptions relative to the parent.
    pub changes: String,
    pub epochs: i32,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
