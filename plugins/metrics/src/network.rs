//! An architecture as OTMANN sees it (spec §6.2): a petgraph chain
//! `ip → hidden layers → dense(classes) → softmax → op` whose layers carry a label, a mass
//! and path-length features.

use petgraph::Direction;
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};
use remap_architecture::{Architecture, Layer};

use crate::label::Label;

/// Path-length features per layer and direction: 4 groups × 3 path types.
pub const FEATURES: usize = 12;

/// One layer of an OTMANN network.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// REMAP's layer label (`ip`, `conv3`, `pool2`, `relu`, `dense`, …).
    pub label: Label,
    /// The layer's mass: how much of the network it is.
    pub mass: f64,
}

/// An architecture prepared for OTMANN: labels, masses and the 12 + 12 path-length features
/// of every layer, in chain order (`ip` first, `op` last).
#[derive(Debug, Clone, PartialEq)]
pub struct OtmannNetwork {
    /// Layers in chain order.
    pub nodes: Vec<Node>,
    /// Features of the paths from `ip` to each layer.
    pub from_ip: Vec<[f64; FEATURES]>,
    /// Features of the paths from each layer to `op`.
    pub to_op: Vec<[f64; FEATURES]>,
    /// Sum of all masses, `ip`, `softmax` and `op` included.
    pub total_mass: f64,
}

impl OtmannNetwork {
    /// Prepares an architecture. Only layer types and unit counts matter, so this never fails.
    pub fn new(arch: &Architecture) -> Self {
        let graph = chain_graph(arch);
        let order = toposort(&graph, None).expect("a chain has no cycle");
        let from_ip = path_features(&graph, &order, Direction::Incoming);
        let to_op = path_features(&graph, &order, Direction::Outgoing);
        let nodes: Vec<Node> = order.iter().map(|&n| graph[n].clone()).collect();
        let pick = |f: &[[f64; FEATURES]]| order.iter().map(|n| f[n.index()]).collect();
        let total_mass = nodes.iter().map(|n| n.mass).sum();
        OtmannNetwork {
            from_ip: pick(&from_ip),
            to_op: pick(&to_op),
            nodes,
            total_mass,
        }
    }

    /// Masses in chain order (`ip`, hidden layers, head dense, `softmax`, `op`).
    pub fn masses(&self) -> Vec<f64> {
        self.nodes.iter().map(|n| n.mass).collect()
    }
}

/// REMAP's label of a hidden layer and the number of channels it outputs given `c_in`.
fn label_and_channels(layer: &Layer, c_in: f64) -> (Label, f64) {
    match layer {
        Layer::Conv2d {
            kernel, filters, ..
        } => (Label::conv(*kernel), f64::from(*filters)),
        // REMAP gives max and average pooling the same label.
        Layer::Maxpool2d { size, .. } | Layer::Avgpool2d { size, .. } => (Label::pool(*size), c_in),
        Layer::Dense { units } => (Label::Dense, f64::from(*units)),
        Layer::Activation { function } => (Label::from(*function), c_in),
        Layer::Dropout { .. } => (Label::Dropout, c_in),
    }
}

/// Builds the chain with masses: conv, dense, dropout and activation weigh `c_in · c_out`,
/// pools weigh `c_in`, and `ip`, `softmax`, `op` each weigh `max(0.1 · M, 100)`.
fn chain_graph(arch: &Architecture) -> DiGraph<Node, ()> {
    // REMAP's `ip` emits one channel whatever the real input has.
    let mut c_in = 1.0;
    let mut hidden = Vec::with_capacity(arch.layers.len() + 1);
    for layer in &arch.layers {
        let (label, c_out) = label_and_channels(layer, c_in);
        let mass = if label.is_pool() { c_in } else { c_in * c_out };
        hidden.push(Node { label, mass });
        c_in = c_out;
    }
    let classes = f64::from(arch.classes);
    hidden.push(Node {
        label: Label::Dense,
        mass: c_in * classes,
    });
    let layer_mass: f64 = hidden.iter().map(|n| n.mass).sum();
    let io_mass = (0.1 * layer_mass).max(100.0);
    let io = |label| Node {
        label,
        mass: io_mass,
    };

    let mut graph = DiGraph::with_capacity(hidden.len() + 3, hidden.len() + 2);
    let mut prev = graph.add_node(io(Label::Ip));
    for node in hidden
        .into_iter()
        .chain([io(Label::Softmax), io(Label::Op)])
    {
        let next = graph.add_node(node);
        graph.add_edge(prev, next, ());
        prev = next;
    }
    graph
}

/// Whether a label belongs to each feature group: all, conv, pool, fc. REMAP's pool group
/// takes labels that end with "pool" and its fc group the label "fc"; none of its labels do,
/// so those two groups are always empty — as in REMAP.
fn groups(label: Label) -> [bool; 4] {
    [true, label.is_conv(), false, false]
}

