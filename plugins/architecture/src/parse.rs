//! Reading architectures from JSON with errors that point at the layer and field.

use serde_json::{Map, Value};

use std::collections::BTreeMap;

use crate::{Activation, ArchError, Architecture, Input, Layer, LayerKind, Padding, Source};

/// Largest accepted value of any integer hyperparameter; keeps shape arithmetic exact.
const MAX_INT: u64 = 1 << 16;

pub(crate) fn json_error(e: serde_json::Error) -> ArchError {
    ArchError::Json {
        line: e.line(),
        column: e.column(),
        message: without_position(&e),
    }
}

/// serde_json appends " at line L column C"; we report those separately.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

impl Architecture {
    /// Reads an architecture from a parsed JSON value, checking every field.
    ///
    /// Extra top-level fields (`name`, `params`, `hash`, …) are ignored, as spec §2 allows;
    /// unknown layer types and layer fields are errors.
    pub fn from_value(value: &Value) -> Result<Self, ArchError> {
        let top = value.as_object().ok_or_else(|| ArchError::Top {
            field: "(root)".into(),
            reason: format!(
                "expected an architecture object, found {}",
                type_name(value)
            ),
        })?;
        let input = read_input(top)?;
        let classes = top_int(top, "classes", 2)?;
        let entries: Vec<(Layer, Option<Vec<Source>>)> = match top.get("layers") {
            None => {
                return Err(top_err(
                    "layers",
                    "missing (use [] for a net with only the head)",
                ));
            }
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| read_layer(i, v))
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(top_err(
                    "layers",
                    &format!("expected an array, found {}", type_name(other)),
                ));
            }
        };
        let mut inputs = BTreeMap::new();
        let layers = entries
            .into_iter()
            .enumerate()
            .map(|(i, (layer, sources))| {
                if let Some(sources) = sources {
                    inputs.insert(i, sources);
                }
                layer
            })
            .collect();
        Ok(Architecture::new(input, classes, layers).with_inputs(inputs))
    }
}

impl Layer {
    /// Reads one layer object as it stands at hidden-layer `index` of a net (the index only
    /// names it in errors); its `inputs`, if any, are not part of the layer and are ignored.
    pub fn from_value(index: usize, value: &Value) -> Result<Self, ArchError> {
        read_layer(index, value).map(|(layer, _)| layer)
    }
}

fn top_err(field: &str, reason: &str) -> ArchError {
    ArchError::Top {
        field: field.into(),
        reason: reason.into(),
    }
}

fn read_input(top: &Map<String, Value>) -> Result<Input, ArchError> {
    let input = match top.get("input") {
        Some(Value::Object(o)) => o,
        Some(other) => {
            return Err(top_err(
                "input",
                &format!("expected an object, found {}", type_name(other)),
            ));
        }
        None => {
            return Err(top_err(
                "input",
                "missing (e.g. {\"height\": 28, \"width\": 28, \"channels\": 1})",
            ));
        }
    };
    if let Some(k) = input
        .keys()
        .find(|k| !["height", "width", "channels"].contains(&k.as_str()))
    {
        return Err(top_err(
            &format!("input.{k}"),
            "unknown field (allowed: height, width, channels)",
        ));
    }
    let dim = |name: &str| {
        top_int(input, name, 1).map_err(|e| match e {
            ArchError::Top { field, reason } => ArchError::Top {
                field: format!("input.{field}"),
                reason,
            },
            e => e,
        })
    };
    Ok(Input {
        height: dim("height")?,
        width: dim("width")?,
        channels: dim("channels")?,
    })
}

fn top_int(obj: &Map<String, Value>, field: &str, min: u64) -> Result<u32, ArchError> {
    match obj.get(field) {
        None => Err(top_err(field, "missing")),
        Some(v) => int_in_range(v, min).map_err(|reason| top_err(field, &reason)),
    }
}

