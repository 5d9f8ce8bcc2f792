// Staff work a request in the browser, in Korean and in English: the
// privacy officer logs a phone request, the department's handler finds it
// in the queue and returns the data, the officer completes it. Demo
// accounts must change their one-time password first. Every staff page
// has no WCAG 2.1 AA violation and no sideways scroll at 360 px.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { axeViolations, launchBrowser, scrollsSideways, startDesk, startSmtp } from "./harness.mjs";

let smtp;
let desk;
let browser;
/** Each account's current password (demo ones change at first sign-in). */
const passwords = {};

before(async () => {
  smtp = await startSmtp();
  desk = await startDesk({ smtpPort: smtp.port });
  browser = await launchBrowser();
  Object.assign(passwords, desk.passwords);
});

after(async () => {
  await browser?.close();
  await desk?.stop();
  await smtp?.close();
});

/** Accessible, and no wider than the phone-sized viewport. */
async function expectGood(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: accessibility violations`);
  assert.equal(await scrollsSideways(page), false, `${what}: the page scrolls sideways at 360 px`);
}

/** A signed-in page for `email`, changing a one-time password on the way. */
async function signIn(lang, email, what) {
  const context = await browser.newContext({
    locale: lang === "ko" ? "ko-KR" : "en-US",
    viewport: { width: 360, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(`${desk.base}/staff/queue?lang=${lang}`);
  await page.waitForURL(/\/staff\/login/);
  await expectGood(page, `sign-in page (${what})`);
  await page.fill("#email", email);
  await page.fill("#password", passwords[email]);
  await page.click('button[type="submit"]');
  await page.waitForLoadState();
  if (page.url().includes("/staff/password")) {
    await expectGood(page, `password change (${what})`);
    const fresh = `a fresh passphrase for ${email}`;
    await page.fill("#current", passwords[email]);
    await page.fill("#password", fresh);
    await page.fill("#confirm", fresh);
    await page.click('form[action="/staff/password"] button[type="submit"]');
    await page.waitForSelector(".confirmation");
    passwords[email] = fresh;
  }
  return { context, page };
}

for (const lang of ["ko", "en"]) {
  test(`a handler and the privacy officer walk a request to completion (${lang})`, async () => {
    const subject = `walk-${lang}@example.com`;

    // The officer logs a phone request, identity checked on the call.
    const officer = await signIn(lang, "cpo@rightsdesk.example", "officer");
    const o = officer.page;
    await o.goto(`${desk.base}/staff/requests/new`);
    await expectGood(o, "intake form");
    await o.selectOption("#channel", "phone");
    await o.check("#kind-access");
    await o.fill("#requester_name", "Choi Yuna");
    await o.fill("#requester_email", subject);
    await o.check("#category-member_email");
    await o.check("#identity_checked");
    await o.click('form[action="/staff/requests/new"] button[type="submit"]');
    await o.waitForURL(/\/staff\/requests\/DSR-/);
    const reference = o.url().split("/").pop();
    await expectGood(o, "request page (officer)");

    // The handler of the owning department finds it in the queue.
    const handler = await signIn(lang, "handler.cloudplex@rightsdesk.example", "handler");
    const h = handler.page;
    await h.goto(`${desk.base}/staff/queue`);
    await expectGood(h, "queue (handler)");
    await h.fill("#q", subject);
    await h.click('form.filters button[type="submit"]');
    await h.waitForURL(/q=/);
    assert.equal(await h.locator(`a[href="/staff/requests/${reference}"]`).count(), 1, "found by address");
    assert.equal(await h.locator(`text=${subject}`).count(), 0, "the address is masked in the queue");
    await h.click(`a[href="/staff/requests/${reference}"]`);
    await h.waitForURL(new RegExp(reference));
    await expectGood(h, "request page (handler)");

    // The handler returns the data held and completes the task.
    await h.selectOption('select[name="outcome"]', "done");
    await h.fill('textarea[name="data_text"]', `email: ${subject}`);
    await h.click('form[action$="/complete"] button[type="submit"]');
    await h.waitForURL(new RegExp(`${reference}$`));
    assert.equal(await h.locator('form[action$="/complete"]').count(), 0, "the task is done");

    // The officer completes the request from the queue.
    await o.goto(`${desk.base}/staff/queue?q=${reference}`);
    await expectGood(o, "queue (officer)");
    await o.click(`a[href="/staff/requests/${reference}"]`);
    await o.waitForURL(new RegExp(reference));
    await o.selectOption("#decide-outcome", "completed");
    await o.click('form[action$="/decide"] button[type="submit"]');
    await o.waitForURL(new RegExp(`${reference}$`));
    assert.equal(await o.locator('form[action$="/decide"]').count(), 0, "decided");
    const notice = await smtp.waitFor(subject, 2);
    assert.match(notice.subject, new RegExp(reference));

    await officer.context.close();
    await handler.context.close();
  });

  test(`the officer postpones access and the requester sees the new date (${lang})`, async () => {
    const subject = `later-${lang}@example.com`;
    const officer = await signIn(lang, "cpo@rightsdesk.example", "officer");
    const o = officer.page;
    await o.goto(`${desk.base}/staff/requests/new`);
    await o.selectOption("#channel", "letter");
    await o.check("#kind-access");
    await o.fill("#requester_name", "Han Jisoo");
    await o.fill("#requester_email", subject);
    await o.check("#identity_checked");
    await o.click('form[action="/staff/requests/new"] button[type="submit"]');
    await o.waitForURL(/\/staff\/requests\/DSR-/);
    const reference = o.url().split("/").pop();

    // The form says what the law allows; a date before the due date is
    // refused with the reasons kept.
    assert.equal(await o.locator("#prolong-date").count(), 1, "a postponement takes a date");
    await o.fill("#prolong-date", new Date(Date.now() - 86400000).toISOString().slice(0, 10));
    await o.fill("#prolong-reasons", "The records are with an outside auditor.");
    await o.click('form[action$="/prolong"] button[type="submit"]');
    await o.waitForSelector(".error-summary");
    assert.equal(await o.inputValue("#prolong-reasons"), "The records are with an outside auditor.");
    await expectGood(o, "a refused postponement");

    // A weekday about six weeks on.
    const later = new Date(Date.now() + 42 * 86400000);
    while (later.getUTCDay() === 0 || later.getUTCDay() === 6) later.setUTCDate(later.getUTCDate() + 1);
    const date = later.toISOString().slice(0, 10);
    await o.fill("#prolong-date", date);
    await o.click('form[action$="/prolong"] button[type="submit"]');
    await o.waitForURL(new RegExp(`${reference}$`));
    assert.equal(await o.locator('form[action$="/prolong"]').count(), 0, "postponed: not offered again");
    await expectGood(o, "request page (postponed)");
    // The new due date: the chosen one, or the next working day after it.
    const due = (await o.textContent("main")).match(/→ (\d{4}-\d{2}-\d{2})/)?.[1];
    assert.ok(due && due >= date, `the new due date ${due} is on or after ${date}`);

    // The requester follows the link in the notice to their status page.
    let notice;
    for (let n = 1; !notice; n++) {
      const mail = await smtp.waitFor(subject, n);
      if (mail.text.includes("outside auditor")) notice = mail;
    }
    const link = notice.text.match(/https?:\/\/\S+\/r\/\S+/)?.[0];
    assert.ok(link, "the notice links to the status page");
    const requester = await browser.newContext({
      locale: lang === "ko" ? "ko-KR" : "en-US",
      viewport: { width: 360, height: 800 },
    });
    const r = await requester.newPage();
    await r.goto(`${link}${link.includes("?") ? "&" : "?"}lang=${lang}`);
    const page = await r.textContent("main");
    assert.ok(page.includes(due), `the requester sees the new due date ${due}`);
    assert.ok(page.includes("outside auditor"), "with the reasons");
    await expectGood(r, "the requester's status page (postponed)");
    await requester.close();
    await officer.context.close();
  });

  test(`the admin pages (${lang})`, async () => {
    const admin = await signIn(lang, "admin@rightsdesk.example", "admin");
    const a = admin.page;
    await a.goto(`${desk.base}/staff/admin/staff`);
    await expectGood(a, "staff accounts");
    await a.fill("#new-name", `New ${lang}`);
    await a.fill("#new-email", `new-${lang}@example.com`);
    await a.selectOption("#new-role", "handler");
    await a.selectOption("#new-dept", "CLOUDPLEX");
    await a.click('form[action="/staff/admin/staff"] button[type="submit"]');
    await a.waitForSelector(".one-time-link");
    assert.match(await a.textContent(".one-time-link"), /\/staff\/set-password\//);
    await a.goto(`${desk.base}/staff/admin/catalogue`);
    await expectGood(a, "catalogue");

    await a.goto(`${desk.base}/staff/admin/integrations`);
    await expectGood(a, "tokens and webhooks");
    await a.fill("#t-system", `Call centre ${lang}`);
    await a.check("#t-scope-1");
    await a.click('form[action="/staff/admin/tokens"] button[type="submit"]');
    await a.waitForSelector(".one-time-link");
    assert.match(await a.textContent(".one-time-link"), /^[\w-]+\.[\w-]+\.[\w-]+$/);
    await expectGood(a, "a token shown once");
    const hook = a.locator('form[action$="/webhook"]').first();
    // A name that resolves to loopback: accepted, never posted to (the
    // delivery waits, and the page says the address is not allowed).
    await hook.locator('input[name="url"]').fill("http://localhost:9/rightsdesk");
    // Set by the other language's run already: ask for a new secret.
    const fresh = hook.locator('input[name="new_secret"]');
    if (await fresh.count()) await fresh.check();
    await hook.locator('button[type="submit"]').click();
    await a.waitForSelector(".one-time-link");
    assert.match(await a.textContent(".one-time-link"), /^whsec_/);
    await expectGood(a, "a webhook secret shown once");

    await a.goto(`${desk.base}/staff/admin/calendar`);
    await expectGood(a, "the holiday calendar");
    // A one-off holiday on a mid-March weekday next year (no Korean
    // holiday falls then), a different one for each language's run.
    const day = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 2, lang === "ko" ? 10 : 17));
    while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
    const iso = day.toISOString().slice(0, 10);
    await a.fill("#c-day", iso);
    await a.check("#c-added");
    await a.fill("#c-name", `Temporary holiday ${lang}`);
    await a.click('form[action="/staff/admin/calendar/days"] button[type="submit"]');
    await a.waitForSelector(".confirmation");
    assert.ok((await a.textContent(".confirmation")).includes(iso));
    assert.ok(await a.locator(`form[action="/staff/admin/calendar/days/${iso}/delete"]`).count());
    await expectGood(a, "a holiday added");

    await a.goto(`${desk.base}/staff/admin/letterhead`);
    await expectGood(a, "the letterhead");
    assert.equal(await a.inputValue("#l-company"), "Rightsdesk Example Co.", "the demo's letterhead");
    await a.fill("#l-contact", `privacy-${lang}@rightsdesk.example`);
    await a.click('form[action="/staff/admin/letterhead"] button[type="submit"]');
    await a.waitForSelector(".confirmation");
    assert.equal(await a.inputValue("#l-contact"), `privacy-${lang}@rightsdesk.example`);
    await expectGood(a, "the letterhead saved");
    await admin.context.close();
  });
}
