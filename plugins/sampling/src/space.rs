//! The search space as data (spec §3): hyperparameter grids and the pre-dense / post-dense
//! transition tables, with the built-in `remap-2019` preset and validation of user files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use rand::Rng;
use remap_architecture::{Layer, LayerKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::hyper::{self, HValue, Hyperparameter};
use crate::{SamplingError, SpaceError};

/// What a transition list may name: a layer type, or `end` (the head follows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Layer(LayerKind),
    End,
}

impl Step {
    fn parse(name: &str) -> Option<Step> {
        if name == "end" {
            Some(Step::End)
        } else {
            LayerKind::from_name(name).map(Step::Layer)
        }
    }

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Step::Layer(kind) => kind.name(),
            Step::End => "end",
        }
    }
}

/// Which row of a table to draw from: the start of the chain, or after a layer type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Row {
    Start,
    After(LayerKind),
}

impl Row {
    fn parse(name: &str) -> Option<Row> {
        if name == "start" {
            Some(Row::Start)
        } else {
            LayerKind::from_name(name).map(Row::After)
        }
    }

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Row::Start => "start",
            Row::After(kind) => kind.name(),
        }
    }

    /// The row that follows a layer of `kind`, or the start row when there is none.
    pub fn after(previous: Option<LayerKind>) -> Row {
        previous.map_or(Row::Start, Row::After)
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One transition table: previous type → the list (with repeats) the next type is drawn from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    rows: BTreeMap<Row, Vec<Step>>,
}

impl Table {
    /// The list drawn from after `row`, if the table has that row.
    pub fn row(&self, row: Row) -> Option<&[Step]> {
        self.rows.get(&row).map(Vec::as_slice)
    }

    /// Every row and its list.
    pub fn rows(&self) -> impl Iterator<Item = (Row, &[Step])> {
        self.rows.iter().map(|(r, l)| (*r, l.as_slice()))
    }

