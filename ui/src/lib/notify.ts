// Desktop notifications through the Web Notification API, asked for politely (only when the user
// queues a long batch, never at start-up), with an in-app toast when not allowed or not there.

/** Minimum number of finished jobs for which a batch earns a notification. */
export const BATCH_NOTIFY = 5;

type NotificationCtor = typeof Notification;

function ctor(): NotificationCtor | null {
  return typeof window !== "undefined" && "Notification" in window ? (window.Notification as NotificationCtor) : null;
}

/** Asks once for permission (only while the browser has not been answered). */
export async function askNotifications(): Promise<void> {
  const N = ctor();
  if (!N || N.permission !== "default") return;
  try {
    await N.requestPermission();
  } catch {
    // Some WebViews reject instead of answering; the toast stands in.
  }
}

/** Shows a desktop notification when allowed, else calls `fallback` with the text. */
export function notify(title: string, body: string, fallback: (text: string) => void): void {
  const N = ctor();
  if (N && N.permission === "granted") {
    try {
      new N(title, { body });
      return;
    } catch {
      // fall through to the toast
    }
  }
  fallback(`${title}: ${body}`);
}

/** "7 jobs finished: 6 done, 1 failed." */
export function batchText(statuses: string[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  const parts = [...counts].map(([s, n]) => `${n} ${s}`);
  return `${statuses.length} jobs finished: ${parts.join(", ")}.`;
}
