//! The facts a SNAC (spec §7) draws for one architecture: each layer's type, text, output
//! shape, tensor size and parameters, plus the head. Front ends only map these to pixels.

use serde::Serialize;
use ts_rs::TS;

use crate::{Activation, ArchError, Architecture, Layer, LayerKind};

/// One hidden layer of a SNAC.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SnacLayer {
    /// The layer's `type` (`conv2d`, `maxpool2d`, …).
    #[serde(rename = "type")]
    pub kind: LayerKind,
    /// `conv2d(k3,f32)` etc.
    pub text: String,
    /// `[h, w, c]` or `[n]`.
    pub output: Vec<u32>,
    /// Elements of the output tensor (sets the chip's length).
    pub tensor_size: u64,
    pub params: u64,
    /// `params` as a share of the whole model's parameters, 0–1 (spec §9.3).
    pub share: f64,
    /// The activation function, for activation layers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub function: Option<Activation>,
}

/// The classifier head of a SNAC.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SnacHead {
    pub classes: u32,
    pub params: u64,
    /// `params` as a share of the whole model's parameters, 0–1.
    pub share: f64,
    pub tensor_size: u64,
}

/// A connection the chain order does not draw (spec §9.4): an arc over the chips from
/// `from`'s output into layer `to`, usually a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct SnacArc {
    /// The hidden layer the arc leaves, or `null` for the input.
    #[ts(type = "number | null")]
    pub from: Option<usize>,
    /// The hidden layer it enters.
    pub to: usize,
}

impl SnacArc {
    /// The arcs of `arch`'s skips, valid or not (what a layer reads is known once parsed).
    pub fn all(arch: &Architecture) -> Vec<SnacArc> {
        arch.skips()
            .into_iter()
            .map(|skip| SnacArc {
                from: skip.from.layer(),
                to: skip.to,
            })
            .collect()
    }
}

/// A whole net: input shape, hidden layers in order, the arcs of its skips, head.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Snac {
    pub input: Vec<u32>,
    pub layers: Vec<SnacLayer>,
    /// Skips and branches; empty for a chain.
    pub arcs: Vec<SnacArc>,
    pub head: SnacHead,
}

impl Snac {
    /// The SNAC facts of `arch` (an error when its layers do not fit together).
    pub fn of(arch: &Architecture) -> Result<Self, ArchError> {
        let analysis = arch.analyze()?;
        let total = analysis.params.max(1) as f64;
        let layers = arch
            .layers
            .iter()
            .zip(&analysis.layers)
            .map(|(layer, report)| SnacLayer {
                kind: layer.kind(),
                text: layer.to_string(),
                output: report.output.dims(),
                tensor_size: report.output.size(),
                params: report.params,
                share: report.params as f64 / total,
                function: match layer {
                    Layer::Activation { function } => Some(*function),
                    _ => None,
                },
            })
            .collect();
        Ok(Snac {
            input: arch.input.shape().dims(),
            layers,
            arcs: SnacArc::all(arch),
            head: SnacHead {
                classes: arch.classes,
                params: analysis.head.params,
                share: analysis.head.params as f64 / total,
                tensor_size: u64::from(arch.classes),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_every_layer_and_the_head() {
        let arch = Architecture::from_json(
            r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[
                {"type":"conv2d","filters":8,"kernel":3},
                {"type":"activation","function":"relu"},
                {"type":"maxpool2d","size":2}]}"#,
        )
        .unwrap();
        let snac = Snac::of(&arch).unwrap();
        assert_eq!(snac.input, [28, 28, 1]);
        assert_eq!(snac.layers[0].text, "conv2d(k3,f8)");
        assert_eq!(snac.layers[0].output, [26, 26, 8]);
        assert_eq!(snac.layers[0].tensor_size, 26 * 26 * 8);
        assert_eq!(snac.layers[0].params, 80);
        assert_eq!(snac.layers[1].function, Some(Activation::Relu));
        assert_eq!(snac.layers[2].output, [13, 13, 8]);
        assert_eq!(snac.head.params, (13 * 13 * 8 + 1) * 10);
        let total = (80 + snac.head.params) as f64;
        assert_eq!(snac.layers[0].share, 80.0 / total);
        assert_eq!(snac.layers[1].share, 0.0);
        assert_eq!(snac.head.share, snac.head.params as f64 / total);
        let json = serde_json::to_value(&snac).unwrap();
        assert_eq!(json["layers"][0]["type"], "conv2d");
        assert_eq!(json["layers"][0]["tensor_size"], 5408);
        assert!(json["layers"][0].get("function").is_none());
        assert_eq!(json["arcs"], serde_json::json!([]));
    }

    #[test]
    fn skips_become_arcs_into_their_merge() {
        let arch = Architecture::from_json(
            r#"{"input":{"height":8,"width":8,"channels":1},"classes":2,"layers":[
                {"type":"conv2d","filters":4,"kernel":3,"padding":"same"},
                {"type":"conv2d","filters":4,"kernel":3,"padding":"same"},
                {"type":"add","inputs":[1,0]},
                {"type":"conv2d","filters":4,"kernel":1,"inputs":["input"]},
                {"type":"concat","inputs":[2,3]}]}"#,
        )
        .unwrap();
        let snac = Snac::of(&arch).unwrap();
        let arcs: Vec<(Option<usize>, usize)> = snac.arcs.iter().map(|a| (a.from, a.to)).collect();
        assert_eq!(arcs, [(Some(0), 2), (None, 3), (Some(2), 4)]);
        assert_eq!(snac.layers[2].kind, LayerKind::Add);
        assert_eq!(snac.layers[4].output, [8, 8, 8]);
    }
}
