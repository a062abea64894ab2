//! Importing a net the user brought (spec §10.4): an ONNX model (PyTorch, Keras, …) or an
//! architecture JSON becomes an architecture to open, train or start a session around.

use std::path::Path;

use remap_architecture::{Architecture, Snac};
use remap_onnx::Refusal;
use serde::Serialize;
use ts_rs::TS;

use crate::app::App;
use crate::around::Around;
use crate::create::create_session;
use crate::error::SessionError;
use crate::sessions::spec_of;
use crate::views::{NewSessionRequest, SessionInfo};

/// The format of an imported file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    Onnx,
    /// REMAP's architecture JSON (spec §2).
    Json,
}

/// An imported architecture and what the import left out, folded or assumed.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ImportedNet {
    pub format: ImportFormat,
    /// The architecture JSON (spec §2).
    #[ts(type = "unknown")]
    pub architecture: Architecture,
    pub summary: String,
    /// Its chips, as every panel draws a net.
    pub snac: Snac,
    pub params: u64,
    /// One line each: weights not imported, Softmax dropped, normalisation dropped, ….
    pub notes: Vec<String>,
}

impl ImportedNet {
    /// The net an ONNX model's graph or a JSON text describes: JSON when the bytes start
    /// with `{` (after white space), ONNX otherwise. A node REMAP cannot express is a
    /// [`SessionError::Import`] whose [`Refusal`] names it.
    pub fn read(bytes: &[u8]) -> Result<Self, SessionError> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        let (format, architecture, notes) = if first == Some(&b'{') {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| SessionError::Invalid(format!("architecture JSON: {e}")))?;
            let arch = Architecture::from_json(text)
                .map_err(|e| SessionError::Invalid(format!("architecture JSON: {e}")))?;
            (ImportFormat::Json, arch, Vec::new())
        } else {
            let imported = remap_onnx::import(bytes)?;
            (ImportFormat::Onnx, imported.architecture, imported.notes)
        };
        let params = architecture
            .params()
            .map_err(remap_onnx::ImportError::from)?;
        let snac = Snac::of(&architecture).map_err(remap_onnx::ImportError::from)?;
        Ok(ImportedNet {
            format,
            summary: architecture.summary(),
            snac,
            architecture,
            params,
            notes,
        })
    }
}

impl SessionError {
    /// The refused node, when an import failed on one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            SessionError::Import(e) => e.refusal(),
            _ => None,
        }
    }
}

impl App {
    /// Reads a dropped or chosen file (ONNX or architecture JSON) as an architecture.
    pub fn import_architecture(&self, bytes: &[u8]) -> Result<ImportedNet, SessionError> {
        ImportedNet::read(bytes)
    }

    /// Reads the file at `path` (a dropped or chosen `.onnx` or `.json`) as an architecture;
    /// an unreadable file is an error that names it.
    pub fn import_architecture_file(&self, path: &Path) -> Result<ImportedNet, SessionError> {
        let bytes = std::fs::read(path)
            .map_err(|e| SessionError::Invalid(format!("cannot read {}: {e}", path.display())))?;
        ImportedNet::read(&bytes)
    }

    /// Creates a session whose initial models are `architecture` (resized to the data set's
    /// input and classes) plus `count` of its ablations and variations, all under the
    /// request's budget, each architecture once; queued like sampled ones.
    pub async fn create_session_around(
        &self,
        request: &NewSessionRequest,
        architecture: &Architecture,
        count: usize,
    ) -> Result<SessionInfo, SessionError> {
        let mut spec = spec_of(request)?;
        if request.new_name_if_taken == Some(true) {
            spec.name = self.free_name(&spec.name).await?;
        }
        spec.around = Some(Around {
            architecture: architecture.clone(),
            count,
        });
        let (session, queued) = create_session(self.scheduler(), &spec).await?;
        tracing::info!(session = %session.name, models = queued.len(), "session created around a net");
        self.update_ui_state(|ui| ui.last_session = Some(session.id));
        self.session_info(&session).await
    }
}
