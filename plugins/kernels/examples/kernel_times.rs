//! Milliseconds per kernel call (median of 10) for the convolutions and poolings of REMAP's
//! golden nets at batch 256: `cargo run -p remap-kernels --example kernel_times`.

use std::time::Instant;

use remap_kernels::{Conv2d, Pool2d, PoolKind};

fn median_ms(mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..10)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[5]
}

fn values(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5)
        .collect()
}

fn main() {
    let convs = [
        ("conv 1→32 k3 28×28", [256, 1, 28, 28], [32, 3, 3]),
        ("conv 1→64 k5 28×28", [256, 1, 28, 28], [64, 5, 5]),
        ("conv 32→64 k3 13×13", [256, 32, 13, 13], [64, 3, 3]),
        ("conv 32→32 k3 26×26", [256, 32, 26, 26], [32, 3, 3]),
        ("conv 16→32 k3 28×28", [256, 16, 28, 28], [32, 3, 3]),
        ("conv 1→128 k5 12×12", [256, 1, 12, 12], [128, 5, 5]),
    ];
    for (name, input, kernel) in convs {
        let g = Conv2d::new(input, kernel, [1, 1], [(0, 0), (0, 0)]);
        let x = values(input.iter().product());
        let w = values(kernel[0] * input[1] * kernel[1] * kernel[2]);
        let b = values(kernel[0]);
        let dy = values(input[0] * kernel[0] * g.out_h * g.out_w);
        let f = median_ms(|| drop(g.forward(&x, &w, Some(&b))));
        let bw = median_ms(|| drop(g.backward(&x, &w, &dy, false)));
        let bx = median_ms(|| drop(g.backward(&x, &w, &dy, true)));
        println!(
            "{name:24} forward {f:7.2}  backward (w, b) {bw:7.2}  backward (x, w, b) {bx:7.2}"
        );
    }
    for (name, kind, planes, hw, size) in [
        ("maxpool 2 on 64×24×24", PoolKind::Max, 256 * 64, 24, 2),
        ("avgpool 2 on 64×22×22", PoolKind::Average, 256 * 64, 22, 2),
        ("avgpool 3 on 32×26×26", PoolKind::Average, 256 * 32, 26, 3),
    ] {
        let p = Pool2d::new(planes, [hw, hw], size, 2);
        let x = values(planes * hw * hw);
        let dy = values(planes * p.out_h * p.out_w);
        let out = p.forward(kind, &x);
        let f = median_ms(|| drop(p.forward(kind, &x)));
        let b = median_ms(|| drop(p.backward(kind, &dy, &out.argmax)));
        println!("{name:24} forward {f:7.2}  backward {b:7.2}");
    }
}
