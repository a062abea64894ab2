//! Writing the chosen formats into an export folder.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::{
    ExportError, Format, TrainedModel, architecture_json, model_card, model_py, named_tensors,
    to_onnx, to_safetensors,
};

/// One file [`export`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub format: Format,
    pub path: PathBuf,
    pub bytes: usize,
}

/// The files of `formats` (each once, in [`Format::ALL`] order) as (format, contents).
pub fn render(
    model: &TrainedModel,
    formats: &[Format],
) -> Result<Vec<(Format, Vec<u8>)>, ExportError> {
    model.check()?;
    let mut formats = formats.to_vec();
    formats.sort();
    formats.dedup();
    if formats.is_empty() {
        return Err(ExportError::NoFormat);
    }
    formats
        .into_iter()
        .map(|format| {
            let bytes = match format {
                Format::Json => architecture_json(&model.arch)?.into_bytes(),
                Format::Safetensors => {
                    let tensors = named_tensors(&model.arch, &model.net)?;
                    to_safetensors(&tensors, safetensors_metadata(model))?
                }
                Format::Onnx => to_onnx(model)?,
                Format::Pytorch => model_py(model)?.into_bytes(),
                Format::Card => model_card(model)?.into_bytes(),
            };
            Ok((format, bytes))
        })
        .collect()
}

/// Writes `formats` of `model` into the folder `out` (created if missing), under fixed file
/// names. A folder that exists and is not empty is an error and stays untouched unless
/// `force`, which replaces files of the same names and keeps any others. Everything is
/// rendered before the first file is written; each file is written to a temporary name and
/// renamed into place.
pub fn export(
    model: &TrainedModel,
    formats: &[Format],
    out: &Path,
    force: bool,
) -> Result<Vec<Written>, ExportError> {
    check_folder(out, force)?;
    let files = render(model, formats)?;
    fs::create_dir_all(out).map_err(io_err(out))?;
    files
        .into_iter()
        .map(|(format, bytes)| {
            let path = out.join(format.file_name());
            write_atomic(&path, &bytes)?;
            Ok(Written {
                format,
                path,
                bytes: bytes.len(),
            })
        })
        .collect()
}

fn check_folder(out: &Path, force: bool) -> Result<(), ExportError> {
    match fs::metadata(out) {
        Ok(meta) if !meta.is_dir() => Err(ExportError::NotAFolder {
            path: out.to_path_buf(),
        }),
        Ok(_) => {
            let mut entries = fs::read_dir(out).map_err(io_err(out))?;
            if !force && entries.next().is_some() {
                return Err(ExportError::NotEmpty {
                    path: out.to_path_buf(),
                });
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(out)(e)),
    }
}

/// The safetensors header's metadata: PyTorch's `format` tag and the model's identity.
fn safetensors_metadata(model: &TrainedModel) -> HashMap<String, String> {
    HashMap::from([
        ("format".into(), "pt".into()),
        ("architecture".into(), model.arch.canonical_json()),
        ("hash".into(), model.arch.hash()),
        (
            "classes".into(),
            serde_json::to_string(&model.classes).expect("strings serialise"),
        ),
    ])
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ExportError + '_ {
    move |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes through a temporary file and a rename ([`remap_files::write_atomic`]).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    remap_files::write_atomic(path, bytes).map_err(io_err(path))
}
