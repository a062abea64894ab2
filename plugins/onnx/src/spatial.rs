//! ONNX's Conv, MaxPool and AveragePool attributes as REMAP's conv2d and pool layers:
//! square kernels, equal strides, no dilation or groups, and padding that is none or `same`.

use remap_architecture::{Layer, Padding, Shape};

use crate::ImportError;
use crate::node::Node;

/// The layer of a `Conv` node with weight dimensions `weight` on `input`, and a note when
/// its padding was read as REMAP's `same` without being exactly it.
pub fn conv(
    node: &Node,
    input: Shape,
    weight: &[i64],
) -> Result<(Layer, Option<String>), ImportError> {
    let &[filters, per_group, kh, kw] = weight else {
        return Err(node.malformed(format!("weight has dimensions {weight:?}, not 4")));
    };
    let group = node.int("group", 1);
    if group != 1 {
        return Err(node.refuse(
            format!("grouped convolution (group = {group})"),
            "REMAP's convolutions connect every input channel: use groups=1",
        ));
    }
    dilations(node)?;
    let kernel = square(node, [kh, kw])?;
    if let Some(shape) = node.ints("kernel_shape")
        && shape != [kh, kw]
    {
        return Err(node.malformed(format!(
            "kernel_shape {shape:?} differs from the weight's {kh}×{kw}"
        )));
    }
    if i64::from(input.channels()) != per_group {
        return Err(node.malformed(format!(
            "weight reads {per_group} channels, the input has {}",
            input.channels()
        )));
    }
    let stride = stride(node)?;
    let (padding, note) = padding(node, input, kernel, stride, true)?;
    let filters = u32::try_from(filters).map_err(|_| node.malformed("bad filter count"))?;
    let layer = Layer::Conv2d {
        filters,
        kernel,
        stride,
        padding,
    };
    Ok((layer, note))
}

/// The layer of a `MaxPool` or `AveragePool` node on `input`.
pub fn pool(node: &Node, input: Shape) -> Result<Layer, ImportError> {
    let Some(shape) = node.ints("kernel_shape") else {
        return Err(node.malformed("has no kernel_shape"));
    };
    let &[kh, kw] = &shape[..] else {
        return Err(node.malformed(format!("kernel_shape {shape:?} is not 2-D")));
    };
    let size = square(node, [kh, kw])?;
    dilations(node)?;
    let stride = stride(node)?;
    padding(node, input, size, stride, false)?;
    if node.int("ceil_mode", 0) != 0
        && let Shape::Spatial { height, width, .. } = input
    {
        let rounds_up = |w: u32| w >= size && !(w - size).is_multiple_of(stride);
        if rounds_up(height) || rounds_up(width) {
            return Err(node.refuse(
                format!("ceil_mode rounds the output of this {input} map up"),
                "REMAP's pools round down: use ceil_mode=False",
            ));
        }
    }
    Ok(if node.op() == "MaxPool" {
        Layer::Maxpool2d { size, stride }
    } else {
        Layer::Avgpool2d { size, stride }
    })
}

fn square(node: &Node, [h, w]: [i64; 2]) -> Result<u32, ImportError> {
    if h != w {
        return Err(node.refuse(
            format!("{h}×{w} window"),
            "REMAP's kernels and pools are square: use a k×k window",
        ));
    }
    u32::try_from(h)
        .ok()
        .filter(|&k| k > 0)
        .ok_or_else(|| node.malformed(format!("window {h}")))
}

fn dilations(node: &Node) -> Result<(), ImportError> {
    match node.ints("dilations") {
        Some(d) if d.iter().any(|&v| v != 1) => Err(node.refuse(
            format!("dilation {d:?}"),
            "REMAP's windows are not dilated: use dilation 1",
        )),
        _ => Ok(()),
    }
}

fn stride(node: &Node) -> Result<u32, ImportError> {
    let strides = node.ints("strides").unwrap_or_else(|| vec![1, 1]);
    match strides[..] {
        [s, t] if s == t && s > 0 => Ok(s as u32),
        _ => Err(node.refuse(
            format!("strides {strides:?}"),
            "REMAP's strides are equal in both directions",
        )),
    }
}

/// Valid or same; explicit pads that give `same`'s output size are read as `same` (with a
/// note when they are placed differently). Pools take no padding.
fn padding(
    node: &Node,
    input: Shape,
    kernel: u32,
    stride: u32,
    same_allowed: bool,
) -> Result<(Padding, Option<String>), ImportError> {
    let Shape::Spatial { height, width, .. } = input else {
        return Err(node.malformed(format!("input {input} is not a feature map")));
    };
    let auto = node.string("auto_pad").unwrap_or_default();
    let pads = node.ints("pads").unwrap_or_else(|| vec![0; 4]);
    let suggestion = if same_allowed {
        "REMAP pads none (valid) or to keep ⌈size/stride⌉ (same): use padding=0, \
         padding=\"same\", or k//2 with an odd k and stride 1"
    } else {
        "REMAP's pools take no padding: pool without it"
    };
    let (padding, note) = match auto.as_str() {
        "VALID" => (Padding::Valid, None),
        "SAME_UPPER" => (Padding::Same, None),
        "SAME_LOWER" => (
            Padding::Same,
            Some(format!(
                "`{}`: SAME_LOWER read as same (REMAP puts an odd pixel at the end)",
                node.name
            )),
        ),
        "" | "NOTSET" => {
            let same = Padding::Same
                .amounts(
                    [height as usize, width as usize],
                    kernel as usize,
                    stride as usize,
                )
                .map(|p| p as i64);
            if pads.iter().all(|&p| p == 0) {
                (Padding::Valid, None)
            } else if pads == same {
                (Padding::Same, None)
            } else if pads.len() == 4 && keeps_same_size(&pads, [height, width], kernel, stride) {
                let note = format!(
                    "`{}`: pads {pads:?} give same's output size; REMAP places them as {same:?}",
                    node.name
                );
                (Padding::Same, Some(note))
            } else {
                return Err(node.refuse(format!("padding {pads:?}"), suggestion));
            }
        }
        other => return Err(node.malformed(format!("auto_pad `{other}`"))),
    };
    if padding == Padding::Same && !same_allowed {
        return Err(node.refuse(format!("padding {pads:?} ({auto})"), suggestion));
    }
    Ok((padding, note))
}

/// Whether pads `[top, left, bottom, right]` give `⌈size/stride⌉` outputs in both directions.
fn keeps_same_size(pads: &[i64], [height, width]: [u32; 2], kernel: u32, stride: u32) -> bool {
    let fits = |size: u32, before: i64, after: i64| {
        let padded = i64::from(size) + before + after;
        padded >= i64::from(kernel)
            && (padded - i64::from(kernel)) / i64::from(stride) + 1
                == i64::from(size.div_ceil(stride))
    };
    fits(height, pads[0], pads[2]) && fits(width, pads[1], pads[3])
}
