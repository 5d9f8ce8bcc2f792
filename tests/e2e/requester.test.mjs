// A delegate asks for a correction in the browser, reads the code from the
// email, confirms it, and sees the status page; every page on the way has
// no WCAG 2.1 AA violation, in Korean and in English.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { axeViolations, launchBrowser, startDesk, startSmtp } from "./harness.mjs";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

let smtp;
let desk;
let browser;

before(async () => {
  smtp = await startSmtp();
  desk = await startDesk({ smtpPort: smtp.port });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await desk?.stop();
  await smtp?.close();
});

async function expectAccessible(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: accessibility violations`);
}

for (const lang of ["ko", "en"]) {
  test(`a delegate's correction request, from the form to the status page (${lang})`, async () => {
    const context = await browser.newContext({ locale: lang === "ko" ? "ko-KR" : "en-US" });
    const page = await context.newPage();
    const requester = `delegate-${lang}@example.com`;

    await page.goto(`${desk.base}/?lang=${lang}`);
    assert.equal(await page.getAttribute("html", "lang"), lang);
    await expectAccessible(page, "home page");

    await page.click('a[href="/requests/new?kind=correction"]');
    await page.waitForURL(/\/requests\/new/);
    assert.equal(await page.getAttribute("html", "lang"), lang, "the language choice is kept");
    assert.ok(await page.isChecked("#kind-correction"));
    await expectAccessible(page, "empty form");

    // Without the agent choice the agent section stays hidden.
    assert.equal(await page.isVisible("#subject_name"), false);
    await page.check("#on_behalf-delegate");
    assert.equal(await page.isVisible("#subject_name"), true);

    // Submit with problems: errors are shown and nothing typed is lost.
    await page.fill("#requester_name", "Lee Seojun");
    await page.fill("#requester_email", "not-an-email");
    await page.fill("#subject_name", "Lee Haeun");
    await page.click('button[type="submit"]');
    await page.waitForSelector("#error-summary");
    assert.equal(await page.inputValue("#requester_name"), "Lee Seojun");
    assert.equal(await page.inputValue("#subject_name"), "Lee Haeun");
    assert.ok(await page.isVisible("#requester_email-error"));
    assert.ok(await page.isVisible("#authority_document-error"));
    assert.equal(
      await page.getAttribute("#requester_email", "aria-describedby"),
      "requester_email-hint requester_email-error",
    );
    await expectAccessible(page, "form with errors");

    // Correct it and send.
    await page.fill("#requester_email", requester);
    await page.fill("#subject_email", `haeun-${lang}@example.com`);
    await page.fill("#correction", "Name: Lee Haneul -> Lee Haeun");
    await page.check("#category-member_name");
    await page.setInputFiles("#authority_document", { name: "poa.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/requests\/DSR-\d{4}-\d{6}\/submitted$/);
    const reference = (await page.textContent("#reference")).trim();
    assert.match(reference, /^DSR-\d{4}-\d{6}$/);
    await expectAccessible(page, "receipt");

    // The code from the email confirms the address.
    const email = await smtp.waitFor(requester);
    assert.ok(email.subject.includes(reference), email.subject);
    const code = email.text.match(/: (\d{6})\s*$/m)?.[1];
    assert.ok(code, `no code in: ${email.text}`);
    await page.click(`a[href="/requests/${reference}/verify"]`);
    await page.fill("#code", code);
    await page.click('form[action$="/verify"] button[type="submit"]');
    await page.waitForURL(/\/r\/[^/]+$/);

    // The status page: the document is under review, the data frozen.
    assert.ok((await page.textContent("h1")).includes(reference));
    assert.ok(await page.isVisible(".status-verifying"));
    assert.ok((await page.locator(".timeline li").count()) >= 2);
    await expectAccessible(page, "status page");

    // The withdrawal confirmation, tracking (empty and with errors) and the
    // error page are accessible too.
    const statusUrl = page.url();
    await page.click(`a[href$="/withdraw"]`);
    await page.waitForURL(/\/withdraw$/);
    await expectAccessible(page, "withdrawal confirmation");
    await page.goto(`${desk.base}/track`);
    await expectAccessible(page, "tracking form");
    await page.click('form[action="/track"] button[type="submit"]');
    await page.waitForSelector("#error-summary");
    await expectAccessible(page, "tracking form with errors");
    await page.goto(`${desk.base}/no/such/page`);
    await expectAccessible(page, "404 page");
    await page.goto(statusUrl);

    // At 360 px wide nothing overflows sideways.
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the status page is ${overflow}px too wide at 360px`);
    await page.goto(`${desk.base}/requests/new`);
    const formOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(formOverflow <= 0, `the form is ${formOverflow}px too wide at 360px`);

    await context.close();
  });
}
