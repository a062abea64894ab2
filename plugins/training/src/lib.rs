//! Training REMAP architectures with burn: the model builder, the device choice, REMAP's
//! protocol, checkpoints and results. Usable without the desktop app.

pub mod adam;
pub mod batcher;
pub mod checkpoint;
pub mod data;
pub mod device;
pub mod evaluate;
pub mod focus;
pub mod kernels;
pub mod memory;
pub mod model;
pub mod protocol;
pub mod report;
pub mod results;
pub mod threads;
pub mod trainer;

pub use burn;
pub use checkpoint::{Checkpoint, CheckpointError, load_weights, save_weights};
pub use device::{DeviceChoice, DeviceError, SelectedDevice};
pub use evaluate::{Evaluation, evaluate};
pub use focus::{LogProbs, focus_accuracy};
pub use memory::{MemoryCheck, MemoryError, MemoryEstimate};
pub use model::{ModelError, Net};
pub use protocol::Protocol;
pub use remap_datasets::{Dataset, Normalization, Split};
pub use report::{EpochRecord, Progress, Status};
pub use results::ClassResults;
pub use threads::ThreadShare;
pub use trainer::{Outcome, TrainError, TrainOptions, train};
