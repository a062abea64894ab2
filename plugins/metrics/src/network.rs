//! An architecture as OTMANN sees it (spec §6.2, §9.4): a petgraph DAG
//! `ip → hidden layers (as wired) → dense(classes) → softmax → op` whose layers carry a
//! label, a mass and path-length features. A chain is the graph with one path.

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use remap_architecture::{Architecture, Layer, Source};

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
/// of every layer, in topological order (`ip` first, hidden layers by index, `op` last).
#[derive(Debug, Clone, PartialEq)]
pub struct OtmannNetwork {
    /// Layers in topological order.
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
        let graph = layer_graph(arch);
        // Layers read only earlier layers, so the order nodes were added in is topological.
        let order: Vec<NodeIndex> = graph.node_indices().collect();
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

/// REMAP's label of a hidden layer and the number of channels it outputs given the
/// channels of its inputs.
fn label_and_channels(layer: &Layer, c_in: &[f64]) -> (Label, f64) {
    let first = c_in[0];
    match layer {
        Layer::Conv2d {
            kernel, filters, ..
        } => (Label::conv(*kernel), f64::from(*filters)),
        // REMAP gives max and average pooling the same label.
        Layer::Maxpool2d { size, .. } | Layer::Avgpool2d { size, .. } => {
            (Label::pool(*size), first)
        }
        Layer::Dense { units } => (Label::Dense, f64::from(*units)),
        Layer::Activation { function } => (Label::from(*function), first),
        Layer::Dropout { .. } => (Label::Dropout, first),
        Layer::Add => (Label::Add, first),
        Layer::Concat => (Label::Concat, c_in.iter().sum()),
    }
}

/// Builds the graph with masses: conv, dense, dropout and activation weigh `c_in · c_out`;
/// pools weigh `c_in` and merges the channels they output, as neither transforms its input;
/// `ip`, `softmax`, `op` each weigh `max(0.1 · M, 100)`. Edges follow the layers' sources.
fn layer_graph(arch: &Architecture) -> DiGraph<Node, ()> {
    // REMAP's `ip` emits one channel whatever the real input has.
    let ip_channels = 1.0;
    let mut channels: Vec<f64> = Vec::with_capacity(arch.layers.len());
    let mut hidden = Vec::with_capacity(arch.layers.len() + 1);
    for (i, layer) in arch.layers.iter().enumerate() {
        let c_in: Vec<f64> = arch
            .sources(i)
            .iter()
            .map(|s| s.layer().map_or(ip_channels, |j| channels[j]))
            .collect();
        let (label, c_out) = label_and_channels(layer, &c_in);
        let first = c_in[0];
        let mass = match label {
            l if l.is_pool() => first,
            Label::Add | Label::Concat => c_out,
            _ => first * c_out,
        };
        hidden.push(Node { label, mass });
        channels.push(c_out);
    }
    let last = channels.last().copied().unwrap_or(ip_channels);
    hidden.push(Node {
        label: Label::Dense,
        mass: last * f64::from(arch.classes),
    });
    let layer_mass: f64 = hidden.iter().map(|n| n.mass).sum();
    let io_mass = (0.1 * layer_mass).max(100.0);
    let io = |label| Node {
        label,
        mass: io_mass,
    };

    let mut graph = DiGraph::with_capacity(hidden.len() + 3, hidden.len() + 2);
    let ip = graph.add_node(io(Label::Ip));
    let nodes: Vec<NodeIndex> = hidden.into_iter().map(|n| graph.add_node(n)).collect();
    let node_of = |s: Source| s.layer().map_or(ip, |j| nodes[j]);
    for (i, &node) in nodes.iter().enumerate().take(arch.layers.len()) {
        for s in arch.sources(i) {
            graph.add_edge(node_of(s), node, ());
        }
    }
    // The head reads the last hidden layer (or the image), then softmax, then op.
    let head = nodes[arch.layers.len()];
    graph.add_edge(node_of(Source::previous(arch.layers.len())), head, ());
    let softmax = graph.add_node(io(Label::Softmax));
    let op = graph.add_node(io(Label::Op));
    graph.add_edge(head, softmax, ());
    graph.add_edge(softmax, op, ());
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
        Architecture::new(Input::new(28, 28, 3), 10, layers)
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

    #[test]
    fn a_skip_is_an_edge_and_gives_paths_of_two_lengths() {
        // ip → conv3 → relu → conv3 → add(2, 0) → dense → softmax → op, with 0 → add.
        let net = OtmannNetwork::new(
            &Architecture::from_json(
                r#"{"input":{"height":8,"width":8,"channels":1},"classes":2,"layers":[
                {"type":"conv2d","filters":4,"kernel":3,"padding":"same"},
                {"type":"activation","function":"relu"},
                {"type":"conv2d","filters":4,"kernel":3,"padding":"same"},
                {"type":"add","inputs":[2,0]}]}"#,
            )
            .unwrap(),
        );
        let labels: Vec<_> = net.nodes.iter().map(|n| n.label).collect();
        use Label::*;
        assert_eq!(labels, [Ip, Conv3, Relu, Conv3, Add, Dense, Softmax, Op]);
        // The add weighs the channels it outputs.
        assert_eq!(net.nodes[4].mass, 4.0);
        // From ip to the add: shortest ip → conv → add (2), longest through both convs (4),
        // random walk the mean over its two inputs ((1 + 1) + (3 + 1)) / 2 = 3.
        assert_eq!(net.from_ip[4][..3], [2.0, 4.0, 3.0]);
        // Conv edges on those paths: 1 and 2.
        assert_eq!(net.from_ip[4][3..5], [1.0, 2.0]);
        // From the first conv to op: through the add directly (4 hops) or via relu, conv (6).
        assert_eq!(net.to_op[1][..2], [4.0, 6.0]);
    }
}
