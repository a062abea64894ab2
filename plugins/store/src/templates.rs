//! Handcrafted templates, shared by every session.

use remap_architecture::Architecture;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entities::template;
use crate::error::StoreError;
use crate::store::Store;
use crate::types::{Template, now_ms};

fn to_template(row: template::Model) -> Result<Template, StoreError> {
    let architecture =
        Architecture::from_json(&row.architecture).map_err(|error| StoreError::BadRow {
            table: "templates",
            column: "architecture",
            id: row.id,
            detail: error.to_string(),
        })?;
    Ok(Template {
        name: row.name,
        architecture,
        updated_at: row.updated_at,
    })
}

impl Store {
    /// Saves a template under `name`, replacing one of the same name.
    pub async fn save_template(
        &self,
        name: &str,
        architecture: &Architecture,
    ) -> Result<Template, StoreError> {
        architecture.analyze()?;
        let now = now_ms();
        let existing = template::Entity::find()
            .filter(template::Column::Name.eq(name))
            .one(&self.db)
            .await?;
        let row = match existing {
            Some(row) => {
                let mut active: template::ActiveModel = row.into();
                active.architecture = Set(architecture.canonical_json());
                active.updated_at = Set(now);
                active.update(&self.db).await?
            }
            None => {
                template::ActiveModel {
                    name: Set(name.to_string()),
                    architecture: Set(architecture.canonical_json()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&self.db)
                .await?
            }
        };
        to_template(row)
    }

    /// Every template, by name.
    pub async fn templates(&self) -> Result<Vec<Template>, StoreError> {
        template::Entity::find()
            .order_by_asc(template::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_template)
            .collect()
    }

    /// Deletes the template called `name`.
    pub async fn delete_template(&self, name: &str) -> Result<(), StoreError> {
        let deleted = template::Entity::delete_many()
            .filter(template::Column::Name.eq(name))
            .exec(&self.db)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(StoreError::UnknownTemplate(name.to_string()));
        }
        Ok(())
    }
}
