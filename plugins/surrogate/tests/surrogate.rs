//! The surrogate on architectures sampled from REMAP's search space (issue 29).

use std::collections::HashSet;
use std::sync::OnceLock;

use remap_architecture::{Architecture, Input};
use remap_metrics::{OtmannNetwork, otmann_normalized};
use remap_sampling::{Sampler, SearchSpace};
use remap_surrogate::{
    DistanceCache, FitOptions, Hyperparameters, Observation, Surrogate, SurrogateError,
    expected_improvement, spearman,
};

fn nets(n: usize, seed: u64) -> Vec<Architecture> {
    Sampler::new(SearchSpace::remap_2019(), Input::new(28, 28, 1), 10, seed)
        .with_max_params(100_000)
        .sample_many(n)
}

/// A structure-dependent stand-in for accuracy: nets nearer (by OTMANN) to two "good" nets
/// of another seed do better, and size helps a little.
fn objective(a: &Architecture) -> f64 {
    static GOOD: OnceLock<Vec<OtmannNetwork>> = OnceLock::new();
    let good = GOOD.get_or_init(|| nets(2, 99).iter().map(OtmannNetwork::new).collect());
    let net = OtmannNetwork::new(a);
    let size = (a.params().unwrap() as f64).log10();
    0.75 - 0.3 * otmann_normalized(&good[0], &net) - 0.2 * otmann_normalized(&good[1], &net)
        + 0.03 * (size - 4.0)
}

fn observe(
    archs: &[Architecture],
    accuracy: impl Fn(usize, &Architecture) -> f64,
) -> Vec<Observation> {
    archs
        .iter()
        .enumerate()
        .map(|(i, a)| Observation::new(a.clone(), accuracy(i, a).clamp(0.0, 1.0)))
        .collect()
}

fn held_out_rho(train: &[Observation], test: &[Architecture]) -> f64 {
    let surrogate = Surrogate::fit(train, DistanceCache::new(), FitOptions::default()).unwrap();
    let predicted: Vec<f64> = surrogate
        .predict_many(test)
        .unwrap()
        .iter()
        .map(|p| p.mean)
        .collect();
    let actual: Vec<f64> = test.iter().map(objective).collect();
    spearman(&predicted, &actual).unwrap()
}

/// Fitted to 40 nets, the GP ranks 30 others by the structural objective (ρ 0.93 when
/// written); the same fit to
/// shuffled accuracies does not pass the bound, so the bound tells learning from luck.
#[test]
fn ranks_held_out_nets_by_a_structural_objective() {
    let archs = nets(70, 2019);
    let (train, test) = archs.split_at(40);
    let rho = held_out_rho(&observe(train, |_, a| objective(a)), test);
    assert!(rho > 0.8, "held-out Spearman ρ {rho}");
    let shuffled = observe(train, |i, _| objective(&train[(i * 17 + 5) % train.len()]));
    let control = held_out_rho(&shuffled, test);
    assert!(control < 0.8, "shuffled accuracies gave ρ {control}");
}

fn fixed(observations: &[Observation]) -> Surrogate {
    Surrogate::with_hyperparameters(
        observations,
        DistanceCache::new(),
        Hyperparameters::default(),
    )
    .unwrap()
}

/// The index of the net nearest to `archs[0]` by the fitted kernel's own distances.
fn nearest_to_first(archs: &[Architecture]) -> usize {
    let nets: Vec<_> = archs
        .iter()
        .map(remap_metrics::OtmannNetwork::new)
        .collect();
    (1..archs.len())
        .min_by(|&i, &j| {
            let d = |k: usize| otmann_normalized(&nets[0], &nets[k]);
            d(i).total_cmp(&d(j))
        })
        .unwrap()
}

#[test]
fn a_pending_model_lowers_the_uncertainty_near_it_and_the_value_of_near_duplicates() {
    let archs = nets(40, 7);
    let observations = observe(&archs[..20], |_, a| objective(a));
    let candidates = &archs[20..];
    let twin = 20 + nearest_to_first(candidates);
    let base = fixed(&observations);
    let before = base
        .predict_many(&[archs[20].clone(), archs[twin].clone()])
        .unwrap();
    let best = observations.iter().map(|o| o.accuracy).fold(0.0, f64::max);

    let pending = base.with_pending(&[archs[20].clone()]).unwrap();
    let after = pending
        .predict_many(&[archs[20].clone(), archs[twin].clone()])
        .unwrap();
    for (b, a) in before.iter().zip(&after) {
        assert!(
            (b.mean - a.mean).abs() < 1e-9,
            "the mean moved: {b:?} → {a:?}"
        );
        assert!(a.std < b.std, "σ did not drop: {b:?} → {a:?}");
    }
    assert!(
        after[0].std < 0.5 * before[0].std,
        "{:?} → {:?}",
        before[0],
        after[0]
    );
    let ei = |p| expected_improvement(p, best);
    assert!(
        ei(after[1]) < ei(before[1]),
        "EI of the near-duplicate did not drop"
    );

    // Clearing the pending list gives the observations' σ back.
    let cleared = pending
        .with_pending(&[])
        .unwrap()
        .predict(&archs[20])
        .unwrap();
    assert!((cleared.std - before[0].std).abs() < 1e-12);
}

