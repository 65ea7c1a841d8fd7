import { type Browser, chromium } from 'playwright-core';
import { listen } from './files.js';
import type { TestHub } from './test-hub.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium at CHROMIUM, quiet: no sandbox (containers), no GPU, no calls home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** The gateway on a real port, for a browser; its base URL. */
export async function browserBase(hub: TestHub): Promise<string> {
  const { host, port } = await listen(hub);
  return `http://${host}:${port}`;
}
