//! The UI's TypeScript types (`ui/src/lib/bindings.ts`) are generated from the Rust types
//! that cross the IPC boundary, with ts-rs. This test regenerates them and fails when the
//! checked-in file differs, so a Rust change that the UI has not followed fails `make test`.
//! `make bindings` (this test with `REMAP_WRITE_BINDINGS=1`) writes the file.

use std::any::TypeId;
use std::collections::HashSet;
use std::path::PathBuf;

use remap_app_lib::AppInfo;
use remap_sampling::{AblationRequest, SearchSpace, VariationRequest};
use remap_session::views::*;
use remap_store::{QueueEvent, Template};
use ts_rs::{Config, TS, TypeVisitor};

/// Every type the window sends or receives; what they contain is found from them.
fn roots(out: &mut Declarations) {
    out.visit::<AppInfo>();
    out.visit::<SessionInfo>();
    out.visit::<NewSessionRequest>();
    out.visit::<Overview>();
    out.visit::<ModelDetail>();
    out.visit::<ClassSamples>();
    out.visit::<Comparison>();
    out.visit::<QueueJob>();
    out.visit::<QueueState>();
    out.visit::<MachineView>();
    out.visit::<QueueEvent>();
    out.visit::<GenerationPreview>();
    out.visit::<Queued>();
    out.visit::<WrittenFile>();
    out.visit::<ArchitectureCheck>();
    out.visit::<ArchitectureEdit>();
    out.visit::<Effects>();
    out.visit::<Template>();
    out.visit::<SearchSpace>();
    out.visit::<AblationRequest>();
    out.visit::<VariationRequest>();
    out.visit::<DatabaseView>();
    out.visit::<WorkersView>();
    out.visit::<SubmitWorkersRequest>();
    out.visit::<remap_session::ImportedNet>();
}

/// Declarations of the visited types and everything they depend on, each once.
struct Declarations {
    config: Config,
    seen: HashSet<TypeId>,
    decls: Vec<(String, String)>,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // Only named (derived) types have an output path; others are inlined where used.
        if T::output_path().is_some() {
            let docs = T::docs().unwrap_or_default();
            let decl = format!("{docs}export {}", T::decl(&self.config));
            self.decls.push((T::ident(&self.config), decl));
        }
        T::visit_dependencies(self);
    }
}

fn generate() -> String {
    // Every 64-bit integer we send is an id, a count, a size or a Unix time in milliseconds,
    // far below 2⁵³, and serde_json writes them as plain JSON numbers.
    let mut out = Declarations {
        config: Config::new().with_large_int("number"),
        seen: HashSet::new(),
        decls: Vec::new(),
    };
    roots(&mut out);
    out.decls.sort();
    let mut text = String::from(
        "// Generated from REMAP's Rust types by ts-rs (src-tauri/tests/bindings.rs).\n\
         // Do not edit: change the Rust type and run `make bindings`.\n",
    );
    for (_, decl) in out.decls {
        text.push('\n');
        text.push_str(decl.trim_end());
        text.push('\n');
    }
    text
}

#[test]
fn the_uis_types_equal_the_rust_ones() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    let generated = generate();
    if std::env::var_os("REMAP_WRITE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{} is not what the Rust types generate: run `make bindings` and adapt the UI",
        path.display()
    );
}

#[test]
fn the_bindings_name_every_root_once_and_use_no_bigint() {
    let text = generate();
    for name in [
        "AppInfo",
        "SessionInfo",
        "Overview",
        "QueueEvent",
        "SearchSpace",
    ] {
        let declared = format!("export type {name} = ");
        assert_eq!(text.matches(&declared).count(), 1, "{name} declared once");
    }
    assert!(
        !text.contains("bigint"),
        "64-bit integers reach the UI as numbers"
    );
}
