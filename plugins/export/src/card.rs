//! The model card: `README.md` in the export folder.

use std::fmt::Write;

use remap_architecture::{Snac, thousands};

use crate::{ExportError, Format, TrainedModel};

/// The model card of `model` as Markdown.
pub fn model_card(model: &TrainedModel) -> Result<String, ExportError> {
    model.check()?;
    let arch = &model.arch;
    let about = &model.about;
    let snac = Snac::of(arch)?;
    let params = arch.params()?;
    let mut s = String::new();
    let w = &mut s;

    writeln!(w, "# REMAP model `{}`\n", arch.hash()).unwrap();
    let accuracy = about
        .val_accuracy
        .map(|a| format!(", held-out accuracy {:.2} %", a * 100.0))
        .unwrap_or_default();
    writeln!(
        w,
        "`{}`: {} hidden layers, {} parameters, {} classes{accuracy}.\n",
        arch.summary(),
        arch.layers.len(),
        thousands(params),
        arch.classes,
    )
    .unwrap();
    if !about.source.is_empty() {
        writeln!(w, "Exported from {}.\n", about.source).unwrap();
    }

    writeln!(w, "## Layers\n").unwrap();
    writeln!(w, "| # | layer | output | parameters |").unwrap();
    writeln!(w, "|---:|---|---|---:|").unwrap();
    writeln!(w, "| | input | {} | |", dims(&snac.input)).unwrap();
    for (i, layer) in snac.layers.iter().enumerate() {
        let reads = match arch.inputs.get(&i) {
            None => String::new(),
            Some(sources) => {
                let list: Vec<String> = sources.iter().map(ToString::to_string).collect();
                format!(" (reads {})", list.join(", "))
            }
        };
        writeln!(
            w,
            "| {i} | {}{reads} | {} | {} |",
            layer.text,
            dims(&layer.output),
            thousands(layer.params)
        )
        .unwrap();
    }
    writeln!(
        w,
        "| | head: flatten → dense({}) → softmax | {} | {} |",
        snac.head.classes,
        snac.head.classes,
        thousands(snac.head.params)
    )
    .unwrap();
    writeln!(w, "| | **total** | | **{}** |\n", thousands(params)).unwrap();
    if !arch.is_chain() {
        graph(w, arch);
    }

    writeln!(w, "## Data\n").unwrap();
    writeln!(w, "- Data set: `{}`", or_unknown(&about.dataset)).unwrap();
    if let (Some(train), Some(held_out)) = (about.train_images, about.held_out_images) {
        writeln!(w, "- Images: {train} for training, {held_out} held out").unwrap();
    }
    let i = &arch.input;
    writeln!(
        w,
        "- Input: {}×{}×{} (height × width × channels), pixel values in [0, 1]",
        i.height, i.width, i.channels
    )
    .unwrap();
    writeln!(
        w,
        "- Normalisation (part of the ONNX graph and of `model.probabilities`): mean {:?}, std {:?}",
        model.mean()?,
        model.std()?
    )
    .unwrap();
    writeln!(w, "- Classes, in label order:").unwrap();
    for (label, name) in model.classes.iter().enumerate() {
        writeln!(w, "  {label}. {name}").unwrap();
    }
    writeln!(w).unwrap();

    writeln!(w, "## Training\n").unwrap();
    let mut facts: Vec<(String, String)> = Vec::new();
    if let Some(seed) = about.seed {
        facts.push(("seed".into(), seed.to_string()));
    }
    facts.extend(about.settings.iter().cloned());
    if let Some(epochs) = about.epochs {
        facts.push(("epochs trained".into(), epochs.to_string()));
    }
    if let Some(status) = &about.status {
        facts.push(("status".into(), status.clone()));
    }
    if let Some(device) = &about.device {
        facts.push(("device".into(), device.clone()));
    }
    if facts.is_empty() {
        writeln!(w, "Not recorded.").unwrap();
    }
    for (name, value) in &facts {
        writeln!(w, "- {name}: {value}").unwrap();
    }
    writeln!(w).unwrap();

    writeln!(w, "## Results on the held-out images\n").unwrap();
    match &about.per_class_accuracy {
        Some(per_class) => {
            writeln!(w, "| class | accuracy |").unwrap();
            writeln!(w, "|---|---:|").unwrap();
            for (name, acc) in model.classes.iter().zip(per_class) {
                let acc = acc.map_or("–".into(), |a| format!("{:.2} %", a * 100.0));
                writeln!(w, "| {name} | {acc} |").unwrap();
            }
            writeln!(w).unwrap();
        }
        None => writeln!(w, "Per-class accuracy: not recorded.\n").unwrap(),
    }
    match &about.confusion {
        Some(rows) => {
            writeln!(
                w,
                "Confusion matrix (rows: true class, columns: predicted):\n"
            )
            .unwrap();
            let header: Vec<String> = (0..model.classes.len()).map(|c| c.to_string()).collect();
            writeln!(w, "| true \\ predicted | {} |", header.join(" | ")).unwrap();
            writeln!(w, "|---|{}", "---:|".repeat(header.len())).unwrap();
            for (label, row) in rows.iter().enumerate() {
                let name = model.classes.get(label).map_or("?", String::as_str);
                let cells: Vec<String> = row.iter().map(u64::to_string).collect();
                writeln!(w, "| {label} {name} | {} |", cells.join(" | ")).unwrap();
            }
            writeln!(w).unwrap();
        }
        None => writeln!(w, "Confusion matrix: not recorded.\n").unwrap(),
    }

    writeln!(w, "## Lineage\n").unwrap();
    match &about.lineage {
        Some(l) => {
            writeln!(w, "- Model {} ({})", l.model, l.origin).unwrap();
            match l.parent {
                Some(parent) => {
                    let summary = l
                        .parent_summary
                        .as_ref()
                        .map(|s| format!(": `{s}`"))
                        .unwrap_or_default();
                    writeln!(w, "- Parent: model {parent}{summary}").unwrap();
                }
                None => writeln!(w, "- Parent: none").unwrap(),
            }
            if !l.changes.is_empty() {
                writeln!(w, "- Changes from the parent:").unwrap();
                for change in &l.changes {
                    writeln!(w, "  - {change}").unwrap();
                }
            }
        }
        None => writeln!(w, "No parent: trained directly from its architecture file.").unwrap(),
    }
    writeln!(w).unwrap();

    writeln!(w, "## Files\n").unwrap();
    for format in Format::ALL {
        let what = match format {
            Format::Json => "the architecture (REMAP's JSON format) with `params` and `hash`",
            Format::Safetensors => {
                "the weights, PyTorch names and layouts (`layers.{i}.weight`, `head.weight`, …)"
            }
            Format::Onnx => {
                "ONNX (opset 17): input `image` [N, C, H, W] in [0, 1], output `probabilities` [N, classes]; class names in the metadata"
            }
            Format::Pytorch => "a PyTorch `nn.Module`; `model.load()` reads the safetensors file",
            Format::Card => "this card",
        };
        writeln!(w, "- `{}`: {what}", format.file_name()).unwrap();
    }
    writeln!(w, "\nExported by REMAP {}.", env!("CARGO_PKG_VERSION")).unwrap();
    Ok(s)
}

/// A Mermaid flowchart of a graph's connections, which Markdown viewers draw.
fn graph(w: &mut String, arch: &remap_architecture::Architecture) {
    writeln!(w, "## Graph\n").unwrap();
    writeln!(w, "```mermaid\nflowchart TB").unwrap();
    writeln!(w, "    input([input])").unwrap();
    for (i, layer) in arch.layers.iter().enumerate() {
        writeln!(w, "    L{i}[\"{i}: {layer}\"]").unwrap();
    }
    writeln!(w, "    head([head])").unwrap();
    let node = |s: remap_architecture::Source| match s.layer() {
        None => "input".to_string(),
        Some(j) => format!("L{j}"),
    };
    for i in 0..arch.layers.len() {
        for s in arch.sources(i) {
            writeln!(w, "    {} --> L{i}", node(s)).unwrap();
        }
    }
    let last = remap_architecture::Source::previous(arch.layers.len());
    writeln!(w, "    {} --> head\n```\n", node(last)).unwrap();
}

fn dims(d: &[u32]) -> String {
    d.iter().map(u32::to_string).collect::<Vec<_>>().join("×")
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() { "unknown" } else { s }
}
