import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (.ci/run installs it); never a browser download. CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium as every browser test and the bench use it; `extraArgs` add flags (a fake microphone…). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}
