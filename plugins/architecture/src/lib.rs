//! REMAP's architecture format (spec §2, §9.4): one CNN for image classification.
//!
//! An [`Architecture`] is an input shape, a number of classes and hidden [`Layer`]s, each
//! reading the layer before it unless it names its [`Source`]s (skips and branches merged by
//! `add` and `concat`); the classifier head (flatten → dense(`classes`) → softmax) is
//! implicit and always last. This crate parses the interchange JSON with errors that name the layer and
//! field, infers every layer's output shape, counts parameters exactly as PyTorch does, and
//! gives each architecture a canonical form and a stable content hash.

mod align;
mod analysis;
mod architecture;
mod count;
mod edit;
mod error;
#[cfg(test)]
mod fixtures;
mod layer;
mod origin;
mod parse;
mod shape;
mod snac;
mod source;
mod wiring;

pub use align::{AlignedRow, RowKind, align};
pub use analysis::{Analysis, LayerReport};
pub use architecture::{Architecture, Input};
pub use count::thousands;
pub use edit::{Edit, EditError};
pub use error::{ArchError, FitError};
pub use layer::{Activation, Layer, LayerKind, Padding};
pub use origin::Origin;
pub use parse::{ParsedItem, parse_many};
pub use shape::Shape;
pub use snac::{Snac, SnacArc, SnacHead, SnacLayer};
pub use source::Source;
pub use wiring::Skip;
