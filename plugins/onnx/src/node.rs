//! One node of the graph as the importer reads it: its attributes, and errors located at it.

use crate::pb::{AttributeProto, NodeProto};
use crate::{ImportError, Refusal};

/// A node and the name errors give it.
pub struct Node<'a> {
    pub proto: &'a NodeProto,
    /// The node's name, or `#index` when the exporter left it unnamed.
    pub name: String,
}

impl<'a> Node<'a> {
    /// The `index`-th node of the graph.
    pub fn new(proto: &'a NodeProto, index: usize) -> Self {
        let name = if proto.name.is_empty() {
            format!("#{index}")
        } else {
            proto.name.clone()
        };
        Node { proto, name }
    }

    /// The op type, e.g. `Conv`.
    pub fn op(&self) -> &str {
        &self.proto.op_type
    }

    /// The names of its inputs, optional inputs left out (`""`) included.
    pub fn inputs(&self) -> &[String] {
        &self.proto.input
    }

    /// Its first output's name.
    pub fn output(&self) -> Result<&str, ImportError> {
        self.proto
            .output
            .first()
            .map(String::as_str)
            .ok_or_else(|| self.malformed("has no output"))
    }

    fn attribute(&self, name: &str) -> Option<&AttributeProto> {
        self.proto.attribute.iter().find(|a| a.name == name)
    }

    /// An integer attribute, or `default` when absent.
    pub fn int(&self, name: &str, default: i64) -> i64 {
        self.attribute(name).map_or(default, |a| a.i)
    }

    /// A float attribute, if present.
    pub fn float(&self, name: &str) -> Option<f32> {
        self.attribute(name).map(|a| a.f)
    }

    /// An integer list attribute, if present.
    pub fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.attribute(name).map(|a| a.ints.clone())
    }

    /// A string attribute, if present.
    pub fn string(&self, name: &str) -> Option<String> {
        self.attribute(name)
            .map(|a| String::from_utf8_lossy(&a.s).into_owned())
    }

    /// The whole attribute, if present.
    pub fn attr(&self, name: &str) -> Option<&AttributeProto> {
        self.attribute(name)
    }

    /// A refusal of this node: what REMAP cannot express and what to do instead.
    pub fn refuse(&self, reason: impl Into<String>, suggestion: impl Into<String>) -> ImportError {
        ImportError::Refused(Refusal {
            op: self.op().to_string(),
            node: self.name.clone(),
            reason: reason.into(),
            suggestion: suggestion.into(),
        })
    }

    /// This node cannot be read (a missing input or constant, a wrong attribute).
    pub fn malformed(&self, reason: impl Into<String>) -> ImportError {
        ImportError::Malformed {
            op: self.op().to_string(),
            node: self.name.clone(),
            reason: reason.into(),
        }
    }
}
