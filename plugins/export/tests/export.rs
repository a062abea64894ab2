//! Writing an export folder: fixed file names, the non-empty-folder rule, safetensors layout,
//! architecture JSON, PyTorch module and card contents.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use remap_architecture::{Architecture, Snac};
use remap_export::{ExportError, Format, Lineage, export, named_tensors};
use remap_training::burn::tensor::Device;
use remap_training::model::Block;
use safetensors::SafeTensors;

const ARCH: &str = r#"{"input":{"height":10,"width":10,"channels":3},"classes":3,"layers":[
    {"type":"conv2d","filters":4,"kernel":3},
    {"type":"activation","function":"relu"},
    {"type":"maxpool2d","size":2},
    {"type":"dense","units":5},
    {"type":"dropout","rate":0.25}]}"#;

fn arch() -> Architecture {
    Architecture::from_json(ARCH).unwrap()
}

/// Every file of `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_non_empty_folder_needs_force_and_is_otherwise_left_untouched() {
    let model = common::trained(&arch(), 3);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    fs::write(out.join("model.onnx"), "an older file").unwrap();
    let before = snapshot(&out);

    let err = export(&model, &Format::ALL, &out, false).unwrap_err();
    assert!(matches!(err, ExportError::NotEmpty { .. }), "{err}");
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(snapshot(&out), before);

    let written = export(&model, &Format::ALL, &out, true).unwrap();
    assert_eq!(written.len(), 5);
    let after = snapshot(&out);
    assert_eq!(after["notes.txt"], b"mine");
    assert_ne!(after["model.onnx"], b"an older file");
    let names: Vec<&str> = after.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "README.md",
            "architecture.json",
            "model.onnx",
            "model.py",
            "model.safetensors",
            "notes.txt"
        ]
    );
}

#[test]
fn a_missing_folder_is_created_with_only_the_chosen_formats() {
    let model = common::trained(&arch(), 4);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a/b");
    let written = export(
        &model,
        &[Format::Onnx, Format::Json, Format::Onnx],
        &out,
        false,
    )
    .unwrap();
    let files: Vec<_> = written.iter().map(|w| w.path.clone()).collect();
    assert_eq!(
        files,
        [out.join("architecture.json"), out.join("model.onnx")]
    );
    assert_eq!(snapshot(&out).len(), 2);
    // An empty folder needs no force.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    export(&model, &[Format::Card], &empty, false).unwrap();
    // A file in the way is an error.
    let file = dir.path().join("file");
    fs::write(&file, "x").unwrap();
    let err = export(&model, &[Format::Card], &file, true).unwrap_err();
    assert!(matches!(err, ExportError::NotAFolder { .. }), "{err}");
    assert!(matches!(
        "bogus".parse::<Format>(),
        Err(ExportError::UnknownFormat(_))
    ));
}

#[test]
fn safetensors_hold_pytorch_names_and_layouts() {
    let arch = arch();
    let model = common::trained(&arch, 5);
    let dir = tempfile::tempdir().unwrap();
    export(&model, &[Format::Safetensors], dir.path(), false).unwrap();
    let bytes = fs::read(dir.path().join("model.safetensors")).unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let mut names = file.names();
    names.sort();
    assert_eq!(
        names,
        [
            "head.bias",
            "head.weight",
            "layers.0.bias",
            "layers.0.weight",
            "layers.3.bias",
            "layers.3.weight"
        ]
    );
    let shape = |n: &str| file.tensor(n).unwrap().shape().to_vec();
    assert_eq!(shape("layers.0.weight"), [4, 3, 3, 3]);
    assert_eq!(shape("layers.3.weight"), [5, 4 * 4 * 4]);
    assert_eq!(shape("head.weight"), [3, 5]);
    let floats = |n: &str| -> Vec<f32> {
        file.tensor(n)
            .unwrap()
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect()
    };
    // PyTorch's [out, in] is burn's [in, out] transposed.
    let Block::Dense(dense) = &model.net.blocks[3] else {
        panic!("layer 3 is dense")
    };
    let burn = dense
        .weight
        .val()
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap();
    let torch = floats("layers.3.weight");
    for o in 0..5 {
        for i in 0..64 {
            assert_eq!(torch[o * 64 + i], burn[i * 5 + o]);
        }
    }
    let Block::Conv(conv) = &model.net.blocks[0] else {
        panic!("layer 0 is conv")
    };
    let burn = conv
        .weight
        .val()
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap();
    assert_eq!(floats("layers.0.weight"), burn);
    assert_eq!(
        SafeTensors::read_metadata(&bytes)
            .unwrap()
            .1
            .metadata()
            .as_ref()
            .unwrap()["format"],
        "pt"
    );
    // As many values as the architecture has parameters.
    let total: usize = named_tensors(&arch, &model.net)
        .unwrap()
        .iter()
        .map(|t| t.values.len())
        .sum();
    assert_eq!(total as u64, arch.params().unwrap());
}

