//! Export of a chosen, trained model (spec §8) into formats other tools load:
//!
//! - `architecture.json`: the spec §2 architecture with `params` and `hash`;
//! - `model.safetensors`: the weights with PyTorch's names and layouts;
//! - `model.onnx`: the inference graph (normalisation → layers → softmax), opset 17;
//! - `model.py`: a readable PyTorch `nn.Module` with a `load()` reading the safetensors file;
//! - `README.md`: a model card.
//!
//! Build a [`TrainedModel`] (architecture, trained [`Net`](remap_training::Net), class names,
//! normalisation and what is known about its training), then call [`export`].

mod card;
mod error;
mod export;
mod json;
mod model;
mod onnx;
mod pytorch;
mod safetensors;
mod tensors;

/// ONNX's protobuf messages (from `remap-onnx`, which also imports ONNX graphs).
pub use remap_onnx::pb;

pub use card::model_card;
pub use error::ExportError;
pub use export::{Written, export, render};
pub use json::architecture_json;
pub use model::{About, Format, Lineage, TrainedModel};
pub use onnx::{INPUT, OPSET, OUTPUT, onnx_model, to_onnx};
pub use pytorch::model_py;
pub use safetensors::to_safetensors;
pub use tensors::{NamedTensor, named_tensors};
