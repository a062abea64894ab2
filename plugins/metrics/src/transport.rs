//! Exact balanced optimal transport between two small mass vectors.
//!
//! Written by hand: the Rust min-cost-flow crates we found either take integer costs only and
//! build C++ (`mcmf`, LEMON) or are GPL-licensed (`rs-graph`). OTMANN's problems are tiny
//! (tens of layers a side, dense costs), so a dense successive-shortest-path solver with node
//! potentials (the primal–dual min-cost-flow algorithm) is both exact and fast: every
//! augmentation follows a shortest path in reduced costs, which keeps the flow optimal for the
//! mass moved so far, and it stops when all supply is moved.

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
    let (m, n) = (supply.len(), demand.len());
    assert_eq!(cost.len(), m * n, "cost matrix must be supply × demand");
    let total: f64 = supply.iter().sum();
    // Amounts below this are rounding noise of sums of masses, not mass to move.
    let tol = 1e-12 * total.max(demand.iter().sum());

    let mut excess = supply.to_vec();
    let mut deficit = demand.to_vec();
    let mut plan = vec![0.0; m * n];
    // Potentials: sources 0..m, sinks m..m+n. Reduced cost of i → j is C + p_i − p_j ≥ 0.
    let mut pot = vec![0.0; m + n];
    for j in 0..n {
        pot[m + j] = (0..m)
            .map(|i| cost[i * n + j])
            .fold(f64::INFINITY, f64::min);
    }
    let mut dist = vec![f64::INFINITY; m + n];
    let mut prev = vec![usize::MAX; m + n];
    let mut done = vec![false; m + n];

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
        // Dense Dijkstra on the residual graph, stopping at the first sink that still needs mass.
        let target = loop {
            let Some(v) = (0..m + n)
                .filter(|&v| !done[v] && dist[v].is_finite())
                .min_by(|&a, &b| dist[a].total_cmp(&dist[b]))
            else {
                // Only reachable if supplies and demands do not balance.
                return finish(cost, plan);
            };
            done[v] = true;
            if v >= m && deficit[v - m] > tol {
                break v;
            }
            if v < m {
                for j in 0..n {
                    let w = m + j;
                    let d = dist[v] + cost[v * n + j] + pot[v] - pot[w];
                    if !done[w] && d < dist[w] {
                        dist[w] = d;
                        prev[w] = v;
                    }
                }
            } else {
                let j = v - m;
                for i in 0..m {
                    if !done[i] && plan[i * n + j] > tol {
                        let d = dist[v] - cost[i * n + j] + pot[v] - pot[i];
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
    finish(cost, plan)
}

fn finish(cost: &[f64], plan: Vec<f64>) -> Transport {
    let cost = plan.iter().zip(cost).map(|(t, c)| t * c).sum();
    Transport { cost, plan }
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