#[test]
fn a_net_of_another_architecture_is_refused() {
    let mut model = common::trained(&arch(), 6);
    let other = remap_golden::load().archs[0].clone();
    model.net = remap_training::Net::new(&other, 0, &Device::flex()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = export(&model, &[Format::Onnx], dir.path(), false).unwrap_err();
    assert!(matches!(err, ExportError::Weights(_)), "{err}");
    assert!(snapshot(dir.path()).is_empty());
}

#[test]
fn json_module_and_card_describe_the_model() {
    let arch = arch();
    let mut model = common::trained(&arch, 7);
    model.about.lineage = Some(Lineage {
        model: 12,
        origin: "ablation".into(),
        parent: Some(4),
        parent_summary: Some("C3x4 relu M2 D5 D7 → 3".into()),
        changes: vec!["removed dense(7) at 4".into()],
    });
    model.about.settings = vec![("batch size".into(), "16".into())];
    let dir = tempfile::tempdir().unwrap();
    export(&model, &Format::ALL, dir.path(), false).unwrap();

    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("architecture.json")).unwrap())
            .unwrap();
    assert_eq!(json["params"], arch.params().unwrap());
    assert_eq!(json["hash"], arch.hash());
    // Readers of the format get the same architecture back.
    assert_eq!(Architecture::from_json(&json.to_string()).unwrap(), arch);

    let py = fs::read_to_string(dir.path().join("model.py")).unwrap();
    for expected in [
        "class Net(nn.Module)",
        "nn.Conv2d(3, 4, kernel_size=3, stride=1)",
        "nn.MaxPool2d(2, stride=2)",
        "nn.Linear(64, 5)",
        "nn.Dropout(0.25)",
        "self.head = nn.Linear(5, 3)",
        "def load(",
        "model.safetensors",
        "CLASSES = [\"class 0\",\"class 1\",\"class 2\"]",
    ] {
        assert!(py.contains(expected), "model.py lacks {expected}:\n{py}");
    }

    let card = fs::read_to_string(dir.path().join("README.md")).unwrap();
    let snac = Snac::of(&arch).unwrap();
    for expected in [
        arch.summary(),
        format!("{} parameters", arch.params().unwrap()),
        "| 0 | conv2d(k3,f4) | 8×8×4 | 112 |".to_string(),
        format!(
            "| | head: flatten → dense(3) → softmax | 3 | {} |",
            snac.head.params
        ),
        "  2. class 2".into(),
        "- seed: 7".into(),
        "- batch size: 16".into(),
        "Confusion matrix".into(),
        "| class 0 |".into(),
        "- Parent: model 4: `C3x4 relu M2 D5 D7 → 3`".into(),
        "  - removed dense(7) at 4".into(),
        format!("REMAP {}", env!("CARGO_PKG_VERSION")),
    ] {
        assert!(
            card.contains(&expected),
            "the card lacks {expected}:\n{card}"
        );
    }
}
