//! The plugin's command names live in one list, [`COMMANDS`] (which `build.rs` turns into
//! permissions). This test reads the other places that name commands as text, the handler,
//! the default permission set and the UI's client, and fails with the names that differ.

use std::collections::BTreeSet;
use std::path::Path;

use tauri_plugin_remap_session::COMMANDS;

/// The prefix of the plugin's commands in `invoke` calls.
const PLUGIN: &str = "plugin:remap-session|";

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text between `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).unwrap_or_else(|| panic!("no `{open}`")) + open.len();
    let len = text[start..]
        .find(close)
        .unwrap_or_else(|| panic!("no `{close}` after `{open}`"));
    &text[start..start + len]
}

/// The leading identifier characters of `text`.
fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The functions `generate_handler!` registers.
fn handler(lib: &str) -> Vec<String> {
    between(lib, "generate_handler![", "]")
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| entry.trim_start_matches("commands::").to_string())
        .collect()
}

/// The functions marked `#[tauri::command]`.
fn declared(commands: &str) -> Vec<String> {
    commands
        .split("#[tauri::command]")
        .skip(1)
        .map(|rest| {
            let after = between(rest, "fn ", "(");
            ident(after.trim()).to_string()
        })
        .collect()
}

/// The commands of the default permission set (`allow-set-budget` is `set_budget`).
fn permitted(toml: &str) -> Vec<String> {
    between(toml, "permissions = [", "]")
        .split(',')
        .map(|entry| entry.trim().trim_matches('"'))
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let name = entry
                .strip_prefix("allow-")
                .unwrap_or_else(|| panic!("`{entry}` is not an allow-* permission"));
            name.replace('-', "_")
        })
        .collect()
}

/// The commands `api.ts` invokes: `${S}name` where `S` is the plugin's prefix, or the
/// prefix written out.
fn invoked(api: &str) -> BTreeSet<String> {
    assert!(
        api.contains(&format!("const S = \"{PLUGIN}\";")),
        "api.ts no longer defines `S` as the plugin's prefix"
    );
    let mut names = BTreeSet::new();
    for marker in ["${S}", PLUGIN] {
        for (at, _) in api.match_indices(marker) {
            let name = ident(&api[at + marker.len()..]);
            if !name.is_empty() {
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// Fails with the names `found` (in `place`) has that `COMMANDS` has not, those it lacks,
/// and those it names twice.
fn same_as_commands(place: &str, found: &[String]) -> Vec<String> {
    let expected: BTreeSet<&str> = COMMANDS.iter().copied().collect();
    let got: BTreeSet<&str> = found.iter().map(String::as_str).collect();
    let mut problems = Vec::new();
    let extra: Vec<_> = got.difference(&expected).collect();
    if !extra.is_empty() {
        problems.push(format!("{place} names commands not in COMMANDS: {extra:?}"));
    }
    let missing: Vec<_> = expected.difference(&got).collect();
    if !missing.is_empty() {
        problems.push(format!("{place} lacks commands of COMMANDS: {missing:?}"));
    }
    if got.len() != found.len() {
        let mut seen = BTreeSet::new();
        let twice: Vec<_> = found.iter().filter(|n| !seen.insert(*n)).collect();
        problems.push(format!("{place} names commands twice: {twice:?}"));
    }
    problems
}

#[test]
fn every_list_of_commands_is_the_one_list() {
    let mut seen = BTreeSet::new();
    let twice: Vec<_> = COMMANDS.iter().filter(|n| !seen.insert(**n)).collect();
    assert!(twice.is_empty(), "COMMANDS names commands twice: {twice:?}");

    let invoked: Vec<String> = invoked(&read("../../../ui/src/lib/api.ts"))
        .into_iter()
        .collect();
    let problems: Vec<String> = [
        (
            "generate_handler! (src/lib.rs)",
            handler(&read("src/lib.rs")),
        ),
        ("src/commands.rs", declared(&read("src/commands.rs"))),
        (
            "permissions/default.toml",
            permitted(&read("permissions/default.toml")),
        ),
        ("ui/src/lib/api.ts", invoked),
    ]
    .iter()
    .flat_map(|(place, found)| same_as_commands(place, found))
    .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_readers_find_what_a_list_adds_drops_or_repeats() {
    let mut found: Vec<String> = COMMANDS.iter().map(|n| n.to_string()).collect();
    assert!(same_as_commands("x", &found).is_empty());
    found.pop();
    found.push("sessions".into());
    found.push("frobnicate".into());
    let problems = same_as_commands("x", &found).join("\n");
    assert!(problems.contains("\"frobnicate\""), "{problems}");
    assert!(problems.contains("\"connect_database\""), "{problems}");
    assert!(problems.contains("twice: [\"sessions\"]"), "{problems}");

    let lib = "x.invoke_handler(tauri::generate_handler![\n  commands::a,\n  commands::b\n])";
    assert_eq!(handler(lib), ["a", "b"]);
    let commands =
        "/// Doc.\n#[tauri::command]\npub async fn a(\n) {}\n#[tauri::command]\npub fn b_c() {}";
    assert_eq!(declared(commands), ["a", "b_c"]);
    let toml = "[default]\npermissions = [\n  \"allow-a\",\n  \"allow-set-budget\",\n]";
    assert_eq!(permitted(toml), ["a", "set_budget"]);
    let api = format!(
        "const S = \"{PLUGIN}\";\n a: () => invoke(`${{S}}a_b`, {{}}),\n b: () => invoke(\"{PLUGIN}c\"),\n d: () => invoke(\"app_info\")"
    );
    assert_eq!(invoked(&api).into_iter().collect::<Vec<_>>(), ["a_b", "c"]);
}
