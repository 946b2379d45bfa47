/**
 * Launches Debian's Chromium through playwright-core with a fresh profile, and keeps every page on an allow-list of
 * URLs: requests anywhere else are aborted and recorded, so a test can both stay offline and prove that nothing it
 * showed needed the internet.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BrowserContext, chromium } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";

/** Flags that keep Chromium headless, sandbox-free (containers) and silent on the network. */
export const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export interface ChromiumSession {
  readonly context: BrowserContext;
  /** URLs that were asked for and refused because they were not on the allow-list. */
  readonly blockedRequests: string[];
  close(): Promise<void>;
}

/**
 * @param isAllowed decides per request URL; `data:` and `blob:` URLs never reach it (they are not network requests).
 */
export async function launchChromium(isAllowed: (url: string) => boolean): Promise<ChromiumSession> {
  const profileDir = mkdtempSync(join(tmpdir(), "cnnlab-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
    viewport: { width: 1400, height: 1000 },
  });
  const blockedRequests: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isAllowed(url)) return route.continue();
    blockedRequests.push(url);
    return route.abort("blockedbyclient");
  });
  return {
    context,
    blockedRequests,
    close: async () => {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
