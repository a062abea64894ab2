//! Runs `tests/export_pytorch.py` on exports of a few nets: `model.py` + the safetensors file
//! must give the ONNX file's probabilities. Needs PyTorch, which CI does not install (its CPU
//! wheel and start-up would cost CI minutes): run it with `cargo test -p remap-export --test
//! pytorch -- --ignored` where `python3 -c "import torch"` works.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{IMAGES, pixels, tract_probabilities, trained};
use remap_architecture::Architecture;
use remap_export::{Format, export, to_onnx};

fn torch_available() -> bool {
    Command::new("python3")
        .args(["-c", "import torch"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
#[ignore = "needs PyTorch (python3 -c 'import torch'); run with -- --ignored where it is installed"]
fn pytorch_module_matches_the_onnx_file() {
    assert!(
        torch_available(),
        "`python3 -c \"import torch\"` fails, so tests/export_pytorch.py cannot run"
    );
    let golden = remap_golden::load();
    let same = Architecture::from_json(
        r#"{"input":{"height":11,"width":11,"channels":2},"classes":4,"layers":[
            {"type":"conv2d","filters":5,"kernel":4,"stride":2,"padding":"same"},
            {"type":"activation","function":"tanh"},
            {"type":"conv2d","filters":3,"kernel":3,"padding":"same"},
            {"type":"avgpool2d","size":2},
            {"type":"dense","units":6},
            {"type":"dropout","rate":0.5}]}"#,
    )
    .unwrap();
    let mut archs = vec![
        golden.archs[2].clone(),
        golden.archs[4].clone(),
        golden.archs[5].clone(),
        same,
    ];
    archs.extend(
        common::GRAPHS
            .iter()
            .map(|t| Architecture::from_json(t).unwrap()),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut folders = Vec::new();
    for (k, arch) in archs.iter().enumerate() {
        let model = trained(arch, 20 + k as u64);
        let out = dir.path().join(format!("net{k}"));
        export(&model, &Format::ALL, &out, false).unwrap();
        // The fixture: pixels in [0, 1] and what tract computes from the ONNX file.
        let images = pixels(arch, IMAGES, 40 + k as u64);
        let probabilities = tract_probabilities(&to_onnx(&model).unwrap(), arch, &images, IMAGES);
        let i = &arch.input;
        let fixture = serde_json::json!({
            "shape": [IMAGES, i.channels, i.height, i.width],
            "images": images.iter().map(|&p| f64::from(p) / 255.0).collect::<Vec<_>>(),
            "probabilities": probabilities,
        });
        std::fs::write(out.join("fixture.json"), fixture.to_string()).unwrap();
        folders.push(out);
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/export_pytorch.py");
    let o = Command::new("python3")
        .arg(&script)
        .args(&folders)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    println!("{stdout}");
    assert!(o.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("{} passed", archs.len())),
        "{stdout}"
    );
}
