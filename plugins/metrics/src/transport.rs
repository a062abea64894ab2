//! Exact balanced optimal transport between two small mass vectors.
//!
//! Written by hand: the Rust min-cost-flow crates we found either take integer costs only and
//! build C++ (`mcmf`, LEMON) or are GPL-licensed (`rs-graph`). OTMANN's problems are tiny
//! (tens of layers a side, dense costs), so a dense successive-shortest-path solver with node
//! potentials (the primal–dual min-cost-flow algorithm) is both exact and fast: every
//! augmentation follows a shortest path in reduced costs, which keeps the flow optimal for the
//! mass moved so far, and it stops when all supply is moved.
//!
//! It starts like the Hungarian method: potentials from the column and row minima of the cost
//! matrix, and a greedy flow on the edges those minima make tight (reduced cost 0). That flow
//! satisfies the same optimality conditions, so the shortest-path phase only has to move the
//! mass the greedy start could not place, usually a few augmentations instead of one per layer.

/// An optimal transport plan and its cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Transport {
    /// Σ T·C at the optimum.
    pub cost: f64,
    /// The plan, row-major (`supply.len()` × `demand.len()`).
    pub plan: Vec<f64>,
}

/// Minimises Σ Tᵢⱼ·Cᵢⱼ over T ≥ 0 with row sums `supply` and column sums `demand`.
///
/// `cost` is row-major, `supply.len()` × `demand.len()`. Supplies and demands must be
/// non-negative with equal totals (up to rounding); costs must be finite.
pub fn solve(cost: &[f64], supply: &[f64], demand: &[f64]) -> Transport {
    let mut solver = Solver::default();
    let cost_total = solver.solve(cost, supply, demand);
    Transport {
        cost: cost_total,
        plan: solver.plan,
    }
}

/// Reusable buffers of the solver, so that a matrix of many small problems allocates once
/// per thread rather than once per pair.
#[derive(Debug, Default, Clone)]
pub struct Solver {
    excess: Vec<f64>,
    deficit: Vec<f64>,
    plan: Vec<f64>,
    pot: Vec<f64>,
    dist: Vec<f64>,
    prev: Vec<usize>,
    done: Vec<bool>,
}

