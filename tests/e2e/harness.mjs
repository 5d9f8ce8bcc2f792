// The browser-test harness: a real SMTP server, a real Rightsdesk process on
// a fresh SQLite database with the reference deployment loaded, and
// Debian's Chromium driven by Playwright. Journeys import what they need.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { AxeBuilder } from "@axe-core/playwright";
import { simpleParser } from "mailparser";
import { chromium } from "playwright-core";
import { SMTPServer } from "smtp-server";

const root = resolve(import.meta.dirname, "..", "..");
export const binary = process.env.RIGHTSDESK_BIN ?? join(root, "target", "debug", "rightsdesk");

/** A free TCP port on loopback. */
export async function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** A real SMTP server on loopback that keeps every parsed message. */
export async function startSmtp() {
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
          });
          callback();
        })
        .catch(callback);
    },
  });
  const port = await freePort();
  await new Promise((done) => server.listen(port, "127.0.0.1", done));
  return {
    port,
    messages,
    /** Waits for the `n`th message to `address`. */
    async waitFor(address, n = 1, timeoutMs = 15000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.filter((m) => m.to.includes(address));
        if (found.length >= n) return found[n - 1];
        if (Date.now() > deadline) throw new Error(`no email ${n} to ${address}`);
        await sleep(100);
      }
    },
    close: () => new Promise((done) => server.close(done)),
  };
}

/** Starts the desk on a fresh database with the demo deployment loaded. */
export async function startDesk({ smtpPort }) {
  const dir = mkdtempSync(join(tmpdir(), "rightsdesk-e2e-"));
  const port = await freePort();
  const env = {
    ...process.env,
    RIGHTSDESK_DATABASE_URL: `sqlite://${join(dir, "rightsdesk.db")}`,
    RIGHTSDESK_DATA_DIR: join(dir, "data"),
    RIGHTSDESK_BIND: `127.0.0.1:${port}`,
    RIGHTSDESK_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    RIGHTSDESK_JOB_INTERVAL: "200ms",
    RIGHTSDESK_RATE_LIMIT: "10000",
    RIGHTSDESK_LOG: "warn",
  };
  // The demo prints each staff member's one-time password once.
  const report = execFileSync(binary, ["demo"], { env, encoding: "utf8" });
  const passwords = {};
  for (const line of report.split("\n")) {
    const found = line.match(/^\s+\S+\s+(\S+@\S+)\s+(\S+)$/);
    if (found) passwords[found[1]] = found[2];
  }
  const child = spawn(binary, ["serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the desk did not start");
    await sleep(100);
  }
  return {
    base,
    passwords,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((done) => child.once("exit", done));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with no network of its own. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** Whether the page is wider than its viewport (it should never be). */
export async function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

/** The WCAG 2.1 AA violations axe finds on the current page. */
export async function axeViolations(page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}