/// The same surprising result moves the prediction at its net less after 1 of 10 epochs
/// than after all 10.
#[test]
fn a_low_fidelity_observation_moves_the_prediction_less() {
    let archs = nets(30, 11);
    let mut observations = observe(&archs[..20], |_, a| objective(a));
    // A net not observed yet (the sampler can draw a net twice).
    let target = archs[20..]
        .iter()
        .find(|a| archs[..20].iter().all(|o| o.hash() != a.hash()))
        .unwrap();
    let base = fixed(&observations).predict(target).unwrap().mean;
    let surprise = (base + 0.2).min(1.0);
    observations.push(Observation::new(target.clone(), surprise));
    let full = fixed(&observations).predict(target).unwrap().mean;
    let last = observations.len() - 1;
    observations[last] = Observation::new(target.clone(), surprise).with_epochs(1, 10);
    let partial = fixed(&observations).predict(target).unwrap().mean;
    assert!(
        full - base > 0.03,
        "a full observation moved {base} to {full}"
    );
    assert!(
        partial > base,
        "a partial observation should still pull up: {base} → {partial}"
    );
    assert!(
        partial - base < 0.5 * (full - base),
        "partial {partial}, full {full}, base {base}"
    );
}

#[test]
fn distances_are_cached_once_per_pair_and_survive_serialisation() {
    let archs = nets(12, 3);
    let observations = observe(&archs[..10], |_, a| objective(a));
    let surrogate = fixed(&observations);
    // The sampler can draw the same net twice; a pair of equal hashes needs no distance.
    let unique = |a: &[Architecture]| {
        a.iter()
            .map(Architecture::hash)
            .collect::<HashSet<_>>()
            .len()
    };
    let (n, all) = (unique(&archs[..10]), unique(&archs));
    assert_eq!(surrogate.distances().len(), n * (n - 1) / 2);
    surrogate.predict_many(&archs[10..]).unwrap();
    let cache = surrogate.distances();
    assert_eq!(cache.len(), n * (n - 1) / 2 + (all - n) * n);
    let (a, b) = (archs[0].hash(), archs[11].hash());
    assert_eq!(cache.get(&a, &b), cache.get(&b, &a));

    let text = serde_json_roundtrip(&cache);
    assert_eq!(text.len(), cache.len());
    for pair in cache.pairs() {
        let back = text.get(&pair.b, &pair.a).unwrap();
        for c in 0..4 {
            assert!((back.plain[c] - pair.distances.plain[c]).abs() <= 1e-9 * back.plain[c]);
            assert!((back.normalized[c] - pair.distances.normalized[c]).abs() < 1e-12);
        }
    }
    // A prefilled cache gives the same predictions as distances computed afresh.
    let again = Surrogate::with_hyperparameters(&observations, text, Hyperparameters::default())
        .unwrap()
        .predict(&archs[11])
        .unwrap();
    let fresh = surrogate.predict(&archs[11]).unwrap();
    assert!((again.mean - fresh.mean).abs() < 1e-9 && (again.std - fresh.std).abs() < 1e-9);
}

fn serde_json_roundtrip(cache: &DistanceCache) -> DistanceCache {
    serde_json::from_str(&serde_json::to_string(cache).unwrap()).unwrap()
}

#[test]
fn bad_observations_are_refused_with_their_index() {
    let archs = nets(2, 5);
    let fit = |o: &[Observation]| {
        Surrogate::with_hyperparameters(o, DistanceCache::new(), Hyperparameters::default())
    };
    assert!(matches!(fit(&[]), Err(SurrogateError::NoObservations)));
    let bad = [
        Observation::new(archs[0].clone(), 0.5),
        Observation::new(archs[1].clone(), 1.5),
    ];
    let err = fit(&bad).unwrap_err();
    assert!(
        matches!(err, SurrogateError::Accuracy { index: 1, .. }),
        "{err}"
    );
    let bad = [Observation::new(archs[0].clone(), 0.5).with_epochs(0, 10)];
    assert!(matches!(
        fit(&bad),
        Err(SurrogateError::Epochs { index: 0, .. })
    ));
    let bad = [Observation::new(archs[0].clone(), 0.5).with_epochs(11, 10)];
    assert!(matches!(
        fit(&bad),
        Err(SurrogateError::Epochs { index: 0, .. })
    ));
}
