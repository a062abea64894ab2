//! The handcraft editor's structural edits (spec §9.4): insert, move and remove a layer, draw
//! a skip from one layer's output into a later layer, erase a skip. Each keeps every other
//! connection on the layers it joined, so the editor never renumbers `inputs` itself.

use thiserror::Error;

use crate::{Architecture, Layer, Source};

/// One edit of the handcraft editor. Indices are hidden-layer indices of the net edited.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// `layer` inserted at `at` (the layer count: before the head), reading the layer before it.
    Insert { at: usize, layer: Layer },
    /// Layer `from` moved so that it ends up at index `to` of the result.
    Move { from: usize, to: usize },
    /// Layer `at` removed; the layers that read it read its own input instead.
    Remove { at: usize },
    /// A skip from `from` into layer `to`: a merge `to` gains the input; any other layer gets
    /// a new merge (`merge`, an `add` or a `concat`) right after it, of its output and `from`.
    Skip {
        from: Source,
        to: usize,
        merge: Layer,
    },
    /// The skip from `from` into merge `to` erased; a merge left with one input goes, its
    /// readers reading that input.
    Unskip { from: Source, to: usize },
}

/// Why an edit cannot be made, naming the layers.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct EditError(String);

impl Architecture {
    /// The net after `edit`, or why the edit does not apply (an index out of range, a skip
    /// that does not go forward). The result may still be invalid (shapes that do not fit):
    /// [`Architecture::analyze`] says why, as for any net.
    pub fn edited(&self, edit: &Edit) -> Result<Architecture, EditError> {
        let count = self.layers.len();
        let layer_exists = |i: usize| {
            if i < count {
                Ok(())
            } else {
                Err(EditError(format!(
                    "there is no layer {i} (the net has {count} hidden layers)"
                )))
            }
        };
        match edit {
            Edit::Insert { at, layer } => {
                if *at > count {
                    return Err(EditError(format!(
                        "cannot insert at {at}: the net has {count} hidden layers"
                    )));
                }
                Ok(self.with_layer_inserted(*at, layer.clone()))
            }
            Edit::Move { from, to } => {
                layer_exists(*from)?;
                layer_exists(*to)?;
                Ok(self.with_layer_moved(*from, *to))
            }
            Edit::Remove { at } => {
                layer_exists(*at)?;
                Ok(self.without_layer(*at))
            }
            Edit::Skip { from, to, merge } => {
                layer_exists(*to)?;
                self.with_skip(*from, *to, merge.clone())
            }
            Edit::Unskip { from, to } => {
                layer_exists(*to)?;
                self.without_skip(*from, *to)
            }
        }
    }

    /// The net with layer `from` moved to index `to`: its readers read its input instead (as
    /// if removed) and, where it lands, it reads the layer before it and the layer after reads
    /// it. A merge keeps those of its other inputs that still come before it.
    pub fn with_layer_moved(&self, from: usize, to: usize) -> Architecture {
        if from == to {
            return self.clone();
        }
        let layer = self.layers[from].clone();
        let moved = self
            .without_layer(from)
            .with_layer_inserted(to, layer.clone());
        if !layer.is_merge() {
            return moved;
        }
        // Where each of the merge's other inputs went: through the removal, then the insertion.
        let removed = |s: Source| match s {
            Source::Layer(i) if i == from => None,
            Source::Layer(i) if i > from => Some(Source::Layer(i - 1)),
            s => Some(s),
        };
        let inserted = |s: Source| match s {
            Source::Layer(i) if i >= to => Source::Layer(i + 1),
            s => s,
        };
        let mut sources = moved.sources(to);
        for s in self.sources(from).into_iter().skip(1) {
            let Some(s) = removed(s).map(inserted) else {
                continue;
            };
            if s.layer().is_none_or(|i| i < to) && !sources.contains(&s) {
                sources.push(s);
            }
        }
        let mut inputs = moved.inputs.clone();
        inputs.insert(to, sources);
        moved.with_inputs(inputs)
    }

    /// The net with a skip from `from` into layer `to` (see [`Edit::Skip`]).
    pub fn with_skip(&self, from: Source, to: usize, merge: Layer) -> Result<Self, EditError> {
        if from.layer().is_some_and(|i| i >= to) {
            return Err(EditError(format!(
                "a skip goes forward: {from} does not come before layer {to}"
            )));
        }
        let mut inputs = self.inputs.clone();
        if self.layers[to].is_merge() {
            let mut sources = self.sources(to);
            if sources.contains(&from) {
                return Err(EditError(format!("layer {to} already reads {from}")));
            }
            sources.push(from);
            inputs.insert(to, sources);
            return Ok(self.clone().with_inputs(inputs));
        }
        if !merge.is_merge() {
            return Err(EditError(format!(
                "a skip joins through an add or a concat, not {merge}"
            )));
        }
        if from == Source::Layer(to) || (to == 0 && from == Source::Input) {
            return Err(EditError(format!("layer {to} already reads {from}")));
        }
        let out = self.with_layer_inserted(to + 1, merge);
        let mut inputs = out.inputs.clone();
        inputs.insert(to + 1, vec![Source::Layer(to), from]);
        Ok(out.with_inputs(inputs))
    }