impl Solver {
    /// Like [`solve`], returning only the optimal cost; the plan stays in the solver's buffers.
    pub fn solve(&mut self, cost: &[f64], supply: &[f64], demand: &[f64]) -> f64 {
        let (m, n) = (supply.len(), demand.len());
        assert_eq!(cost.len(), m * n, "cost matrix must be supply × demand");
        let total: f64 = supply.iter().sum();
        // Amounts below this are rounding noise of sums of masses, not mass to move.
        let tol = 1e-12 * total.max(demand.iter().sum());
        let reset = |v: &mut Vec<f64>, from: &[f64]| {
            v.clear();
            v.extend_from_slice(from);
        };
        reset(&mut self.excess, supply);
        reset(&mut self.deficit, demand);
        self.plan.clear();
        self.plan.resize(m * n, 0.0);
        self.pot.clear();
        self.pot.resize(m + n, 0.0);
        self.dist.resize(m + n, 0.0);
        self.prev.resize(m + n, usize::MAX);
        self.done.resize(m + n, false);
        let Solver {
            excess,
            deficit,
            plan,
            pot,
            dist,
            prev,
            done,
        } = self;
        if m == 0 || n == 0 {
            return 0.0;
        }

        // Potentials: sources 0..m, sinks m..m+n. Reduced cost of i → j is C + p_i − p_j ≥ 0.
        // Sinks get their column minimum, then sources minus their row minimum of what is left.
        for j in 0..n {
            pot[m + j] = (0..m)
                .map(|i| cost[i * n + j])
                .fold(f64::INFINITY, f64::min);
        }
        for i in 0..m {
            let row = &cost[i * n..(i + 1) * n];
            let (mut best, mut arg) = (f64::INFINITY, 0);
            for (j, c) in row.iter().enumerate() {
                let r = c - pot[m + j];
                if r < best {
                    (best, arg) = (r, j);
                }
            }
            pot[i] = -best;
            // Greedy flow on the tight edge of each row …
            push(plan, excess, deficit, n, i, arg);
        }
        // … and on every other edge the potentials make tight, in row-major order.
        for i in 0..m {
            for j in 0..n {
                if excess[i] <= tol {
                    break;
                }
                let r = cost[i * n + j] + pot[i] - pot[m + j];
                if r <= TIGHT * cost[i * n + j].abs() {
                    push(plan, excess, deficit, n, i, j);
                }
            }
        }

        while excess.iter().any(|&e| e > tol) {
            for v in 0..m + n {
                dist[v] = if v < m && excess[v] > tol {
                    0.0
                } else {
                    f64::INFINITY
                };
                prev[v] = usize::MAX;
                done[v] = false;
            }
            // Dense Dijkstra on the residual graph, stopping at the first sink that still
            // needs mass.
            let target = loop {
                let mut next = None;
                let mut best = f64::INFINITY;
                for v in 0..m + n {
                    if !done[v] && dist[v] < best {
                        (best, next) = (dist[v], Some(v));
                    }
                }
                let Some(v) = next else {
                    // Only reachable if supplies and demands do not balance.
                    return total_cost(cost, plan);
                };
                done[v] = true;
                if v >= m && deficit[v - m] > tol {
                    break v;
                }
                if v < m {
                    let row = &cost[v * n..(v + 1) * n];
                    let base = dist[v] + pot[v];
                    for (j, &c) in row.iter().enumerate() {
                        let w = m + j;
                        let d = base + c - pot[w];
                        if !done[w] && d < dist[w] {
                            dist[w] = d;
                            prev[w] = v;
                        }
                    }
                } else {
                    let j = v - m;
                    let base = dist[v] + pot[v];
                    for i in 0..m {
                        if !done[i] && plan[i * n + j] > tol {
                            let d = base - cost[i * n + j] - pot[i];
                            if d < dist[i] {
                                dist[i] = d;
                                prev[i] = v;
                            }
                        }
                    }
                }
            };
            let reach = dist[target];
            for v in 0..m + n {
                pot[v] += dist[v].min(reach);
            }
            // Bottleneck along the path: the sink's need, the source's excess, reversed flows.
            let mut amount = deficit[target - m];
            let mut v = target;
            while prev[v] != usize::MAX {
                let u = prev[v];
                if u >= m {
                    amount = amount.min(plan[v * n + (u - m)]);
                }
                v = u;
            }
            amount = amount.min(excess[v]);
            excess[v] -= amount;
            deficit[target - m] -= amount;
            let mut v = target;
            while prev[v] != usize::MAX {
                let u = prev[v];
                if u < m {
                    plan[u * n + (v - m)] += amount;
                } else {
                    plan[v * n + (u - m)] -= amount;
                }
                v = u;
            }
        }
        total_cost(cost, plan)
    }
}

/// Reduced costs up to this share of the cost count as 0 for the greedy start: rounding in
/// the potentials must not hide a tight edge, and a plan differing from the optimum by such an
/// edge differs in cost by rounding only.
const TIGHT: f64 = 1e-14;

/// Moves as much as source i can give and sink j still needs along i → j.
fn push(plan: &mut [f64], excess: &mut [f64], deficit: &mut [f64], n: usize, i: usize, j: usize) {
    let amount = excess[i].min(deficit[j]);
    if amount > 0.0 {
        plan[i * n + j] += amount;
        excess[i] -= amount;
        deficit[j] -= amount;
    }
}

