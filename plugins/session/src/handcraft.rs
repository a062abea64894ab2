//! Handcrafted models and their templates (the Generate tab's editor).

use remap_architecture::{Architecture, Edit, Layer, Source};
use remap_sampling::Child;
use remap_store::{ModelId, NewModel, Origin, SessionId, Template};

use crate::app::App;
use crate::error::SessionError;
use crate::settings::TrainingSettings;
use crate::views::{ArchitectureEdit, MergeKind};

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

/// Applies one of the handcraft editor's edits to an architecture's JSON (spec §9.4): the
/// edited JSON, every `inputs` list kept on the layers it joined, or why the edit does not
/// apply. The result may still be invalid (shapes that do not fit); the editor's check says
/// where.
pub fn edit_architecture(
    architecture: &serde_json::Value,
    edit: &ArchitectureEdit,
) -> Result<serde_json::Value, SessionError> {
    let invalid = |e: &dyn std::fmt::Display| SessionError::Invalid(e.to_string());
    let net = Architecture::from_value(architecture).map_err(|e| invalid(&e))?;
    let source = |from: Option<usize>| from.map_or(Source::Input, Source::Layer);
    let edit = match *edit {
        ArchitectureEdit::Insert { at, ref layer } => Edit::Insert {
            at,
            layer: Layer::from_value(at, layer).map_err(|e| invalid(&e))?,
        },
        ArchitectureEdit::Move { from, to } => Edit::Move { from, to },
        ArchitectureEdit::Remove { at } => Edit::Remove { at },
        ArchitectureEdit::Skip { from, to, merge } => Edit::Skip {
            from: source(from),
            to,
            merge: match merge {
                MergeKind::Add => Layer::Add,
                MergeKind::Concat => Layer::Concat,
            },
        },
        ArchitectureEdit::Unskip { from, to } => Edit::Unskip {
            from: source(from),
            to,
        },
    };
    let edited = net.edited(&edit).map_err(|e| invalid(&e))?;
    serde_json::to_value(&edited).map_err(|e| invalid(&e))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn chain() -> serde_json::Value {
        json!({"input": {"height": 8, "width": 8, "channels": 1}, "classes": 2, "layers": [
            {"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same"},
            {"type": "activation", "function": "relu"},
            {"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same"},
            {"type": "activation", "function": "relu"}]})
    }

    #[test]
    fn a_drawn_skip_becomes_an_add_and_erasing_it_gives_the_chain_back() {
        let skip = ArchitectureEdit::Skip {
            from: Some(1),
            to: 3,
            merge: MergeKind::Add,
        };
        let residual = edit_architecture(&chain(), &skip).unwrap();
        assert_eq!(
            residual["layers"][4],
            json!({"type": "add", "inputs": [3, 1]})
        );
        let unskip = ArchitectureEdit::Unskip {
            from: Some(1),
            to: 4,
        };
        let back = edit_architecture(&residual, &unskip).unwrap();
        assert_eq!(
            Architecture::from_value(&back).unwrap(),
            Architecture::from_value(&chain()).unwrap()
        );
    }

    #[test]
    fn edits_that_do_not_apply_say_why() {
        let insert = ArchitectureEdit::Insert {
            at: 1,
            layer: json!({"type": "dropout", "rate": "half"}),
        };
        let error = edit_architecture(&chain(), &insert)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("layer 1") && error.contains("rate"),
            "{error}"
        );
        let forward = ArchitectureEdit::Skip {
            from: Some(3),
            to: 1,
            merge: MergeKind::Concat,
        };
        let error = edit_architecture(&chain(), &forward)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("layer 3") && error.contains("layer 1"),
            "{error}"
        );
        let moved = ArchitectureEdit::Move { from: 0, to: 3 };
        let net = edit_architecture(&chain(), &moved).unwrap();
        assert_eq!(net["layers"][3]["type"], "conv2d");
        let error = edit_architecture(&json!({"layers": []}), &moved)
            .unwrap_err()
            .to_string();
        assert!(error.contains("input"), "{error}");
    }
}