    /// The net without the skip from `from` into merge `to` (see [`Edit::Unskip`]).
    pub fn without_skip(&self, from: Source, to: usize) -> Result<Self, EditError> {
        let sources = self.sources(to);
        if !self.layers[to].is_merge() || !sources.contains(&from) {
            return Err(EditError(format!(
                "layer {to} ({}) has no skip from {from}",
                self.layers[to]
            )));
        }
        let rest: Vec<Source> = sources.into_iter().filter(|&s| s != from).collect();
        let mut inputs = self.inputs.clone();
        let single = rest.len() == 1;
        inputs.insert(to, rest);
        let out = self.clone().with_inputs(inputs);
        // A merge of one input is no merge: its readers read that input.
        Ok(if single { out.without_layer(to) } else { out })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Input;
    use crate::fixtures::{RELU, same};

    fn chain() -> Architecture {
        let layers = vec![same(4), RELU, same(4), RELU, Layer::maxpool(2)];
        Architecture::new(Input::new(8, 8, 1), 2, layers)
    }

    fn skip(net: &Architecture, from: Source, to: usize) -> Architecture {
        net.edited(&Edit::Skip {
            from,
            to,
            merge: Layer::Add,
        })
        .unwrap()
    }

    #[test]
    fn a_skip_into_a_layer_adds_a_merge_after_it() {
        // relu 1 → relu 3: conv relu conv relu add(3,1) pool — the residual block.
        let net = skip(&chain(), Source::Layer(1), 3);
        assert_eq!(net.layers[4], Layer::Add);
        assert_eq!(net.sources(4), [Source::Layer(3), Source::Layer(1)]);
        assert_eq!(net.sources(5), [Source::Layer(4)]);
        assert!(net.is_valid(), "{:?}", net.analyze());
        // A second skip into the add joins it; from the input it mismatches and says so.
        let three = skip(&net, Source::Layer(0), 4);
        assert_eq!(three.layers.len(), 6);
        assert_eq!(
            three.sources(4),
            [Source::Layer(3), Source::Layer(1), Source::Layer(0)]
        );
        let bad = skip(&net, Source::Input, 4);
        let error = bad.analyze().unwrap_err().to_string();
        assert!(
            error.contains("layer 4") && error.contains("the input"),
            "{error}"
        );
    }

    #[test]
    fn a_concat_skip_and_skips_that_cannot_be() {
        let net = chain()
            .edited(&Edit::Skip {
                from: Source::Input,
                to: 1,
                merge: Layer::Concat,
            })
            .unwrap();
        assert_eq!(net.layers[2], Layer::Concat);
        assert!(net.is_valid(), "{:?}", net.analyze());
        let edit = |from, to| {
            chain()
                .edited(&Edit::Skip {
                    from,
                    to,
                    merge: Layer::Add,
                })
                .map_err(|e| e.to_string())
        };
        assert!(edit(Source::Layer(3), 1).unwrap_err().contains("forward"));
        assert!(edit(Source::Layer(2), 2).unwrap_err().contains("forward"));
        assert!(
            edit(Source::Input, 0)
                .unwrap_err()
                .contains("already reads")
        );
        assert!(edit(Source::Input, 9).unwrap_err().contains("no layer 9"));
    }

    #[test]
    fn erasing_a_skip_removes_a_merge_left_with_one_input() {
        let net = skip(&chain(), Source::Layer(1), 3);
        let back = net
            .edited(&Edit::Unskip {
                from: Source::Layer(1),
                to: 4,
            })
            .unwrap();
        assert_eq!(back, chain());
        let three = skip(&net, Source::Layer(0), 4);
        let two = three
            .edited(&Edit::Unskip {
                from: Source::Layer(0),
                to: 4,
            })
            .unwrap();
        assert_eq!(two, net);
        assert!(
            chain()
                .edited(&Edit::Unskip {
                    from: Source::Layer(0),
                    to: 1
                })
                .is_err()
        );
    }

    #[test]
    fn moving_a_layer_keeps_the_skips_on_their_layers() {
        let net = skip(&chain(), Source::Layer(1), 3);
        // The pool to the front: every other connection shifts with its layers.
        let moved = net.edited(&Edit::Move { from: 5, to: 0 }).unwrap();
        assert_eq!(moved.layers[0], Layer::maxpool(2));
        assert_eq!(moved.sources(1), [Source::Layer(0)]);
        assert_eq!(moved.sources(5), [Source::Layer(4), Source::Layer(2)]);
        assert!(moved.is_valid(), "{:?}", moved.analyze());
        // The add to the end keeps its skip from relu 1 and reads the pool.
        let merge = net.edited(&Edit::Move { from: 4, to: 5 }).unwrap();
        assert_eq!(merge.layers[5], Layer::Add);
        assert_eq!(merge.sources(5), [Source::Layer(4), Source::Layer(1)]);
        assert_eq!(merge.sources(4), [Source::Layer(3)]);
        // Back and forth is the identity on a chain.
        let c = chain();
        let there = c.with_layer_moved(1, 3);
        assert_eq!(there.with_layer_moved(3, 1), c);
    }

    #[test]
    fn inserting_before_a_merge_puts_the_layer_on_its_branch() {
        let net = skip(&chain(), Source::Layer(1), 3);
        let with = net
            .edited(&Edit::Insert {
                at: 4,
                layer: Layer::Dropout { rate: 0.5 },
            })
            .unwrap();
        assert_eq!(with.sources(5), [Source::Layer(4), Source::Layer(1)]);
        assert!(with.is_valid(), "{:?}", with.analyze());
        let removed = with.edited(&Edit::Remove { at: 4 }).unwrap();
        assert_eq!(removed, net);
        assert!(net.edited(&Edit::Remove { at: 6 }).is_err());
        assert!(net.edited(&Edit::Insert { at: 7, layer: RELU }).is_err());
    }
}
