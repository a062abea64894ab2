// Pure helpers of the Settings dialog: the machine's training settings as a form and back, and
// what follows from them in words. Rust decides the parallelism; this only shows it.
import type { MachineSettings, MachineView } from "./api";

export type DeviceChoice = "session" | "auto" | "cpu" | "gpu";

/** The dialog's fields: "auto"/"session" or a number the user typed. */
export interface SettingsForm {
  jobsAuto: boolean;
  jobs: number | null;
  device: DeviceChoice;
  batchSession: boolean;
  batch: number | null;
}

export const DEVICE_CHOICES: { id: DeviceChoice; label: string }[] = [
  { id: "session", label: "Each session's" },
  { id: "auto", label: "Auto (GPU when there is one)" },
  { id: "cpu", label: "CPU" },
  { id: "gpu", label: "GPU" },
];

/** The form showing saved settings. */
export function formOf(s: MachineSettings, view?: Pick<MachineView, "parallelism"> | null): SettingsForm {
  return {
    jobsAuto: s.jobs == null,
    jobs: s.jobs ?? view?.parallelism.jobs ?? 1,
    device: s.device ?? "session",
    batchSession: s.batch == null,
    batch: s.batch ?? 256,
  };
}

/** The settings a form asks for, or the reason it cannot be saved. */
export function settingsOf(f: SettingsForm): { settings: MachineSettings } | { error: string } {
  let jobs: number | null = null;
  if (!f.jobsAuto) {
    if (f.jobs === null || !Number.isInteger(f.jobs) || f.jobs < 1) return { error: "Jobs at once must be a whole number, 1 or more." };
    jobs = f.jobs;
  }
  let batch: number | null = null;
  if (!f.batchSession) {
    if (f.batch === null || !Number.isInteger(f.batch) || f.batch < 1) return { error: "The batch size must be a whole number, 1 or more." };
    batch = f.batch;
  }
  return { settings: { jobs, device: f.device === "session" ? null : f.device, batch } };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "2 jobs at once × 1 thread each, on 2 cores". */
export function parallelismText(view: Pick<MachineView, "parallelism" | "cores">): string {
  const { jobs, threads } = view.parallelism;
  return `${plural(jobs, "job")} at once × ${plural(threads, "thread")} each, on ${plural(view.cores, "core")}`;
}

/** The device and batch lines of the saved settings, in words. */
export function settingsText(s: MachineSettings): string {
  const device = s.device == null ? "each session's device" : s.device === "auto" ? "GPU when there is one, else CPU" : s.device.toUpperCase();
  const batch = s.batch == null ? "each session's batch size" : `batch size ${s.batch}`;
  return `${s.jobs == null ? "jobs at once chosen automatically" : plural(s.jobs, "job") + " at once"}; ${device}; ${batch}`;
}