fn total_cost(cost: &[f64], plan: &[f64]) -> f64 {
    plan.iter().zip(cost).map(|(t, c)| t * c).sum()
}
#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over the vertices of a 2 × 2 problem: one free variable.
    #[test]
    fn two_by_two_matches_hand_solution() {
        let t = solve(&[1.0, 4.0, 2.0, 1.0], &[3.0, 2.0], &[1.0, 4.0]);
        // Send 1 from row 0 to col 0 (cost 1), 2 from row 0 to col 1 (8), 2 row 1 → col 1 (2).
        assert!((t.cost - 11.0).abs() < 1e-12, "{}", t.cost);
        let rows: Vec<f64> = t.plan.chunks(2).map(|r| r.iter().sum()).collect();
        assert_eq!(rows, [3.0, 2.0]);
    }

    #[test]
    fn needs_rerouting_through_reverse_edges() {
        // Greedy would send row 0's mass to the cheap column 0, but row 1 can only go there.
        let c = [0.0, 1.0, 0.0, 100.0];
        let t = solve(&c, &[1.0, 1.0], &[1.0, 1.0]);
        assert!((t.cost - 1.0).abs() < 1e-12, "{}", t.cost);
        assert_eq!(t.plan, [0.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn optimal_against_all_permutations() {
        // Equal unit masses make the optimum a permutation (Birkhoff), so brute force checks it.
        let n = 5;
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as f64 / (1u64 << 31) as f64
        };
        for _ in 0..20 {
            let c: Vec<f64> = (0..n * n).map(|_| next()).collect();
            let t = solve(&c, &[1.0; 5], &[1.0; 5]);
            let mut best = f64::INFINITY;
            let mut perm: Vec<usize> = (0..n).collect();
            permutations(&mut perm, 0, &mut |p| {
                best = best.min(p.iter().enumerate().map(|(i, &j)| c[i * n + j]).sum());
            });
            assert!((t.cost - best).abs() < 1e-12, "{} vs {best}", t.cost);
        }
    }

    /// Optimality certificate independent of the solver: the plan is feasible and its residual
    /// graph (i → j always, j → i where flow can be taken back) has no negative-cost cycle.
    #[test]
    fn uneven_masses_leave_no_negative_cycle() {
        let mut seed = 777u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as f64 / (1u64 << 31) as f64
        };
        for round in 0..200 {
            let (m, n) = (2 + round % 7, 2 + (round / 7) % 6);
            let cost: Vec<f64> = (0..m * n).map(|_| 10.0 * next()).collect();
            let mut supply: Vec<f64> = (0..m).map(|_| 1.0 + 99.0 * next()).collect();
            let demand: Vec<f64> = (0..n).map(|_| 1.0 + 99.0 * next()).collect();
            let scale = demand.iter().sum::<f64>() / supply.iter().sum::<f64>();
            supply.iter_mut().for_each(|s| *s *= scale);
            let t = solve(&cost, &supply, &demand);
            for (i, s) in supply.iter().enumerate() {
                let row: f64 = t.plan[i * n..(i + 1) * n].iter().sum();
                assert!((row - s).abs() < 1e-9 * s, "row {i}: {row} vs {s}");
            }
            for (j, d) in demand.iter().enumerate() {
                let col: f64 = (0..m).map(|i| t.plan[i * n + j]).sum();
                assert!((col - d).abs() < 1e-9 * d, "column {j}: {col} vs {d}");
            }
            // Bellman–Ford from all nodes at once: still improving after m + n rounds means a
            // negative cycle, i.e. a cheaper plan exists.
            let mut dist = vec![0.0; m + n];
            let mut improved = true;
            for _ in 0..=m + n {
                improved = false;
                for i in 0..m {
                    for j in 0..n {
                        let c = cost[i * n + j];
                        if dist[i] + c < dist[m + j] - 1e-9 {
                            dist[m + j] = dist[i] + c;
                            improved = true;
                        }
                        if t.plan[i * n + j] > 1e-12 && dist[m + j] - c < dist[i] - 1e-9 {
                            dist[i] = dist[m + j] - c;
                            improved = true;
                        }
                    }
                }
            }
            assert!(!improved, "round {round}: the plan is not optimal");
        }
    }

    fn permutations(p: &mut Vec<usize>, k: usize, f: &mut impl FnMut(&[usize])) {
        if k == p.len() {
            f(p);
            return;
        }
        for i in k..p.len() {
            p.swap(k, i);
            permutations(p, k + 1, f);
            p.swap(k, i);
        }
    }
}