fn int_in_range(v: &Value, min: u64) -> Result<u32, String> {
    match v.as_u64() {
        Some(n) if (min..=MAX_INT).contains(&n) => Ok(n as u32),
        Some(n) => Err(format!(
            "{n} is out of range (must be between {min} and {MAX_INT})"
        )),
        None if v.is_number() => Err(format!("{v} is not a whole number ≥ {min}")),
        None => Err(format!("expected a whole number, found {}", type_name(v))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The fields of one layer object, checked against what its type allows.
struct LayerFields<'a> {
    index: usize,
    kind: LayerKind,
    obj: &'a Map<String, Value>,
}

impl LayerFields<'_> {
    fn err(&self, field: &str, reason: impl Into<String>) -> ArchError {
        ArchError::Field {
            layer: self.index,
            kind: self.kind.name().into(),
            field: field.into(),
            reason: reason.into(),
        }
    }

    fn int(&self, field: &str, default: Option<u32>) -> Result<u32, ArchError> {
        match (self.obj.get(field), default) {
            (None, Some(d)) => Ok(d),
            (None, None) => Err(self.err(field, "missing")),
            (Some(v), _) => int_in_range(v, 1).map_err(|r| self.err(field, r)),
        }
    }

    fn string(&self, field: &str) -> Result<Option<&str>, ArchError> {
        match self.obj.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.err(field, format!("expected a string, found {}", type_name(v)))),
        }
    }
}

/// The fields of each type besides `type`; every type also takes `inputs`.
fn allowed_fields(kind: LayerKind) -> &'static [&'static str] {
    match kind {
        LayerKind::Conv2d => &["filters", "kernel", "stride", "padding", "inputs"],
        LayerKind::Maxpool2d | LayerKind::Avgpool2d => &["size", "stride", "inputs"],
        LayerKind::Dense => &["units", "inputs"],
        LayerKind::Activation => &["function", "inputs"],
        LayerKind::Dropout => &["rate", "inputs"],
        LayerKind::Add | LayerKind::Concat => &["inputs"],
    }
}

