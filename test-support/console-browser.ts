import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ensureConsoleBuilt } from '../local/console-build.ts';
import { launchChromium } from './chromium.ts';
import type { PipelineStack } from './pipeline-stack.ts';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

type Viewport = { width: number; height: number };
export type Tab = { page: Page; problems: string[] };
export type ConsoleBrowser = {
  readonly t: PipelineStack;
  readonly base: string;
  open(path: string, viewport?: Viewport): Promise<Tab>;
  newTab(viewport?: Viewport): Promise<Tab>;
  signIn(page: Page, key?: string, label?: string, button?: string): Promise<void>;
  openSignedIn(path: string, viewport?: Viewport): Promise<Tab>;
  accessibilityProblems(page: Page): Promise<string[]>;
};

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * A console browser test's set-up, registered on the calling file: the console built, the stack that
 * `start` gives, one headless Chromium, and each test's tabs closed after it (a tab left open keeps
 * polling with the same key). Every tab records what a user would call broken: script errors,
 * Content-Security-Policy refusals and requests to any other origin.
 */
export function consoleBrowser(start: () => Promise<PipelineStack>): ConsoleBrowser {
  let stack: PipelineStack | undefined;
  let browser: Browser | undefined;
  const tabs: Page[] = [];
  beforeAll(async () => {
    await ensureConsoleBuilt(() => {});
    stack = await start();
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.all(tabs.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const ui: ConsoleBrowser = {
    get t(): PipelineStack {
      if (!stack) throw new Error('the stack is not started yet');
      return stack;
    },
    get base(): string {
      return ui.t.stack.urls.functions;
    },
    /** A fresh tab (sessionStorage is per tab) at `path`. */
    async open(path: string, viewport: Viewport = DESKTOP): Promise<Tab> {
      const tab = await ui.newTab(viewport);
      await tab.page.goto(`${ui.base}${path}`);
      return tab;
    },
    /** A fresh, watched tab that has not gone anywhere yet (to route requests before the first). */
    async newTab(viewport: Viewport = DESKTOP): Promise<Tab> {
      const page = await browser!.newPage({ viewport });
      tabs.push(page);
      const problems: string[] = [];
      const base = ui.base;
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
      });
      page.on('request', (r) => {
        if (!r.url().startsWith(base) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) problems.push(`other origin: ${r.url()}`);
      });
      return { page, problems };
    },
    /** Signs in on the page's sign-in form with `key` (the admin key by default). */
    async signIn(page: Page, key = ui.t.adminKey, label = 'API key', button = 'Sign in'): Promise<void> {
      await page.getByRole('textbox', { name: label }).fill(key);
      await page.getByRole('button', { name: button }).click();
      await page.getByRole('navigation').waitFor();
    },
    /** A fresh tab at `path`, signed in with the admin key. */
    async openSignedIn(path: string, viewport: Viewport = DESKTOP): Promise<Tab> {
      const tab = await ui.open(path, viewport);
      await ui.signIn(tab.page);
      return tab;
    },
    /** axe-core's critical and serious findings on the page as it is now (rule id and the first element). */
    async accessibilityProblems(page: Page): Promise<string[]> {
      await page.evaluate(AXE);
      return await page.evaluate(async () => {
        const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
        return result.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`);
      });
    },
  };
  return ui;
}
