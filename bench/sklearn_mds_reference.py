#!/usr/bin/env python3
"""Reference stress for `plugins/metrics/tests/sampled.rs`: scikit-learn's metric SMACOF on the
OTMANN matrix of 200 architectures sampled from REMAP's search space (seed 2019).

    cargo run -p remap-metrics --example otmann_matrix -- 200 2019 > /tmp/otmann200.json
    python3 bench/sklearn_mds_reference.py /tmp/otmann200.json

Prints Kruskal's stress-1, sqrt(sum (d_ij - delta_ij)^2 / sum d_ij^2) over pairs i < j with d the
layout's distances, computed from the returned coordinates exactly as `remap_metrics::kruskal_stress`
does. The value goes into SKLEARN_STRESS in the Rust test, which needs no Python.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.manifold import MDS


def kruskal_stress(delta, x):
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    iu = np.triu_indices(len(x), 1)
    return float(np.sqrt(((d[iu] - delta[iu]) ** 2).sum() / (d[iu] ** 2).sum()))


def main():
    delta = np.array(json.load(open(sys.argv[1])), dtype=float)
    params = dict(n_components=2, n_init=4, max_iter=3000, eps=1e-9, random_state=0)
    try:
        # scikit-learn >= 1.8 names it `metric="precomputed"` and wants the init stated.
        mds = MDS(metric="precomputed", metric_mds=True, init="random", **params)
    except TypeError:
        mds = MDS(dissimilarity="precomputed", metric=True, **params)
    x = mds.fit_transform(delta)
    print(f"scikit-learn {sklearn.__version__}: n = {len(delta)}, stress-1 = {kruskal_stress(delta, x):.10f}")


if __name__ == "__main__":
    main()
