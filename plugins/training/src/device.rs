//! Which device trains: burn's `flex` CPU backend or a wgpu adapter, chosen at run time.

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};

use burn::tensor::wgpu::wgpu;
use burn::tensor::{Device, DeviceKind};
use serde::{Deserialize, Serialize};

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// A real GPU when one is found, otherwise the CPU.
    #[default]
    Auto,
    Cpu,
    /// A wgpu adapter; when no hardware GPU exists a software one (llvmpipe/lavapipe) is
    /// accepted, since the user asked for the GPU code path explicitly.
    Gpu,
}

/// `--device` values other than auto, cpu and gpu.
#[derive(Debug, thiserror::Error)]
#[error("unknown device {0:?}: expected auto, cpu or gpu")]
pub struct UnknownDevice(String);

impl FromStr for DeviceChoice {
    type Err = UnknownDevice;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "cpu" => Ok(Self::Cpu),
            "gpu" => Ok(Self::Gpu),
            _ => Err(UnknownDevice(s.to_string())),
        }
    }
}

/// A forced GPU that is not there.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("--device gpu: no wgpu adapter found (no Vulkan, Metal or DX12 driver answered)")]
    NoGpu,
}

/// The device a run trains on, with a description for logs and results.
#[derive(Debug, Clone)]
pub struct SelectedDevice {
    /// The plain (non-autodiff) device.
    pub device: Device,
    /// `cpu (flex)` or `gpu (<adapter name>, <api>)`.
    pub description: String,
    pub is_gpu: bool,
}

impl fmt::Display for SelectedDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

/// One adapter wgpu reports.
#[derive(Debug, Clone)]
pub struct Adapter {
    pub name: String,
    pub api: String,
    pub kind: wgpu::DeviceType,
    /// Position among adapters of the same kind, as cubecl numbers them.
    pub index: usize,
}

impl Adapter {
    /// A hardware GPU, not a software rasteriser running on the CPU.
    pub fn is_hardware(&self) -> bool {
        matches!(
            self.kind,
            wgpu::DeviceType::DiscreteGpu
                | wgpu::DeviceType::IntegratedGpu
                | wgpu::DeviceType::VirtualGpu
        )
    }

    fn rank(&self) -> u8 {
        match self.kind {
            wgpu::DeviceType::DiscreteGpu => 0,
            wgpu::DeviceType::IntegratedGpu => 1,
            wgpu::DeviceType::VirtualGpu => 2,
            wgpu::DeviceType::Other => 3,
            wgpu::DeviceType::Cpu => 4,
        }
    }

    fn device_kind(&self) -> DeviceKind {
        match self.kind {
            wgpu::DeviceType::DiscreteGpu => DeviceKind::DiscreteGpu(self.index),
            wgpu::DeviceType::IntegratedGpu => DeviceKind::IntegratedGpu(self.index),
            wgpu::DeviceType::VirtualGpu => DeviceKind::VirtualGpu(self.index),
            wgpu::DeviceType::Cpu => DeviceKind::Cpu,
            wgpu::DeviceType::Other => DeviceKind::DefaultDevice,
        }
    }
}

/// The adapters of the graphics API cubecl would pick (Vulkan, else Metal, else DX12), probed
/// once per process (every probe makes the Vulkan loader and its layers start up again).
pub fn adapters() -> Vec<Adapter> {
    static ADAPTERS: OnceLock<Vec<Adapter>> = OnceLock::new();
    ADAPTERS.get_or_init(probe_adapters).clone()
}

fn probe_adapters() -> Vec<Adapter> {
    for backend in [
        wgpu::Backend::Vulkan,
        wgpu::Backend::Metal,
        wgpu::Backend::Dx12,
    ] {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
            backends: backend.into(),
            ..wgpu::InstanceDescriptor::new_without_display_handle()
        });
        let infos: Vec<wgpu::AdapterInfo> = block_on(instance.enumerate_adapters(backend.into()))
            .iter()
            .map(wgpu::Adapter::get_info)
            .collect();
        if infos.is_empty() {
            continue;
        }
        let mut seen: Vec<wgpu::DeviceType> = Vec::new();
        return infos
            .into_iter()
            .map(|info| {
                let index = seen.iter().filter(|&&k| k == info.device_type).count();
                seen.push(info.device_type);
                Adapter {
                    name: info.name,
                    api: format!("{:?}", info.backend),
                    kind: info.device_type,
                    index,
                }
            })
            .collect();
    }
    Vec::new()
}

/// Whether `dev` (`/dev`) has a node through which Linux reaches a hardware GPU: a DRM render
/// node (`dri/renderD*`: every Mesa driver, and NVIDIA's with nvidia-drm), NVIDIA's own
/// `nvidia0`…, or WSL's `dxg`. Without one no hardware adapter can exist, so `auto` need not
/// probe Vulkan at all: on a server that probe only finds Mesa's software rasteriser, and
/// Mesa's device-select layer prints "error: XDG_RUNTIME_DIR is invalid or not set in the
/// environment." while it looks for a Wayland compositor.
fn has_gpu_node(dev: &Path) -> bool {
    let named = |dir: &Path, wanted: &dyn Fn(&str) -> bool| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_str().is_some_and(wanted))
        })
    };
    let nvidia = |name: &str| {
        name.strip_prefix("nvidia")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    named(&dev.join("dri"), &|name| name.starts_with("renderD"))
        || named(dev, &nvidia)
        || dev.join("dxg").exists()
}

