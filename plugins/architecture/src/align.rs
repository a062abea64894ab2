//! Aligning two layer chains for a layer-by-layer comparison: the fewest edits (insert,
//! remove, change of hyperparameters) that turn one chain into the other.

use serde::Serialize;
use ts_rs::TS;

use crate::Layer;

/// How one aligned row relates the two chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum RowKind {
    /// The same layer on both sides.
    Same,
    /// The same type with other hyperparameters.
    Changed,
    /// Only in the second chain.
    Inserted,
    /// Only in the first chain.
    Removed,
}

/// One row: indices into the first (`a`) and second (`b`) chain, `None` for a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct AlignedRow {
    pub kind: RowKind,
    pub a: Option<usize>,
    pub b: Option<usize>,
}

/// Cost of turning layer `x` into layer `y`: 0 if equal, 1 for the same type, otherwise
/// more than a removal plus an insertion (never aligned).
fn substitution(x: &Layer, y: &Layer) -> u32 {
    if x == y {
        0
    } else if x.kind() == y.kind() {
        1
    } else {
        3
    }
}

/// The alignment of `a` and `b` with the fewest edits; ties prefer keeping layers in place.
pub fn align(a: &[Layer], b: &[Layer]) -> Vec<AlignedRow> {
    let (n, m) = (a.len(), b.len());
    // cost[i][j]: edits turning a[i..] into b[j..].
    let mut cost = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            cost[i][j] = if i == n {
                (m - j) as u32
            } else if j == m {
                (n - i) as u32
            } else {
                (substitution(&a[i], &b[j]) + cost[i + 1][j + 1])
                    .min(1 + cost[i + 1][j])
                    .min(1 + cost[i][j + 1])
            };
        }
    }
    let mut rows = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && cost[i][j] == substitution(&a[i], &b[j]) + cost[i + 1][j + 1] {
            let kind = if a[i] == b[j] {
                RowKind::Same
            } else {
                RowKind::Changed
            };
            rows.push(AlignedRow {
                kind,
                a: Some(i),
                b: Some(j),
            });
            i += 1;
            j += 1;
        } else if i < n && cost[i][j] == 1 + cost[i + 1][j] {
            rows.push(AlignedRow {
                kind: RowKind::Removed,
                a: Some(i),
                b: None,
            });
            i += 1;
        } else {
            rows.push(AlignedRow {
                kind: RowKind::Inserted,
                a: None,
                b: Some(j),
            });
            j += 1;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Activation;

    fn relu() -> Layer {
        Layer::Activation {
            function: Activation::Relu,
        }
    }

    fn kinds(rows: &[AlignedRow]) -> Vec<RowKind> {
        rows.iter().map(|r| r.kind).collect()
    }

    #[test]
    fn identical_chains_align_one_to_one() {
        let a = [Layer::conv(8, 3), relu(), Layer::maxpool(2)];
        let rows = align(&a, &a);
        assert_eq!(kinds(&rows), [RowKind::Same; 3]);
        assert_eq!(rows[2].b, Some(2));
    }

    #[test]
    fn a_removed_layer_leaves_a_gap_and_the_rest_aligned() {
        let a = [
            Layer::conv(8, 3),
            relu(),
            Layer::maxpool(2),
            Layer::conv(16, 3),
        ];
        let b = [Layer::conv(8, 3), Layer::maxpool(2), Layer::conv(16, 5)];
        let rows = align(&a, &b);
        use RowKind::*;
        assert_eq!(kinds(&rows), [Same, Removed, Same, Changed]);
        assert_eq!(
            rows[1],
            AlignedRow {
                kind: Removed,
                a: Some(1),
                b: None
            }
        );
        assert_eq!(rows[3].a, Some(3));
        assert_eq!(rows[3].b, Some(2));
    }

    #[test]
    fn an_inserted_layer_is_marked_in_the_second_chain() {
        let a = [Layer::conv(8, 3), Layer::maxpool(2)];
        let b = [Layer::conv(8, 3), relu(), Layer::maxpool(2)];
        use RowKind::*;
        assert_eq!(kinds(&align(&a, &b)), [Same, Inserted, Same]);
        assert_eq!(kinds(&align(&[], &b)), [Inserted; 3]);
    }
}
