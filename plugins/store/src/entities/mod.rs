//! sea-orm entities, one per table of `remap-migrations`.

pub mod artifact;
pub mod cached_matrix;
pub mod drawer_entry;
pub mod model;
pub mod queue_job;
pub mod session;
pub mod template;
pub mod training_run;
pub mod worker;
