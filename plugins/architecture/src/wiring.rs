//! How the layers of an architecture connect (spec §9.4): each layer's sources, and the
//! edits that keep the wiring right when a layer is removed or inserted.

use std::collections::BTreeMap;

use crate::{Architecture, Layer, Source};

/// A connection the chain order does not imply: `to` reads `from`, which is not the layer
/// just before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skip {
    pub from: Source,
    pub to: usize,
}

impl Architecture {
    /// The layer sources of `index`: its `inputs`, or the layer before it.
    pub fn sources(&self, index: usize) -> Vec<Source> {
        match self.inputs.get(&index) {
            Some(sources) => sources.clone(),
            None => vec![Source::previous(index)],
        }
    }

    /// Every layer's sources, in layer order.
    pub fn all_sources(&self) -> Vec<Vec<Source>> {
        (0..self.layers.len()).map(|i| self.sources(i)).collect()
    }

    /// Whether every layer just reads the one before it.
    pub fn is_chain(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The same layers with these explicit sources (by layer index), made canonical: a
    /// non-merge layer that lists only the layer before it loses its entry.
    pub fn with_inputs(mut self, inputs: BTreeMap<usize, Vec<Source>>) -> Self {
        self.inputs = canonical(&self.layers, inputs);
        self
    }

    /// The connections that are not the previous-layer link: skips and branches, in order
    /// of the layer that reads them.
    pub fn skips(&self) -> Vec<Skip> {
        self.inputs
            .iter()
            .flat_map(|(&to, sources)| {
                sources
                    .iter()
                    .filter(move |&&from| from != Source::previous(to))
                    .map(move |&from| Skip { from, to })
            })
            .collect()
    }

    /// The layers that read layer `index` (the head reads the last one and is not listed).
    pub fn readers(&self, index: usize) -> Vec<usize> {
        (index + 1..self.layers.len())
            .filter(|&j| self.sources(j).contains(&Source::Layer(index)))
            .collect()
    }

    /// The net without layer `at`, rewired as ablation does (spec §9.4): layers that read it
    /// read its own (first) input instead, and later indices shift down.
    pub fn without_layer(&self, at: usize) -> Architecture {
        let replacement = self.sources(at)[0];
        let sources: Vec<Vec<Source>> = self
            .all_sources()
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| i != at)
            .map(|(_, list)| {
                let mut out: Vec<Source> = Vec::with_capacity(list.len());
                for s in list {
                    let s = match s {
                        Source::Layer(i) if i == at => replacement,
                        Source::Layer(i) if i > at => Source::Layer(i - 1),
                        s => s,
                    };
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
                out
            })
            .collect();
        let mut layers = self.layers.clone();
        layers.remove(at);
        Architecture::new(self.input, self.classes, layers).with_sources(sources)
    }

    /// The net with `layer` inserted at `at`, reading the layer before it; the layer that was
    /// at `at` reads the new one where it read its predecessor (so a layer inserted before a
    /// merge joins that branch), and every other connection keeps its ends.
    pub fn with_layer_inserted(&self, at: usize, layer: Layer) -> Architecture {
        let shift = |s: Source| match s {
            Source::Layer(i) if i >= at => Source::Layer(i + 1),
            s => s,
        };
        let mut sources: Vec<Vec<Source>> = self
            .all_sources()
            .into_iter()
            .map(|list| list.into_iter().map(shift).collect())
            .collect();
        // The layer that followed the slot read what now precedes the new layer: it reads the
        // new layer instead, as in a chain.
        if let Some(next) = sources.get_mut(at) {
            for s in next.iter_mut().filter(|s| **s == Source::previous(at)) {
                *s = Source::Layer(at);
            }
        }
        sources.insert(at, vec![Source::previous(at)]);
        let mut layers = self.layers.clone();
        layers.insert(at, layer);
        Architecture::new(self.input, self.classes, layers).with_sources(sources)
    }

    /// The same layers with `sources` (one list per layer), made canonical.
    pub fn with_sources(self, sources: Vec<Vec<Source>>) -> Architecture {
        let inputs = sources.into_iter().enumerate().collect();
        self.with_inputs(inputs)
    }
}

/// Drops the entries that say only what the chain order says.
fn canonical(
    layers: &[Layer],
    inputs: BTreeMap<usize, Vec<Source>>,
) -> BTreeMap<usize, Vec<Source>> {
    inputs
        .into_iter()
        .filter(|(i, sources)| {
            let merge = layers.get(*i).is_some_and(Layer::is_merge);
            merge || sources.as_slice() != [Source::previous(*i)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Input;
    use crate::fixtures::{RELU, same};

    /// conv relu conv relu add(3,1) pool
    fn residual() -> Architecture {
        let input = Input::new(8, 8, 1);
        let layers = vec![same(4), RELU, same(4), RELU, Layer::Add, Layer::maxpool(2)];
        let inputs = BTreeMap::from([(4, vec![Source::Layer(3), Source::Layer(1)])]);
        Architecture::new(input, 2, layers).with_inputs(inputs)
    }

    #[test]
    fn layers_read_their_predecessor_unless_they_name_inputs() {
        let net = residual();
        assert_eq!(net.sources(0), [Source::Input]);
        assert_eq!(net.sources(2), [Source::Layer(1)]);
        assert_eq!(net.sources(4), [Source::Layer(3), Source::Layer(1)]);
        assert_eq!(net.readers(1), [2, 4]);
        assert_eq!(
            net.skips(),
            [Skip {
                from: Source::Layer(1),
                to: 4
            }]
        );
        assert!(!net.is_chain());
    }

    #[test]
    fn listing_only_the_predecessor_is_the_chain() {
        let net = Architecture::new(residual().input, 2, vec![same(4), RELU])
            .with_inputs(BTreeMap::from([(1, vec![Source::Layer(0)])]));
        assert!(net.is_chain());
    }

    #[test]
    fn removing_a_layer_reconnects_its_readers_to_its_input() {
        let net = residual();
        // Without the first relu, the second conv and the add read the first conv.
        let cut = net.without_layer(1);
        assert_eq!(cut.sources(1), [Source::Layer(0)]);
        assert_eq!(cut.sources(3), [Source::Layer(2), Source::Layer(0)]);
        assert!(cut.is_valid(), "{:?}", cut.analyze());
        // Without the add, the pool reads the add's first input: the skip is gone.
        let flat = net.without_layer(4);
        assert!(flat.is_chain());
        assert_eq!(flat.layers.len(), 5);
    }

    #[test]
    fn inserting_a_layer_keeps_every_connection_on_its_layers() {
        let net = residual().with_layer_inserted(2, Layer::Dropout { rate: 0.5 });
        assert_eq!(net.sources(2), [Source::Layer(1)]);
        assert_eq!(net.sources(3), [Source::Layer(2)]);
        assert_eq!(net.sources(5), [Source::Layer(4), Source::Layer(1)]);
        assert!(net.is_valid());
    }
}
