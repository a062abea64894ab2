//! GFLOP/s of one-thread products the size of the golden nets' per-sample convolution GEMMs
//! (`W · col(x)`: filters × patch · patch × positions), as the CPU kernels call them. Run it in
//! the build profile in question: `cargo run --example gemm_shapes` (the tests' profile) or
//! `--release`.

use std::time::Instant;

use remap_gemm::{Mat, Threads, matmul};

fn main() {
    for (m, k, n) in [
        (32, 288, 576),
        (64, 288, 484),
        (32, 144, 676),
        (64, 288, 121),
    ] {
        let (a, b) = (vec![0.5f32; m * k], vec![0.25f32; k * n]);
        let mut c = vec![0.0f32; m * n];
        let flops = 2.0 * (m * k * n) as f64;
        let reps = (2e9 / flops) as usize + 1;
        let start = Instant::now();
        for _ in 0..reps {
            let (lhs, rhs) = (Mat::rows(&a, m, k), Mat::rows(&b, k, n));
            matmul(&mut c, n, false, lhs, rhs, Threads::One);
        }
        let gflops = flops * reps as f64 / start.elapsed().as_secs_f64() / 1e9;
        println!("{m}×{k} · {k}×{n}: {gflops:.1} GFLOP/s");
    }
}