/// A layer's `inputs`: a non-empty array of earlier layer indices or `"input"`. Whether the
/// indices come before the layer, and how many it may list, is [`Architecture::analyze`]'s.
fn read_inputs(f: &LayerFields) -> Result<Option<Vec<Source>>, ArchError> {
    let items = match f.obj.get("inputs") {
        None => return Ok(None),
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => {
            return Err(f.err("inputs", "empty (list layer indices or \"input\")"));
        }
        Some(v) => {
            return Err(f.err(
                "inputs",
                format!(
                    "expected an array of layer indices or \"input\", found {}",
                    type_name(v)
                ),
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(k, v)| match v {
            Value::String(s) if s == "input" => Ok(Source::Input),
            v => match v.as_u64() {
                Some(i) if i <= MAX_INT => Ok(Source::Layer(i as usize)),
                _ => Err(f.err(
                    "inputs",
                    format!("item {k}: expected a layer index or \"input\", found {v}"),
                )),
            },
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

fn read_layer(index: usize, value: &Value) -> Result<(Layer, Option<Vec<Source>>), ArchError> {
    let obj = value.as_object().ok_or_else(|| ArchError::Field {
        layer: index,
        kind: "?".into(),
        field: "(layer)".into(),
        reason: format!("expected a layer object, found {}", type_name(value)),
    })?;
    let type_name_str = match obj.get("type") {
        Some(Value::String(s)) => s.as_str(),
        Some(v) => {
            return Err(ArchError::Field {
                layer: index,
                kind: "?".into(),
                field: "type".into(),
                reason: format!("expected a string, found {}", type_name(v)),
            });
        }
        None => {
            return Err(ArchError::Field {
                layer: index,
                kind: "?".into(),
                field: "type".into(),
                reason: "missing".into(),
            });
        }
    };
    let kind = LayerKind::from_name(type_name_str).ok_or_else(|| ArchError::UnknownType {
        layer: index,
        found: type_name_str.into(),
    })?;
    let allowed = allowed_fields(kind);
    if let Some(field) = obj
        .keys()
        .find(|k| *k != "type" && !allowed.contains(&k.as_str()))
    {
        return Err(ArchError::UnknownField {
            layer: index,
            kind: kind.name().into(),
            field: field.clone(),
            allowed: allowed.join(", "),
        });
    }
    let f = LayerFields { index, kind, obj };
    let inputs = read_inputs(&f)?;
    let layer = match kind {
        LayerKind::Conv2d => {
            let padding = match f.string("padding")? {
                None | Some("valid") => Padding::Valid,
                Some("same") => Padding::Same,
                Some(other) => {
                    return Err(f.err("padding", format!("`{other}` is not one of valid, same")));
                }
            };
            Layer::Conv2d {
                filters: f.int("filters", None)?,
                kernel: f.int("kernel", None)?,
                stride: f.int("stride", Some(1))?,
                padding,
            }
        }
        LayerKind::Maxpool2d => Layer::Maxpool2d {
            size: f.int("size", None)?,
            stride: f.int("stride", Some(2))?,
        },
        LayerKind::Avgpool2d => Layer::Avgpool2d {
            size: f.int("size", None)?,
            stride: f.int("stride", Some(2))?,
        },
        LayerKind::Dense => Layer::Dense {
            units: f.int("units", None)?,
        },
        LayerKind::Activation => {
            let name = f
                .string("function")?
                .ok_or_else(|| f.err("function", "missing"))?;
            let function = Activation::from_name(name).ok_or_else(|| {
                f.err(
                    "function",
                    format!("`{name}` is not one of relu, tanh, sigmoid"),
                )
            })?;
            Layer::Activation { function }
        }
        LayerKind::Dropout => {
            let rate = match obj.get("rate") {
                None => return Err(f.err("rate", "missing")),
                Some(v) => v.as_f64().ok_or_else(|| {
                    f.err("rate", format!("expected a number, found {}", type_name(v)))
                })?,
            };
            if !(rate > 0.0 && rate < 1.0) {
                return Err(f.err("rate", format!("{rate} is outside (0, 1)")));
            }
            Layer::Dropout { rate }
        }
        LayerKind::Add => Layer::Add,
        LayerKind::Concat => Layer::Concat,
    };
    Ok((layer, inputs))
}

/// One architecture read from a file that may hold many, with where it came from.
#[derive(Debug)]
pub struct ParsedItem {
    /// Where it is in the input: `line 3` (JSON Lines), `item 2` (array) or `document`.
    pub location: String,
    /// The item's `name` field, if it has one.
    pub name: Option<String>,
    /// The architecture, checked to fit together, or why not.
    pub result: Result<Architecture, ArchError>,
}

/// Reads one architecture, a JSON array of them, or JSON Lines (one per line).
///
/// A syntax error in a single document or an array fails the whole input (returned as
/// `Err`); in JSON Lines each line stands alone, so valid lines are still returned.
pub fn parse_many(text: &str) -> Result<Vec<ParsedItem>, ArchError> {
    let item = |location: String, value: &Value| ParsedItem {
        location,
        name: value
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string),
        result: Architecture::from_value(value).and_then(|a| a.analyze().map(|_| a)),
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| item(format!("item {i}"), v))
            .collect()),
        Ok(value) => Ok(vec![item("document".into(), &value)]),
        Err(e) => {
            let lines: Vec<(usize, &str)> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .collect();
            let looks_like_lines =
                lines.len() > 1 && lines.iter().all(|(_, l)| l.trim_start().starts_with('{'));
            if !looks_like_lines {
                return Err(json_error(e));
            }
            Ok(lines
                .into_iter()
                .map(|(n, line)| match serde_json::from_str::<Value>(line) {
                    Ok(v) => item(format!("line {}", n + 1), &v),
                    Err(e) => ParsedItem {
                        location: format!("line {}", n + 1),
                        name: None,
                        result: Err(ArchError::Json {
                            line: n + 1,
                            column: e.column(),
                            message: without_position(&e),
                        }),
                    },
                })
                .collect())
        }
    }
}
