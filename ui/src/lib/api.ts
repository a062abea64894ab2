// Every call from the UI to Rust goes through this module, typed once.
import { invoke } from "@tauri-apps/api/core";

/** What the app knows about itself (version, where user data lives, training device). */
export interface AppInfo {
  version: string;
  dataDir: string;
  device: string;
}

/** One layer's output shape and parameter count, as the Rust architecture crate infers them. */
export interface LayerReport {
  type: string;
  output: number[];
  params: number;
}

/** The Rust side's verdict on an architecture: shapes and parameters, or why it is invalid. */
export type ArchitectureCheck =
  | { valid: true; params: number; hash: string; summary: string; layers: LayerReport[] }
  | { valid: false; error: string; layer: number | null };

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  checkArchitecture: (json: string) => invoke<ArchitectureCheck>("check_architecture", { json }),
};