    fn parse(
        table: &'static str,
        raw: &BTreeMap<String, Vec<String>>,
    ) -> Result<Table, SpaceError> {
        let extra = if table == "pre_dense" {
            ", or start"
        } else {
            ""
        };
        let mut rows = BTreeMap::new();
        for (name, list) in raw {
            let row = Row::parse(name).ok_or_else(|| SpaceError::UnknownType {
                table,
                row: name.clone(),
                found: name.clone(),
                extra,
            })?;
            if table == "post_dense" && row == Row::Start {
                return Err(SpaceError::UnknownType {
                    table,
                    row: name.clone(),
                    found: name.clone(),
                    extra: " (post_dense has no start row: it begins after the first dense)",
                });
            }
            if list.is_empty() {
                return Err(SpaceError::EmptyRow {
                    table,
                    row: name.clone(),
                });
            }
            let steps = list
                .iter()
                .map(|item| {
                    Step::parse(item).ok_or_else(|| SpaceError::UnknownType {
                        table,
                        row: name.clone(),
                        found: item.clone(),
                        extra: ", or end",
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            rows.insert(row, steps);
        }
        Ok(Table { rows })
    }

    fn to_names(&self) -> BTreeMap<String, Vec<String>> {
        self.rows
            .iter()
            .map(|(row, list)| {
                (
                    row.name().to_string(),
                    list.iter().map(|s| s.name().to_string()).collect(),
                )
            })
            .collect()
    }
}

/// Hyperparameter grids: for each layer type, the values each of its hyperparameters is
/// drawn from (uniformly).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct Grids(BTreeMap<LayerKind, BTreeMap<Hyperparameter, Vec<HValue>>>);

impl Grids {
    /// The grid of `param` for `kind` (empty if there is none).
    pub fn values(&self, kind: LayerKind, param: Hyperparameter) -> &[HValue] {
        self.0
            .get(&kind)
            .and_then(|g| g.get(&param))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether layers of `kind` can be drawn: it has a grid and none of its grids is empty.
    pub fn can_draw(&self, kind: LayerKind) -> bool {
        self.0.contains_key(&kind)
            && Hyperparameter::of(kind)
                .iter()
                .all(|p| !self.values(kind, *p).is_empty())
    }

    /// A layer of `kind` with each hyperparameter drawn uniformly from its grid.
    /// The caller checks [`Grids::can_draw`] first.
    pub fn draw<R: Rng + ?Sized>(&self, kind: LayerKind, rng: &mut R) -> Layer {
        let mut layer = hyper::blank(kind);
        for &param in Hyperparameter::of(kind) {
            let value = *pick(rng, self.values(kind, param));
            layer = hyper::set(&layer, param, value).expect("grids are validated");
        }
        layer
    }

    /// These grids narrowed to `allowed` values (a hyperparameter not named keeps its grid).
    pub fn restricted(&self, allowed: &BTreeMap<Hyperparameter, Vec<HValue>>) -> Grids {
        let mut out = self.clone();
        for grid in out.0.values_mut() {
            for (param, values) in grid.iter_mut() {
                if let Some(keep) = allowed.get(param) {
                    values.retain(|v| keep.contains(v));
                }
            }
        }
        out
    }

    fn validate(&self) -> Result<(), SpaceError> {
        for (&kind, grid) in &self.0 {
            let expected = Hyperparameter::of(kind);
            for (&param, values) in grid {
                if !expected.contains(&param) {
                    return Err(SpaceError::BadGridValue {
                        kind: kind.name(),
                        param: param.name(),
                        reason: format!(
                            "{kind} has no hyperparameter `{param}` (it has: {})",
                            expected
                                .iter()
                                .map(|p| p.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
                if values.is_empty() {
                    return Err(SpaceError::EmptyGrid {
                        kind: kind.name(),
                        param: param.name(),
                    });
                }
                for value in values {
                    check_value(kind, param, *value)?;
                }
            }
            if let Some(missing) = expected.iter().find(|p| !grid.contains_key(p)) {
                return Err(SpaceError::EmptyGrid {
                    kind: kind.name(),
                    param: missing.name(),
                });
            }
        }
        Ok(())
    }
}

fn check_value(kind: LayerKind, param: Hyperparameter, value: HValue) -> Result<(), SpaceError> {
    let bad = |reason: String| SpaceError::BadGridValue {
        kind: kind.name(),
        param: param.name(),
        reason,
    };
    match (param, value) {
        (Hyperparameter::Function, HValue::Function(_)) => Ok(()),
        (Hyperparameter::Function, v) => Err(bad(format!(
            "`{v}` is not an activation function (relu, tanh, sigmoid)"
        ))),
        (Hyperparameter::Rate, HValue::Rate(r)) if r > 0.0 && r < 1.0 => Ok(()),
        (Hyperparameter::Rate, v) => Err(bad(format!("{v} is not a rate in (0, 1)"))),
        (_, HValue::Int(n)) if (1..=1 << 16).contains(&n) => Ok(()),
        (_, v) => Err(bad(format!(
            "{v} is not a whole number between 1 and 65536"
        ))),
    }
}

/// Draws one element uniformly. Indices are drawn as `u32` so that a seed gives the same
/// sequence on 32- and 64-bit machines.
pub(crate) fn pick<'a, T, R: Rng + ?Sized>(rng: &mut R, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len() as u32) as usize]
}

/// A complete search space: grids plus the pre-dense and post-dense transition tables.
///
/// Serialises to (and deserialises from, with validation) the file format:
/// `{"name", "grids": {"conv2d": {"kernel": [1,3,5], …}, …}, "pre_dense": {"start": [...],
/// "conv2d": [...], …}, "post_dense": {"dense": [...], …}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(try_from = "SpaceFile", into = "SpaceFile")]
pub struct SearchSpace {
    name: String,
    grids: Grids,
    #[ts(as = "BTreeMap<String, Vec<String>>")]
    pre_dense: Table,
    #[ts(as = "BTreeMap<String, Vec<String>>")]
    post_dense: Table,
    #[ts(optional)]
    residual: Option<Residual>,
}

/// Residual blocks (spec §9.4), the one way a space samples skips: after each activation
/// drawn before the first dense layer, with `probability` the sampler appends
/// `conv2d(k, same) → relu → conv2d(k, same) → add(that, the activation)`, keeping the
/// channels, with `k` drawn uniformly from `kernel`; the chain then goes on as after a conv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Residual {
    /// Chance of a block after each pre-dense activation, in [0, 1].
    pub probability: f64,
    /// Kernel sizes of the block's convolutions (odd, so `same` padding is symmetric).
    pub kernel: Vec<u32>,
}

impl Residual {
    fn validate(&self) -> Result<(), SpaceError> {
        let bad = |reason: String| SpaceError::BadResidual { reason };
        if !(0.0..=1.0).contains(&self.probability) {
            return Err(bad(format!(
                "probability {} is outside [0, 1]",
                self.probability
            )));
        }
        if self.kernel.is_empty() {
            return Err(bad("kernel lists no size".into()));
        }
        match self.kernel.iter().find(|&&k| k % 2 == 0 || k > 15) {
            Some(k) => Err(bad(format!("kernel {k} is not an odd size from 1 to 15"))),
            None => Ok(()),
        }
    }
}

/// The file form of a [`SearchSpace`], before validation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpaceFile {
    #[serde(default = "custom_name")]
    name: String,
    grids: Grids,
    pre_dense: BTreeMap<String, Vec<String>>,
    post_dense: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    residual: Option<Residual>,
}

fn custom_name() -> String {
    "custom".into()
}

impl TryFrom<SpaceFile> for SearchSpace {
    type Error = SpaceError;

    fn try_from(file: SpaceFile) -> Result<Self, SpaceError> {
        let space = SearchSpace {
            name: file.name,
            grids: file.grids,
            pre_dense: Table::parse("pre_dense", &file.pre_dense)?,
            post_dense: Table::parse("post_dense", &file.post_dense)?,
            residual: file.residual,
        };
        space.validate()?;
        Ok(space)
    }
}

impl From<SearchSpace> for SpaceFile {
    fn from(space: SearchSpace) -> Self {
        SpaceFile {
            name: space.name,
            grids: space.grids,
            pre_dense: space.pre_dense.to_names(),
            post_dense: space.post_dense.to_names(),
            residual: space.residual,
        }
    }
}

/// The syntax of a search-space file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Toml,
}

/// The `remap-2019` preset's file, embedded so that the binaries need nothing beside them.
const REMAP_2019: &str = include_str!("../presets/remap-2019.toml");
/// The `residual` preset: `remap-2019` with residual blocks.
const RESIDUAL: &str = include_str!("../presets/residual.toml");

/// The built-in presets' names.
pub const PRESETS: [&str; 2] = ["remap-2019", "residual"];

/// Which table a chain is in: pre-dense until the first dense layer, post-dense after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    PreDense,
    PostDense,
}

impl Phase {
    /// The phase after the layers `before` (post-dense once any of them is dense).
    pub fn after(before: &[Layer]) -> Phase {
        if before.iter().any(|l| l.kind() == LayerKind::Dense) {
            Phase::PostDense
        } else {
            Phase::PreDense
        }
    }

    fn table_name(self) -> &'static str {
        match self {
            Phase::PreDense => "pre_dense",
            Phase::PostDense => "post_dense",
        }
    }

    /// The phase after emitting a layer of `kind` in this phase.
    pub fn then(self, kind: LayerKind) -> Phase {
        if kind == LayerKind::Dense {
            Phase::PostDense
        } else {
            self
        }
    }
}

impl SearchSpace {
    /// REMAP's search space exactly as spec §3 gives it: `presets/remap-2019.toml`, read like
    /// any user's file.
    pub fn remap_2019() -> SearchSpace {
        static PRESET: LazyLock<SearchSpace> = LazyLock::new(|| {
            SearchSpace::parse(REMAP_2019, Format::Toml)
                .unwrap_or_else(|e| panic!("presets/remap-2019.toml: {e}"))
        });
        PRESET.clone()
    }

    /// A built-in preset by name: `remap-2019` (chains only) or `residual` (its tables and
    /// grids, plus residual blocks).
    pub fn preset(name: &str) -> Option<SearchSpace> {
        match name {
            "remap-2019" => Some(SearchSpace::remap_2019()),
            "residual" => Some(
                SearchSpace::parse(RESIDUAL, Format::Toml)
                    .unwrap_or_else(|e| panic!("presets/residual.toml: {e}")),
            ),
            _ => None,
        }
    }

    /// The space's residual blocks, if it samples any.
    pub fn residual(&self) -> Option<&Residual> {
        self.residual.as_ref()
    }

    /// Loads and validates a search space from a JSON file, or TOML if the name ends in `.toml`.
    pub fn from_file(path: &Path) -> Result<SearchSpace, SamplingError> {
        let text = std::fs::read_to_string(path).map_err(|source| SamplingError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let format = if path.extension().is_some_and(|e| e == "toml") {
            Format::Toml
        } else {
            Format::Json
        };
        SearchSpace::parse(&text, format).map_err(|message| SamplingError::Parse {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses and validates the text of a search-space file.
    fn parse(text: &str, format: Format) -> Result<SearchSpace, String> {
        let file: SpaceFile = match format {
            Format::Toml => toml::from_str(text).map_err(|e| e.to_string())?,
            Format::Json => serde_json::from_str(text).map_err(|e| e.to_string())?,
        };
        SearchSpace::try_from(file).map_err(|e| e.to_string())
    }

    /// A preset name or a file path.
    pub fn from_name_or_file(spec: &str) -> Result<SearchSpace, SamplingError> {
        match SearchSpace::preset(spec) {
            Some(space) => Ok(space),
            None => SearchSpace::from_file(Path::new(spec)),
        }
    }

    /// The space's name (`remap-2019` for the preset).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The hyperparameter grids.
    pub fn grids(&self) -> &Grids {
        &self.grids
    }

    /// The transition table of a phase.
    pub fn table(&self, phase: Phase) -> &Table {
        match phase {
            Phase::PreDense => &self.pre_dense,
            Phase::PostDense => &self.post_dense,
        }
    }

    /// The list the next type is drawn from after `row` in `phase`.
    pub fn row(&self, phase: Phase, row: Row) -> Option<&[Step]> {
        self.table(phase).row(row)
    }

    /// Checks grids, that every listed type has a grid and a row, that no spatial layer
    /// follows a dense one, and that every row can reach `end`.
    fn validate(&self) -> Result<(), SpaceError> {
        self.grids.validate()?;
        if let Some(residual) = &self.residual {
            residual.validate()?;
        }
        if self.pre_dense.row(Row::Start).is_none() {
            return Err(SpaceError::NoStart);
        }
        for phase in [Phase::PreDense, Phase::PostDense] {
            let table = phase.table_name();
            for (row, list) in self.table(phase).rows() {
                for step in list {
                    let Step::Layer(kind) = *step else { continue };
                    if kind.is_merge() {
                        return Err(SpaceError::MergeInTable {
                            table,
                            row: row.name().into(),
                            kind: kind.name(),
                        });
                    }
                    if phase == Phase::PostDense && kind.is_spatial() {
                        return Err(SpaceError::SpatialAfterDense {
                            row: row.name().into(),
                            kind: kind.name(),
                        });
                    }
                    if !self.grids.0.contains_key(&kind) {
                        return Err(SpaceError::MissingGrid {
                            table,
                            row: row.name().into(),
                            kind: kind.name(),
                        });
                    }
                    let next = phase.then(kind);
                    if self.row(next, Row::After(kind)).is_none() {
                        return Err(SpaceError::MissingRow {
                            table,
                            row: row.name().into(),
                            kind: kind.name(),
                            next_table: next.table_name(),
                        });
                    }
                }
            }
        }
        // Rows that can reach `end`, grown to a fixed point.
        let mut ends: BTreeSet<(Phase, Row)> = BTreeSet::new();
        loop {
            let before = ends.len();
            for phase in [Phase::PreDense, Phase::PostDense] {
                for (row, list) in self.table(phase).rows() {
                    let reaches = list.iter().any(|step| match *step {
                        Step::End => true,
                        Step::Layer(kind) => ends.contains(&(phase.then(kind), Row::After(kind))),
                    });
                    if reaches {
                        ends.insert((phase, row));
                    }
                }
            }
            if ends.len() == before {
                break;
            }
        }
        for phase in [Phase::PreDense, Phase::PostDense] {
            for (row, _) in self.table(phase).rows() {
                if !ends.contains(&(phase, row)) {
                    return Err(SpaceError::NoEnd {
                        table: phase.table_name(),
                        row: row.name().into(),
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use remap_architecture::Activation;

    use super::*;

    /// A table from rows of `(type, repeats)`.
    fn table(table: &'static str, rows: &[(&str, &[(&str, usize)])]) -> Result<Table, SpaceError> {
        let owned = rows
            .iter()
            .map(|(row, list)| {
                let items = list
                    .iter()
                    .flat_map(|(name, n)| std::iter::repeat_n(name.to_string(), *n))
                    .collect();
                (row.to_string(), items)
            })
            .collect();
        Table::parse(table, &owned)
    }

    /// The preset as the Rust literals `remap_2019` built it from before it became a file.
    fn remap_2019_literal() -> SearchSpace {
        use HValue::{Function, Int, Rate};
        use Hyperparameter as H;
        let grid = |entries: &[(Hyperparameter, Vec<HValue>)]| entries.iter().cloned().collect();
        let pool = || {
            grid(&[
                (H::Size, vec![Int(5), Int(3), Int(2)]),
                (H::Stride, vec![Int(2)]),
            ])
        };
        let grids = Grids(BTreeMap::from([
            (
                LayerKind::Conv2d,
                grid(&[
                    (H::Kernel, vec![Int(1), Int(3), Int(5)]),
                    (H::Filters, vec![Int(16), Int(32), Int(64), Int(128)]),
                    (H::Stride, vec![Int(1)]),
                ]),
            ),
            (
                LayerKind::Dense,
                grid(&[(H::Units, vec![Int(16), Int(64), Int(128), Int(256)])]),
            ),
            (
                LayerKind::Activation,
                grid(&[(
                    H::Function,
                    vec![
                        Function(Activation::Tanh),
                        Function(Activation::Relu),
                        Function(Activation::Sigmoid),
                    ],
                )]),
            ),
            (
                LayerKind::Dropout,
                grid(&[(
                    H::Rate,
                    (1..=7).map(|i| Rate(f64::from(i) * 0.125)).collect(),
                )]),
            ),
            (LayerKind::Maxpool2d, pool()),
            (LayerKind::Avgpool2d, pool()),
        ]));
        let pre_dense = table(
            "pre_dense",
            &[
                (
                    "start",
                    &[
                        ("conv2d", 6),
                        ("dense", 1),
                        ("avgpool2d", 1),
                        ("maxpool2d", 1),
                        ("dropout", 1),
                        ("activation", 1),
                        ("end", 1),
                    ],
                ),
                (
                    "conv2d",
                    &[
                        ("activation", 3),
                        ("conv2d", 1),
                        ("dropout", 1),
                        ("avgpool2d", 1),
                        ("dense", 1),
                        ("end", 1),
                    ],
                ),
                (
                    "activation",
                    &[
                        ("avgpool2d", 1),
                        ("conv2d", 3),
                        ("dense", 1),
                        ("dropout", 1),
                        ("end", 1),
                    ],
                ),
                (
                    "dropout",
                    &[("avgpool2d", 1), ("conv2d", 2), ("dense", 1), ("end", 1)],
                ),
                (
                    "avgpool2d",
                    &[
                        ("conv2d", 2),
                        ("dense", 1),
                        ("dropout", 1),
                        ("avgpool2d", 1),
                        ("activation", 1),
                        ("end", 1),
                    ],
                ),
                (
                    "maxpool2d",
                    &[
                        ("conv2d", 2),
                        ("dense", 1),
                        ("dropout", 1),
                        ("avgpool2d", 1),
                        ("activation", 1),
                        ("end", 1),
                    ],
                ),
            ],
        )
        .expect("the preset's names are valid");
        let post_dense = table(
            "post_dense",
            &[
                (
                    "dense",
                    &[("activation", 3), ("dropout", 1), ("dense", 1), ("end", 1)],
                ),
                ("activation", &[("dense", 1), ("dropout", 1), ("end", 1)]),
                ("dropout", &[("dense", 1), ("end", 1)]),
            ],
        )
        .expect("the preset's names are valid");
        let space = SearchSpace {
            name: "remap-2019".into(),
            grids,
            pre_dense,
            post_dense,
            residual: None,
        };
        space.validate().expect("the preset is valid");
        space
    }

    #[test]
    fn the_preset_file_equals_the_literal_preset() {
        assert_eq!(SearchSpace::remap_2019(), remap_2019_literal());
    }

    #[test]
    fn the_residual_preset_is_remap_2019_with_residual_blocks() {
        let residual = SearchSpace::preset("residual").unwrap();
        assert_eq!(residual.name(), "residual");
        assert_eq!(
            residual.residual(),
            Some(&Residual {
                probability: 0.8,
                kernel: vec![3]
            })
        );
        let mut chain = residual.clone();
        chain.residual = None;
        chain.name = "remap-2019".into();
        assert_eq!(chain, SearchSpace::remap_2019());
        for name in PRESETS {
            assert!(SearchSpace::preset(name).is_some(), "{name}");
        }
    }

    #[test]
    fn tables_cannot_list_merges_and_residual_sections_are_checked() {
        let mut file = SpaceFile::from(SearchSpace::remap_2019());
        file.pre_dense.get_mut("start").unwrap().push("add".into());
        let e = SearchSpace::try_from(file).unwrap_err().to_string();
        assert!(
            e.contains("row `start` lists `add`: merges are not drawn"),
            "{e}"
        );
        for (residual, says) in [
            (
                Residual {
                    probability: 1.5,
                    kernel: vec![3],
                },
                "probability 1.5",
            ),
            (
                Residual {
                    probability: 0.5,
                    kernel: vec![],
                },
                "no size",
            ),
            (
                Residual {
                    probability: 0.5,
                    kernel: vec![3, 4],
                },
                "kernel 4",
            ),
        ] {
            let mut file = SpaceFile::from(SearchSpace::remap_2019());
            file.residual = Some(residual);
            let e = SearchSpace::try_from(file).unwrap_err().to_string();
            assert!(e.starts_with("residual: ") && e.contains(says), "{e}");
        }
    }

    #[test]
    fn the_preset_file_loads_as_a_user_file() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/remap-2019.toml");
        let spec = path.to_str().unwrap();
        let space = SearchSpace::from_name_or_file(spec).unwrap();
        assert_eq!(space, SearchSpace::remap_2019());
        assert_eq!(SearchSpace::preset("remap-2019"), Some(space));
    }
}
