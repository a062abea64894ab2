//! How a model came to be: REMAP's lineage kinds (spec §7, Queue), shared by the generators,
//! the store and every view.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a model came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Drawn by the sampler for a session's initial models.
    Sampled,
    /// A parent with one layer removed.
    Ablation,
    /// A parent with random, constrained edits.
    Variation,
    /// Built by the user in the handcraft editor.
    Handcrafted,
    /// Proposed by the surrogate's suggestions (spec §10.1) and queued.
    Suggested,
}

impl Origin {
    pub const ALL: [Origin; 5] = [
        Origin::Sampled,
        Origin::Ablation,
        Origin::Variation,
        Origin::Handcrafted,
        Origin::Suggested,
    ];

    /// The name used in JSON and in the database.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Sampled => "sampled",
            Origin::Ablation => "ablation",
            Origin::Variation => "variation",
            Origin::Handcrafted => "handcrafted",
            Origin::Suggested => "suggested",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|origin| origin.name() == name)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for origin in Origin::ALL {
            assert_eq!(Origin::from_name(origin.name()), Some(origin));
            assert_eq!(
                serde_json::to_value(origin).unwrap(),
                serde_json::Value::from(origin.name())
            );
        }
        assert_eq!(Origin::from_name("mutation"), None);
    }
}