/// Whether `auto` should look for a hardware adapter at all (always, except on a Linux machine
/// without a GPU device node).
fn worth_probing() -> bool {
    !cfg!(target_os = "linux") || has_gpu_node(Path::new("/dev"))
}

/// Picks the device for `choice` and logs it (at info level: `REMAP_LOG=info`).
pub fn select(choice: DeviceChoice) -> Result<SelectedDevice, DeviceError> {
    let (selected, why) = match choice {
        DeviceChoice::Cpu => (cpu(), "asked for the CPU"),
        DeviceChoice::Auto if !worth_probing() => (cpu(), "no GPU device node in /dev"),
        DeviceChoice::Auto => match best_adapter(adapters(), false) {
            Some(adapter) => (gpu(adapter), "the best hardware adapter"),
            None => (cpu(), "no hardware GPU adapter"),
        },
        DeviceChoice::Gpu => (
            gpu(best_adapter(adapters(), true).ok_or(DeviceError::NoGpu)?),
            "asked for the GPU",
        ),
    };
    tracing::info!(device = %selected.description, why, "training device");
    Ok(selected)
}

/// The best adapter: discrete before integrated before virtual; software ones only if allowed.
fn best_adapter(mut adapters: Vec<Adapter>, allow_software: bool) -> Option<Adapter> {
    adapters.retain(|a| allow_software || a.is_hardware());
    adapters.sort_by_key(Adapter::rank);
    adapters.into_iter().next()
}

fn cpu() -> SelectedDevice {
    SelectedDevice {
        device: Device::flex(),
        description: "cpu (flex)".to_string(),
        is_gpu: false,
    }
}

fn gpu(adapter: Adapter) -> SelectedDevice {
    let software = if adapter.is_hardware() {
        ""
    } else {
        tracing::warn!(adapter = %adapter.name, "no hardware GPU: using a software wgpu adapter");
        ", software"
    };
    SelectedDevice {
        device: Device::wgpu(adapter.device_kind()),
        description: format!("gpu ({}, {}{software})", adapter.name, adapter.api),
        is_gpu: true,
    }
}

/// Runs a future to completion on this thread (wgpu's enumeration is async, and resolves
/// immediately on native platforms).
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adapter(kind: wgpu::DeviceType, name: &str) -> Adapter {
        Adapter {
            name: name.into(),
            api: "Vulkan".into(),
            kind,
            index: 0,
        }
    }

    #[test]
    fn parses_choices() {
        assert_eq!("auto".parse::<DeviceChoice>().unwrap(), DeviceChoice::Auto);
        assert_eq!("gpu".parse::<DeviceChoice>().unwrap(), DeviceChoice::Gpu);
        assert!("tpu".parse::<DeviceChoice>().is_err());
    }

    #[test]
    fn software_adapters_do_not_count_for_auto() {
        let lavapipe = adapter(wgpu::DeviceType::Cpu, "llvmpipe");
        assert!(best_adapter(vec![lavapipe.clone()], false).is_none());
        assert_eq!(best_adapter(vec![lavapipe], true).unwrap().name, "llvmpipe");
    }

    #[test]
    fn discrete_gpus_are_preferred() {
        let list = vec![
            adapter(wgpu::DeviceType::Cpu, "llvmpipe"),
            adapter(wgpu::DeviceType::IntegratedGpu, "igpu"),
            adapter(wgpu::DeviceType::DiscreteGpu, "dgpu"),
        ];
        assert_eq!(best_adapter(list, false).unwrap().name, "dgpu");
    }

    #[test]
    fn gpu_device_nodes_are_recognised() {
        let dev = tempfile::tempdir().unwrap();
        assert!(!has_gpu_node(dev.path()), "an empty /dev");
        std::fs::create_dir(dev.path().join("dri")).unwrap();
        std::fs::write(dev.path().join("dri/card0"), "").unwrap();
        std::fs::write(dev.path().join("nvidiactl"), "").unwrap();
        std::fs::write(dev.path().join("nvidia-uvm"), "").unwrap();
        assert!(
            !has_gpu_node(dev.path()),
            "a display card without a render node, NVIDIA's control nodes"
        );
        std::fs::write(dev.path().join("nvidia0"), "").unwrap();
        assert!(has_gpu_node(dev.path()));
        std::fs::remove_file(dev.path().join("nvidia0")).unwrap();
        std::fs::write(dev.path().join("dri/renderD128"), "").unwrap();
        assert!(has_gpu_node(dev.path()));
    }

    #[test]
    fn cpu_is_flex() {
        let d = select(DeviceChoice::Cpu).unwrap();
        assert!(!d.is_gpu);
        assert_eq!(d.description, "cpu (flex)");
    }
}
