// Native folder picker (Tauri's dialog plugin); typing the path stays possible.
import { open } from "@tauri-apps/plugin-dialog";

/** Asks the user for a folder; null when they cancel. */
export async function chooseFolder(title: string, defaultPath?: string): Promise<string | null> {
  const picked = await open({ directory: true, multiple: false, title, defaultPath: defaultPath || undefined });
  return typeof picked === "string" ? picked : null;
}
