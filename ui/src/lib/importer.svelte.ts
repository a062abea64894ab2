// Importing a net the user already has (spec §10.4): an ONNX file from PyTorch, Keras, … or an
// architecture JSON, dropped on the window or chosen with Import…. Rust reads the file and
// either gives the architecture (weights are never imported) or names the node it refuses;
// this module only keeps what the import dialog shows.
import { open } from "@tauri-apps/plugin-dialog";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { api, type ImportedNet } from "./api";
import { errorText } from "./present";

/** The event Tauri sends the window when files from outside are dropped on it. */
export const DROP_EVENT = "tauri://drag-drop";

/** The files an import reads: ONNX models and architecture JSON. */
export const IMPORT_EXTENSIONS = ["onnx", "json"] as const;

/** Whether `path` names a file the importer reads (by its extension). */
export function importable(path: string): boolean {
  const ext = path.split(".").pop()?.toLowerCase() ?? "";
  return (IMPORT_EXTENSIONS as readonly string[]).includes(ext);
}

/** The file's name without its folders. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** What the import dialog shows: the file, then the net or the reason it was refused. */
export class Importer {
  /** The file being shown, or null while the dialog is closed. */
  path = $state<string | null>(null);
  net = $state<ImportedNet | null>(null);
  /** Rust's refusal (the op, the node and what to do) or another reason it failed. */
  error = $state<string | null>(null);
  reading = $state(false);

  /** Reads `path` and opens the dialog on the result. */
  async read(path: string) {
    this.path = path;
    this.net = null;
    this.error = null;
    this.reading = true;
    try {
      this.net = await api.importArchitecture(path);
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.reading = false;
    }
  }

  /** Asks for a file with the system's dialog, then reads it. */
  async choose() {
    const picked = await open({
      multiple: false,
      directory: false,
      title: "Import a model (ONNX or architecture JSON)",
      filters: [{ name: "ONNX model or architecture JSON", extensions: [...IMPORT_EXTENSIONS] }],
    });
    if (typeof picked === "string") await this.read(picked);
  }

  close() {
    this.path = null;
    this.net = null;
    this.error = null;
  }

  /** Reads the first importable file dropped on the window; other drops are left alone. */
  async listenForDrops(): Promise<UnlistenFn> {
    return listen<{ paths: string[] }>(DROP_EVENT, (event) => {
      const path = event.payload.paths.find(importable);
      if (path) void this.read(path);
    });
  }
}

/** The app's one importer. */
export const importer = new Importer();
