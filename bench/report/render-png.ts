import { existsSync } from "node:fs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Renders an SVG to a PNG with playwright-core and the system Chromium; false when unavailable. */
export async function renderPng(svg: string, file: string): Promise<boolean> {
  if (!existsSync(CHROMIUM)) return false;
  try {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
    try {
      const page = await browser.newPage({ deviceScaleFactor: 2 });
      await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
      await page.locator("svg").screenshot({ path: file });
      return true;
    } finally {
      await browser.close();
    }
  } catch (error) {
    console.warn(`PNG rendering skipped: ${String(error)}`);
    return false;
  }
}