/// Shortest, longest and random-walk (mean over next hops) path lengths for each group,
/// from every node to the graph's end in `toward` (`Outgoing`: to `op`; `Incoming`: from `ip`).
/// An edge counts 1 in a group if the layer it leaves, in the direction of travel, is in it.
fn path_features(
    graph: &DiGraph<Node, ()>,
    order: &[NodeIndex],
    toward: Direction,
) -> Vec<[f64; FEATURES]> {
    let mut features = vec![[0.0; FEATURES]; graph.node_count()];
    // Visit nodes so that every next hop toward the end is done before the node itself.
    let visit: Vec<NodeIndex> = match toward {
        Direction::Outgoing => order.iter().rev().copied().collect(),
        Direction::Incoming => order.to_vec(),
    };
    for node in visit {
        let from_ip = toward == Direction::Incoming;
        let hops: Vec<NodeIndex> = graph.neighbors_directed(node, toward).collect();
        if hops.is_empty() {
            continue;
        }
        let mut f = [0.0; FEATURES];
        for (g, _) in groups(graph[node].label).iter().enumerate() {
            let (mut shortest, mut longest, mut walk) = (f64::INFINITY, 0.0f64, 0.0);
            for &hop in &hops {
                // Travelling ip → node, the edge hop → node leaves `hop`; node → op leaves `node`.
                let leaving = if from_ip { hop } else { node };
                let w = if groups(graph[leaving].label)[g] {
                    1.0
                } else {
                    0.0
                };
                let h = &features[hop.index()];
                shortest = shortest.min(h[3 * g] + w);
                longest = longest.max(h[3 * g + 1] + w);
                walk += h[3 * g + 2] + w;
            }
            f[3 * g] = shortest;
            f[3 * g + 1] = longest;
            f[3 * g + 2] = walk / hops.len() as f64;
        }
        features[node.index()] = f;
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;
    use remap_architecture::{Activation, Input};

    fn arch(layers: Vec<Layer>) -> Architecture {
        let input = Input {
            height: 28,
            width: 28,
            channels: 3,
        };
        Architecture::new(input, 10, layers)
    }

    #[test]
    fn chain_has_io_head_and_softmax() {
        let net = OtmannNetwork::new(&arch(vec![Layer::conv(16, 3)]));
        let labels: Vec<_> = net.nodes.iter().map(|n| n.label).collect();
        use Label::*;
        assert_eq!(labels, [Ip, Conv3, Dense, Softmax, Op]);
        // ip emits 1 channel even for a 3-channel input.
        assert_eq!(net.masses(), [100.0, 16.0, 160.0, 100.0, 100.0]);
        assert_eq!(net.total_mass, 476.0);
    }

    #[test]
    fn pools_share_labels_and_weigh_c_in() {
        let net = OtmannNetwork::new(&arch(vec![
            Layer::conv(8, 5),
            Layer::maxpool(3),
            Layer::avgpool(3),
            Layer::Activation {
                function: Activation::Tanh,
            },
        ]));
        let labels: Vec<_> = net.nodes.iter().map(|n| n.label).collect();
        assert_eq!(labels[2], Label::Pool3);
        assert_eq!(labels[3], Label::Pool3);
        assert_eq!(net.nodes[2].mass, 8.0);
        assert_eq!(net.nodes[4].mass, 64.0);
    }

    #[test]
    fn path_lengths_count_conv_edges_in_travel_direction() {
        // ip → conv3 → relu → conv1 → dense → softmax → op
        let net = OtmannNetwork::new(&arch(vec![
            Layer::conv(4, 3),
            Layer::Activation {
                function: Activation::Relu,
            },
            Layer::conv(4, 1),
        ]));
        let conv_from_ip: Vec<f64> = net.from_ip.iter().map(|f| f[3]).collect();
        let conv_to_op: Vec<f64> = net.to_op.iter().map(|f| f[3]).collect();
        let all_from_ip: Vec<f64> = net.from_ip.iter().map(|f| f[0]).collect();
        assert_eq!(conv_from_ip, [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 2.0]);
        assert_eq!(conv_to_op, [2.0, 2.0, 1.0, 1.0, 0.0, 0.0, 0.0]);
        assert_eq!(all_from_ip, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        for f in net.from_ip.iter().chain(&net.to_op) {
            // shortest = longest = random walk on a chain; pool and fc stay 0.
            for g in 0..4 {
                assert_eq!(f[3 * g], f[3 * g + 1]);
                assert_eq!(f[3 * g], f[3 * g + 2]);
            }
            assert!(f[6..].iter().all(|&x| x == 0.0));
        }
    }
}
