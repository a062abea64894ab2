//! Handcrafted models and their templates (the Generate tab's editor).

use remap_architecture::Architecture;
use remap_sampling::Child;
use remap_store::{ModelId, NewModel, Origin, SessionId, Template};

use crate::app::App;
use crate::error::SessionError;
use crate::settings::TrainingSettings;

impl App {
    /// Stores a handcrafted architecture in the session (with `parent` as its lineage, if it
    /// started from one) and queues it for `epochs` (default: the parent's, else the
    /// session's). An invalid architecture, or one the session already has, is an error.
    pub async fn queue_handcrafted(
        &self,
        session_id: SessionId,
        architecture: &serde_json::Value,
        parent: Option<ModelId>,
        epochs: Option<u32>,
    ) -> Result<ModelId, SessionError> {
        let store = self.store();
        let architecture = parse_valid(architecture)?;
        let parent_model = match parent {
            Some(id) => Some(store.model(id).await?),
            None => None,
        };
        let epochs = match (epochs, &parent_model) {
            (Some(epochs), _) => epochs,
            (None, Some(parent)) => parent.epochs,
            (None, None) => {
                let session = store.session(session_id).await?;
                TrainingSettings::from_value(&session.training, &session.name)?.epochs
            }
        };
        // Its edit from the parent, as the diff aligns them (the Effects view reads it).
        let changes = match &parent_model {
            Some(parent) => Child::handcrafted(&parent.architecture, architecture.clone()).changes,
            None => Vec::new(),
        };
        let new = NewModel {
            architecture,
            origin: Origin::Handcrafted,
            parent_id: parent,
            changes,
            epochs,
        };
        let (model, created) = store.add_model(session_id, &new).await?;
        if !created {
            return Err(SessionError::Invalid(format!(
                "the session already has this architecture (model #{})",
                model.id
            )));
        }
        // A handcrafted model is the user's own idea: it trains fully, unscreened.
        self.scheduler().enqueue(model.id, None, None).await?;
        Ok(model.id)
    }

    /// The saved templates (shared by all sessions).
    pub async fn templates(&self) -> Result<Vec<Template>, SessionError> {
        Ok(self.store().templates().await?)
    }

    /// Saves (or replaces) the template `name`.
    pub async fn save_template(
        &self,
        name: &str,
        architecture: &serde_json::Value,
    ) -> Result<Template, SessionError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(SessionError::Invalid("a template needs a name".into()));
        }
        let architecture = Architecture::from_value(architecture)
            .map_err(|e| SessionError::Invalid(e.to_string()))?;
        Ok(self.store().save_template(name, &architecture).await?)
    }

    pub async fn delete_template(&self, name: &str) -> Result<(), SessionError> {
        Ok(self.store().delete_template(name).await?)
    }

    /// The Drawer's models.
    pub async fn drawer(&self, session_id: SessionId) -> Result<Vec<ModelId>, SessionError> {
        Ok(self.store().drawer(session_id).await?)
    }

    pub async fn add_to_drawer(&self, model_ids: &[ModelId]) -> Result<(), SessionError> {
        for &id in model_ids {
            self.store().add_to_drawer(id).await?;
        }
        Ok(())
    }

    pub async fn remove_from_drawer(&self, model_id: ModelId) -> Result<(), SessionError> {
        Ok(self.store().remove_from_drawer(model_id).await?)
    }
}

/// A valid architecture from its JSON, or why it is not one.
fn parse_valid(value: &serde_json::Value) -> Result<Architecture, SessionError> {
    let architecture =
        Architecture::from_value(value).map_err(|e| SessionError::Invalid(e.to_string()))?;
    architecture
        .analyze()
        .map_err(|e| SessionError::Invalid(e.to_string()))?;
    Ok(architecture)
}
