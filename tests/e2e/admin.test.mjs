// Browser tests of the operators' console (/admin, issue 10): Debian's chromium, driven by
// playwright-core, against the real advisor binary on a free port. The bookings are made
// through the real chat (POST /api/chat). Everything waits on events or on the page's state;
// the only timers are deadlines that turn a hang into a failure.
// The environment they read is listed in harness.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BINARY, launchBrowser, screenshot as save, startServer, stopServer } from './harness.mjs';

const TOKEN = randomBytes(16).toString('hex');
const WAIT = 20_000; // deadline for any one expected event
const HOSTILE = '<img src=x onerror="window.pwned=1"> is node good for streaming?';

const UNANSWERED = 'I\'m Sarah Kim, sarah@northwind.io: what is the best pizza topping?';

let dir, server, browser;
const leads = {}; // name -> reference

// ---- bookings through the real chat --------------------------------------------------------
async function say(session, text) {
  const res = await fetch(`${server.origin}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session, text, time_zone: 'America/New_York', locale: 'en-US' }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

// A booking by `name`, after a first message of its own; returns its reference.
async function book(name, email, first) {
  let reply = await say(undefined, first);
  const session = reply.session;
  reply = await say(session, 'Book a free consultation');
  const seen = [];
  for (let step = 0; step < 14; step++) {
    if (reply.booking) return reply.booking.reference;
    const field = reply.form?.field;
    seen.push(`${field}: ${reply.text}`);
    assert.ok(field, `the booking form is open:\n${seen.join('\n')}`);
    const answer = field === 'slot' ? reply.suggestions.find((s) => /\d/.test(s)) : {
      name,
      email,
      company: 'skip',
      project: /is that right|correct\?/i.test(reply.text) ? 'yes' : 'A live streaming API for sports scores',
      consent: 'yes',
      confirm: 'yes',
    }[field];
    assert.ok(answer, `an answer for ${field}:\n${seen.join('\n')}`);
    reply = await say(session, answer);
  }
  assert.fail(`the booking did not finish:\n${seen.join('\n')}`);
}

// ---- the browser -------------------------------------------------------------------------
async function openConsole(contextOptions = { viewport: { width: 1280, height: 900 } }) {
  const context = await browser.newContext({ ...contextOptions, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const errors = [];
  const dialogs = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(`${server.origin}/admin`);
  return { context, page, errors, dialogs, response };
}

const cards = (page) => page.locator('#lead-list > li');
const status = (page) => page.getByRole('status');

async function waitForStatus(page, pattern) {
  await page.waitForFunction((source) => new RegExp(source).test(document.getElementById('status').textContent),
    pattern.source);
}

async function signIn(page, token = TOKEN) {
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (token === TOKEN) await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
}

async function cardCount(page, n) {
  await page.waitForFunction((count) => document.querySelectorAll('#lead-list > li').length === count, n);
}

const screenshot = (page, name) => save(page, name, { fullPage: true });

async function checkClean(c) {
  assert.deepEqual(await c.page.evaluate(() => window.cspViolations), []);
  assert.deepEqual(c.errors, []);
  assert.deepEqual(c.dialogs, []);
}

before(async () => {
  assert.ok(BINARY, 'ADVISOR_BINARY must name the advisor executable');
  dir = mkdtempSync(path.join(tmpdir(), 'advisor-e2e-admin-'));
  server = await startServer({ db: path.join(dir, 'advisor.db'), env: { ADVISOR_ADMIN_TOKEN: TOKEN },
    args: ['--timezone', 'Europe/Berlin'] });
  leads.grace = await book('Grace Hopper', 'grace@example.com', HOSTILE);
  leads.ada = await book('Ada Lovelace', 'ada@example.com', 'node or python for a chat app?');
  const unanswered = await say(undefined, UNANSWERED);
  assert.match(unanswered.intent, /^(out_of_scope|fallback)$/);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) await stopServer(server);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('sign in: a wrong token is refused, the right one shows the leads', async () => {
  const c = await openConsole();
  assert.equal(c.response.status(), 200);
  assert.match(c.response.headers()['content-security-policy'], /default-src 'none'; script-src 'self'/);
  await signIn(c.page, 'not-the-token');
  await waitForStatus(c.page, /not accepted/);
  await c.page.getByLabel('Admin token').waitFor();
  await signIn(c.page);
  await cardCount(c.page, 2);
  // Both, each titled by name and reference (the order is the API test's: these two may share
  // their second of booking).
  const headings = (await cards(c.page).locator('h2').allTextContents()).sort();
  assert.deepEqual(headings, [`Ada Lovelace ${leads.ada}`, `Grace Hopper ${leads.grace}`]);
  // Booked: today has both, yesterday none.
  await c.page.getByLabel('Booked').selectOption('yesterday');
  await cardCount(c.page, 0);
  await c.page.getByLabel('Booked').selectOption('today');
  await cardCount(c.page, 2);
  await c.page.getByLabel('Booked').selectOption('any');
  await cardCount(c.page, 2);
  // The token is kept for the tab: a reload stays signed in; a new tab asks again.
  await c.page.reload();
  await cardCount(c.page, 2);
  const other = await openConsole();
  await other.page.getByLabel('Admin token').waitFor();
  assert.equal(await other.page.locator('#lead-list > li').count(), 0);
  await checkClean(c);
  await screenshot(c.page, 'admin-desktop.png');
  await other.context.close();
  await c.context.close();
});

test('search finds a lead; its slot in our zone and UTC, delivery and conversation', async () => {
  const c = await openConsole();
  await signIn(c.page);
  await cardCount(c.page, 2);
  await c.page.getByRole('searchbox', { name: 'Search leads' }).fill('hopper');
  await c.page.getByRole('button', { name: 'Search', exact: true }).click();
  await cardCount(c.page, 1);
  const card = cards(c.page).first();
  assert.match(await card.locator('h2').textContent(), /Grace Hopper/);
  const text = await card.textContent();
  assert.match(text, /Slot \(our time\).*(CET|CEST).*\(Europe\/Berlin\)/s);
  assert.match(text, /Slot \(UTC\)\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  assert.match(text, /Visitor’s time.*E[SD]T/s);
  assert.match(text, /Webhook\s*Waiting in the outbox: no webhook URL is set/); // none configured
  // The conversation is shown as text: the visitor's markup is neither parsed nor run.
  await card.getByText(/^Conversation \(\d+ lines\)$/).click();
  await card.getByText(HOSTILE).waitFor();
  assert.equal(await card.locator('img').count(), 0);
  assert.equal(await c.page.evaluate(() => window.pwned), undefined);
  await checkClean(c);
  await c.context.close();
});

test('to review: what the bot could not answer, with the name and email masked', async () => {
  // The server writes the questions in batches (every 2 s): wait for the API to have it.
  const deadline = Date.now() + WAIT;
  for (;;) {
    const res = await fetch(`${server.origin}/api/admin/review`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    if ((await res.json()).groups.length > 0) break;
    assert.ok(Date.now() < deadline, 'no question to review within the deadline');
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling, bounded by the deadline
  }
  const c = await openConsole();
  await signIn(c.page);
  await c.page.getByRole('button', { name: 'To review' }).click();
  await c.page.getByRole('heading', { name: 'To review', level: 1 }).waitFor();
  const card = c.page.locator('#review-list > li').filter({ hasText: 'pizza topping' });
  await card.waitFor();
  const text = await card.textContent();
  assert.match(text, /I'm \[name\], \[email\]: what is the best pizza topping\?/);
  assert.match(text, /Asked\s*once/);
  assert.match(text, /Reply given/);
  assert.doesNotMatch(text, /Sarah|Kim|northwind/);
  await screenshot(c.page, 'admin-review.png');
  // Dealt with: off the list, here and in the API.
  await card.getByRole('button', { name: /^Dealt with/ }).click();
  await waitForStatus(c.page, /Removed from the list/);
  assert.equal(await c.page.locator('#review-list > li').filter({ hasText: 'pizza topping' }).count(), 0);
  const res = await fetch(`${server.origin}/api/admin/review`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal((await res.json()).groups.filter((g) => /pizza/.test(g.text)).length, 0);
  await checkClean(c);
  await c.context.close();
});

test('health: version, uptime, the files loaded and the webhook backlog, for a person', async () => {
  const c = await openConsole();
  await signIn(c.page);
  await c.page.getByRole('button', { name: 'Health' }).click();
  await c.page.getByRole('heading', { name: 'Health', level: 1 }).waitFor();
  const server_ = c.page.getByRole('region', { name: 'Server' });
  await server_.waitFor();
  assert.match(await server_.textContent(), /Version\s*\d+\.\d+\.\d+/);
  assert.match(await server_.textContent(), /StorageOK|Storage\s*ok/i);
  const knowledge = c.page.getByRole('region', { name: 'Knowledge' });
  await knowledge.getByText(/^\d+ files$/).click();
  await knowledge.getByText('intents/intents.json').waitFor();
  assert.match(await c.page.getByRole('region', { name: 'Webhook' }).textContent(), /Pending deliveries\s*2/);
  assert.match(await c.page.getByRole('region', { name: 'Replies in the last hour, by intent' }).textContent(),
    /out_of_scope\s*\d/);
  await checkClean(c);
  await c.context.close();
});

test('export: Export CSV downloads leads.csv with every lead', async () => {
  const c = await openConsole();
  await signIn(c.page);
  await cardCount(c.page, 2);
  const [download] = await Promise.all([
    c.page.waitForEvent('download'),
    c.page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'leads.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv, new RegExp(leads.ada));
  assert.match(csv, new RegExp(leads.grace));
  await checkClean(c);
  await c.context.close();
});

test('phone: at 390x844 the cards fit the screen', async () => {
  const c = await openConsole({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await signIn(c.page);
  await cardCount(c.page, 2);
  const overflow = await c.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  const box = await cards(c.page).first().boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `a card spans ${box.x}..${box.x + box.width}`);
  await screenshot(c.page, 'admin-phone.png');
  await checkClean(c);
  await c.context.close();
});

// Last: it deletes a lead the other tests look for.
test('keyboard only: sign in, search, open the conversation, delete with a confirmation step', async () => {
  const c = await openConsole();
  const { page } = c;
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    return `${e.tagName.toLowerCase()}#${e.id}|${e.textContent.trim().slice(0, 40)}`;
  });
  assert.match(await focused(), /^input#token/); // the page starts in the token field
  await page.keyboard.type(TOKEN);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
  await cardCount(page, 2);
  await page.waitForFunction(() => document.activeElement.id === 'leads-title');
  // To the search field with Tab, type, Enter.
  for (let i = 0; i < 5 && !/^input#search/.test(await focused()); i++) await page.keyboard.press('Tab');
  assert.match(await focused(), /^input#search/);
  await page.keyboard.type(leads.ada);
  await page.keyboard.press('Enter');
  await cardCount(page, 1);
  // Tab on to the conversation and open it with Enter.
  for (let i = 0; i < 6 && !/^summary/.test(await focused()); i++) await page.keyboard.press('Tab');
  assert.match(await focused(), /^summary#\|Conversation/);
  await page.keyboard.press('Enter');
  await page.locator('#lead-list details[open]').waitFor();
  // The conversation itself takes the focus (a long one scrolls with the arrow keys).
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')),
    'Conversation with Ada Lovelace');
  // Delete… asks first; Keep it keeps the lead and gives the focus back.
  await page.keyboard.press('Tab');
  assert.match(await focused(), /^button#\|Delete…/);
  await page.keyboard.press('Enter');
  assert.match(await focused(), /^button#\|Yes, delete/);
  await page.getByText(`Delete booking ${leads.ada} and everything stored with it?`).waitFor();
  await page.keyboard.press('Tab');
  assert.match(await focused(), /^button#\|Keep it/);
  await page.keyboard.press('Enter');
  assert.match(await focused(), /^button#\|Delete…/);
  let api = await fetch(`${server.origin}/api/admin/leads`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal((await api.json()).leads.length, 2);
  // Now for real.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await waitForStatus(page, new RegExp(`Deleted booking ${leads.ada}`));
  await cardCount(page, 0);
  api = await fetch(`${server.origin}/api/admin/leads`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const left = (await api.json()).leads.map((l) => l.reference);
  assert.deepEqual(left, [leads.grace]);
  await checkClean(c);
  await c.context.close();
  assert.doesNotMatch(server.log(), /Ada Lovelace|ada@example\.com/);
});
