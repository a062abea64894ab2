//! The sampler reproduces REMAP's distribution (spec §3) over 20,000 draws.

use remap_architecture::Input;
use remap_sampling::{Sampler, SearchSpace};

#[test]
fn remap_2019_matches_remaps_distribution() {
    let input = Input {
        height: 28,
        width: 28,
        channels: 1,
    };
    let mut sampler = Sampler::new(SearchSpace::remap_2019(), input, 10, 2019);
    let archs = sampler.sample_many(20_000);
    let mean_layers =
        archs.iter().map(|a| a.layers.len() + 1).sum::<usize>() as f64 / archs.len() as f64;
    let mut params: Vec<u64> = archs.iter().map(|a| a.params().unwrap()).collect();
    params.sort_unstable();
    let median = (params[9_999] + params[10_000]) as f64 / 2.0;
    let stats = sampler.stats();
    let share = stats.rejected_share();
    eprintln!(
        "mean layers incl. head {mean_layers:.3}, median params {median}, rejected share {:.2} % ({} of {}), max {}",
        share * 100.0,
        stats.rejected_over_cap,
        stats.accepted + stats.rejected_over_cap,
        params.last().unwrap()
    );
    assert!(
        (mean_layers - 5.26).abs() <= 0.10,
        "mean layers {mean_layers}"
    );
    assert!(
        (median - 92_600.0).abs() <= 8_000.0,
        "median params {median}"
    );
    assert!((share - 0.174).abs() <= 0.010, "rejected share {share}");
    assert_eq!(stats.dead_ends, 0);
    assert!(
        archs
            .iter()
            .all(|a| a.is_valid() && a.params().unwrap() <= 1_000_000)
    );
}
