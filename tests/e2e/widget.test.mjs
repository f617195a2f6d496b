// Browser tests of the chat widget: Debian's chromium, driven by playwright-core, against the
// real advisor binary on a free port. Everything waits on events (frames, selectors, process
// output); the only timers are deadlines that turn a hang into a failure.
// The environment they read is listed in harness.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BINARY, launchBrowser, screenshot as save, startServer as start, stopServer } from './harness.mjs';

const TOKEN = randomBytes(16).toString('hex');
const WAIT = 20_000; // deadline for any one expected event

let dir, db, server, browser;

// ---- the server --------------------------------------------------------------------------
const startServer = (port = 0, extra = []) => start({ db, port, env: { ADVISOR_ADMIN_TOKEN: TOKEN },
  args: ['--log-level', 'error', ...extra] });

// ---- the browser -------------------------------------------------------------------------
// A page with the demo site, its WebSocket frames as an awaitable list, dialogs and errors.
// setup(context), if given, runs before the page opens (to route its WebSocket, say).
async function openDemo(contextOptions = { viewport: { width: 1280, height: 800 } }, setup = null,
  origin = null) {
  const context = await browser.newContext(contextOptions);
  if (setup) await setup(context);
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const chat = { context, page, frames: [], sent: [], sockets: [], seen: 0, sentSeen: 0,
    events: new EventEmitter(), dialogs: [], errors: [] };
  page.on('dialog', (d) => { chat.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => chat.errors.push(String(e)));
  page.on('websocket', (ws) => {
    chat.sockets.push(ws);
    chat.events.emit('socket', ws);
    ws.on('framereceived', (f) => {
      try { chat.frames.push(JSON.parse(f.payload)); } catch { return; }
      chat.events.emit('frame');
    });
    ws.on('framesent', (f) => {
      try { chat.sent.push(JSON.parse(f.payload)); } catch { return; }
      chat.events.emit('sent');
    });
  });
  // Content-Security-Policy violations, reported by the page itself.
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  chat.response = await page.goto((origin || server.origin) + '/');
  return chat;
}

// The next frame in chat[list] (after the ones already consumed, chat[cursor]) that matches `pred`.
async function nextIn(chat, list, cursor, event, pred, what) {
  const deadline = Date.now() + WAIT;
  for (let i = chat[cursor]; ; i++) {
    while (i >= chat[list].length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} frame; got ${JSON.stringify(chat[list].slice(chat[cursor]))}`);
      await once(chat.events, event, { signal: AbortSignal.timeout(left) }).catch(() => {});
    }
    if (pred(chat[list][i])) { chat[cursor] = i + 1; return chat[list][i]; }
  }
}
// The next frame received from the server, or sent by the widget, that matches `pred`.
const nextFrame = (chat, pred, what) => nextIn(chat, 'frames', 'seen', 'frame', pred, what);
const nextSent = (chat, pred, what) => nextIn(chat, 'sent', 'sentSeen', 'sent', pred, what);
const isReply = (f) => f.type === 'reply';

const ui = (chat) => ({
  launcher: chat.page.getByRole('button', { name: /^Chat with Advisor/ }),
  panel: chat.page.getByRole('dialog', { name: 'Advisor' }),
  input: chat.page.getByRole('textbox', { name: 'Message' }),
  log: chat.page.getByRole('log', { name: 'Conversation' }),
  bots: chat.page.locator('.msg.bot'),
  mine: chat.page.locator('.msg.me'),
  chips: chat.page.getByRole('group', { name: 'Suggested replies' }).getByRole('button'),
});

async function openWidget(chat) {
  const w = ui(chat);
  await w.launcher.click();
  await w.panel.waitFor({ state: 'visible' });
  const welcome = await nextFrame(chat, (f) => f.type === 'welcome', 'welcome');
  await w.bots.first().waitFor();
  return welcome;
}

// Types a message, sends it with Enter, waits for its reply frame and its bubble.
async function ask(chat, text) {
  const w = ui(chat);
  const before = await w.bots.count();
  await w.input.fill(text);
  await w.input.press('Enter');
  const reply = await nextFrame(chat, isReply, `reply to "${text}"`);
  await w.bots.nth(before).waitFor();
  return reply;
}

// Fills the booking form from "Book a free consultation": picks the first time slot offered,
// answers yes. Calls onReply(reply) on every reply of the form; stops at the field `until`
// (returning the reply that asks it) or at the confirmation (returning that reply).
const slotsOf = (reply) => reply.suggestions.filter((s) => /\d/.test(s)); // slot labels hold a time
async function book(chat, { until, onReply } = {}) {
  const w = ui(chat);
  const email = `grace.${Date.now()}.${randomBytes(3).toString('hex')}@example.com`;
  let reply = await ask(chat, 'Book a free consultation');
  const transcript = [];
  for (let step = 0; step < 14; step++) {
    if (onReply) await onReply(reply);
    if (reply.booking) return reply;
    const field = reply.form?.field;
    transcript.push(`${field}: ${reply.text}`);
    assert.ok(field, `the booking form is open (step ${step}):\n${transcript.join('\n')}`);
    if (field === until) return reply;
    if (field === 'slot') {
      const slot = slotsOf(reply)[0];
      assert.ok(slot, `slots are offered as suggestions: ${JSON.stringify(reply.suggestions)}`);
      const before = await w.bots.count();
      await chat.page.getByRole('group', { name: 'Suggested replies' })
        .getByRole('button', { name: slot, exact: true }).click();
      reply = await nextFrame(chat, isReply, 'reply to the slot');
      await w.bots.nth(before).waitFor();
      continue;
    }
    const answer = {
      name: 'Grace Hopper',
      email,
      company: 'skip',
      project: /is that right|correct\?/i.test(reply.text) ? 'yes' : 'A live streaming API for sports scores',
      consent: 'yes',
      confirm: 'yes',
    }[field];
    assert.ok(answer, `a field the test knows: ${field}`);
    reply = await ask(chat, answer);
  }
  assert.fail(`the booking did not finish:\n${transcript.join('\n')}`);
}

async function shadowEval(page, fn, arg) {
  return page.evaluate(([src, a]) => {
    const root = document.querySelector('advisor-chat').shadowRoot;
    return new Function('root', 'arg', `return (${src})(root, arg);`)(root, a);
  }, [fn.toString(), arg]);
}

const screenshot = (chat, name) => save(chat.page, name);

function sessionKey(chat) {
  return chat.page.evaluate((origin) => JSON.parse(sessionStorage.getItem('advisor-chat:' + origin)).session,
    server.origin);
}

// ---- setup -------------------------------------------------------------------------------
before(async () => {
  assert.ok(BINARY, 'ADVISOR_BINARY must name the advisor executable');
  dir = mkdtempSync(path.join(tmpdir(), 'advisor-e2e-'));
  db = path.join(dir, 'advisor.db');
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) await stopServer(server);
  if (server?.log()) console.log(`advisor's error log:\n${server.log()}`);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---- tests -------------------------------------------------------------------------------
test('streaming question: a Node.js recommendation with its source from the guide', async () => {
  const chat = await openDemo();
  const w = ui(chat);
  await openWidget(chat);
  const reply = await ask(chat, 'which is better for streaming?');
  assert.equal(reply.recommendation, 'node');
  assert.ok(reply.sources.length > 0, 'the reply cites the guide');

  const answer = w.bots.last();
  assert.match(await answer.locator('.bubble').innerText(), /Node\.js/);
  const summary = answer.locator('summary');
  assert.equal(await summary.innerText(), 'From the guide: ' + [...new Set(reply.sources.map((s) => s.section))].join(', '));
  const quote = answer.locator('blockquote').first();
  assert.equal(await quote.isVisible(), false, 'the quotes start folded');
  await summary.click();
  await quote.waitFor({ state: 'visible' });
  assert.ok((await quote.innerText()).includes(reply.sources[0].text), 'the quoted sentence is shown');

  // The page's loud CSS (uppercase italic dashed buttons, serif text) does not reach inside.
  const chipStyle = await w.chips.first().evaluate((b) => {
    const s = getComputedStyle(b);
    return [s.textTransform, s.fontStyle, s.borderStyle, s.fontFamily].join('|');
  });
  assert.match(chipStyle, /^none\|normal\|solid\|(?!Georgia)/);
  assert.deepEqual(chat.errors, []);
  await screenshot(chat, 'widget-desktop.png');
  await chat.context.close();
});

test('a suggestion button sends its text and gets a reply', async () => {
  const chat = await openDemo();
  const w = ui(chat);
  const welcome = await openWidget(chat);
  const label = welcome.suggestions.find((s) => !/book/i.test(s));
  assert.ok(label, 'the welcome offers a non-booking suggestion');
  await w.chips.filter({ hasText: label }).click();
  const reply = await nextFrame(chat, isReply, 'reply to a suggestion');
  const sent = chat.sent.filter((f) => f.type === 'message');
  assert.equal(sent.length, 1);
  assert.equal(sent[0].text, label);
  assert.equal(reply.reply_to, sent[0].id);
  await w.bots.nth(1).waitFor();
  assert.equal(await w.mine.first().locator('.bubble').textContent(), 'You: ' + label);
  // The chips now are the reply's own.
  await w.chips.first().waitFor();
  assert.deepEqual(await w.chips.allInnerTexts(), reply.suggestions);
  await chat.context.close();
});

test('a booking through the form is stored and listed by GET /api/leads', async () => {
  const chat = await openDemo();
  await openWidget(chat);
  await ask(chat, 'which is better for streaming?');
  // The progress line names each step as the form reaches it.
  const steps = ['name', 'email', 'company', 'project', 'slot', 'consent'];
  const reply = await book(chat, {
    onReply: async (r) => {
      const index = steps.indexOf(r.form?.field);
      if (index >= 0) await chat.page.locator('.prog', { hasText: `Booking: ${index + 1} of 6` }).waitFor();
    },
  });
  assert.ok(reply.booking?.reference, `the booking is confirmed: ${reply.text}`);
  const ref = reply.booking.reference;

  const card = chat.page.getByRole('group', { name: 'Booking confirmed' });
  await card.waitFor();
  assert.match(await card.innerText(), new RegExp(`Reference: ${ref}`));
  const link = card.getByRole('link', { name: 'Add to calendar' });
  const href = await link.evaluate((a) => a.href);
  assert.equal(new URL(href).origin, server.origin, 'the calendar link is same-origin');
  assert.equal(await link.getAttribute('download'), '');
  const ics = await fetch(href);
  assert.equal(ics.status, 200);
  assert.match(await ics.text(), /BEGIN:VCALENDAR/);
  assert.equal(await chat.page.locator('.prog').isVisible(), false, 'the progress line is gone');

  // From Node, with and without the admin token.
  assert.equal((await fetch(server.origin + '/api/leads')).status, 401);
  const res = await fetch(server.origin + '/api/leads', { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  const { leads } = await res.json();
  const lead = leads.find((l) => l.reference === ref);
  assert.ok(lead, `lead ${ref} is listed`);
  assert.match(lead.email, /^grace\.\d+\.[0-9a-f]+@example\.com$/);
  assert.equal(lead.name, 'Grace Hopper');
  await chat.context.close();
});

test('server restart: the widget shows reconnecting, resumes the same session and goes on', async () => {
  const chat = await openDemo();
  const w = ui(chat);
  const first = await openWidget(chat);
  await ask(chat, 'Node or Python for machine learning?');
  const token = await sessionKey(chat);
  assert.equal(token, first.session);
  const bubbles = await w.bots.count();

  const port = server.port;
  await stopServer(server);
  await chat.page.locator('.status', { hasText: 'Reconnecting…' }).waitFor();
  assert.equal(await chat.page.locator('.root').getAttribute('data-state'), 'wait');

  server = await startServer(port);
  const welcome = await nextFrame(chat, (f) => f.type === 'welcome', 'welcome after restart');
  assert.equal(welcome.resumed, true);
  assert.equal(welcome.session, token);
  await chat.page.locator('.status', { hasText: 'Online' }).waitFor();
  assert.equal(await w.bots.count(), bubbles, 'the history is not shown twice');

  const reply = await ask(chat, 'and which is better for streaming?');
  assert.ok(reply.text.length > 0);
  assert.equal(await sessionKey(chat), token, 'same session token');
  // Every attempt after the first (failed ones while the server was down included) resumes.
  assert.ok(chat.sockets.length >= 2);
  for (const ws of chat.sockets.slice(1)) {
    assert.equal(new URL(ws.url()).searchParams.get('session'), token, 'reconnects with the token');
  }
  await chat.context.close();
});

test('navigation keeps the conversation; a reply while closed shows an unread badge', async () => {
  const chat = await openDemo();
  const w = ui(chat);
  const first = await openWidget(chat);
  await ask(chat, 'Node or Python for a REST API?');
  const shown = await w.log.innerText();

  await chat.page.reload();
  const welcome = await nextFrame(chat, (f) => f.type === 'welcome', 'welcome after reload');
  assert.equal(welcome.resumed, true);
  assert.equal(welcome.session, first.session);
  await w.panel.waitFor({ state: 'visible' }); // it was open, so it is open again
  assert.equal(await w.log.innerText(), shown, 'the same conversation, nothing twice');

  // Send and close in one task, so the reply surely lands while the panel is closed.
  await chat.page.evaluate(() => {
    const root = document.querySelector('advisor-chat').shadowRoot;
    root.querySelector('textarea').value = 'and for machine learning?';
    root.querySelector('form').requestSubmit();
    root.querySelector('.launcher').click();
  });
  await w.panel.waitFor({ state: 'hidden' });
  await nextFrame(chat, isReply, 'reply while closed');
  await chat.page.getByRole('button', { name: 'Chat with Advisor (1 unread)' }).waitFor();
  assert.equal(await chat.page.locator('.badge').innerText(), '1');
  await w.launcher.click();
  await w.panel.waitFor({ state: 'visible' });
  assert.equal(await chat.page.locator('.badge').isVisible(), false);
  assert.equal(await w.launcher.getAttribute('aria-label'), 'Chat with Advisor');
  await chat.context.close();
});

test('a name with markup is shown as text and runs nothing', async () => {
  const chat = await openDemo();
  const w = ui(chat);
  await openWidget(chat);
  // What a bubble shows, without the screen-reader prefix and the sources line.
  const shown = (loc) => loc.evaluate((b) => [...b.childNodes].filter((n) => !n.matches?.('.sr, details'))
    .map((n) => n.textContent).join(''));

  // Each name is echoed by the server ("Nice to meet you, <name>."): both copies stay text.
  for (const name of ['<img src=x onerror=alert(1)>', '[x](javascript:alert`2`)']) {
    let reply = await ask(chat, 'Book a free consultation');
    assert.equal(reply.form?.field, 'name');
    reply = await ask(chat, name);
    assert.equal(await shown(w.mine.last().locator('.bubble')), name);
    assert.ok(reply.text.includes(name), `the server echoes the name: ${reply.text}`);
    assert.equal(await shown(w.bots.last().locator('.bubble')), reply.text, 'the echo is shown verbatim');
    await ask(chat, 'cancel');
  }
  const found = await shadowEval(chat.page, (root) => ({
    img: root.querySelectorAll('img').length + document.querySelectorAll('img').length,
    links: [...root.querySelectorAll('a')].map((a) => a.href),
  }));
  assert.equal(found.img, 0, 'no <img> anywhere');
  assert.deepEqual(found.links, [], 'no link made from the name');
  assert.deepEqual(chat.dialogs, [], 'no dialog opened');
  assert.deepEqual(chat.errors, []);
  await chat.context.close();
});

test('keyboard only: Tab to the launcher, Enter, type, Enter, Escape', async () => {
  const chat = await openDemo();
  const w = ui(chat);
  const { page } = chat;
  const focused = () => page.evaluate(() => {
    const host = document.activeElement;
    if (!host || host.localName !== 'advisor-chat') return host ? host.localName : null;
    const el = host.shadowRoot.activeElement;
    return el && (el.className || el.localName);
  });
  let at = null;
  for (let i = 0; i < 30 && at !== 'launcher'; i++) {
    await page.keyboard.press('Tab');
    at = await focused();
  }
  assert.equal(at, 'launcher', 'Tab reaches the launcher');
  const ring = await w.launcher.evaluate((b) => getComputedStyle(b).outlineStyle);
  assert.equal(ring, 'solid', 'visible focus');

  await page.keyboard.press('Enter');
  await w.panel.waitFor({ state: 'visible' });
  assert.equal(await focused(), 'textarea', 'focus moves to the input');
  await nextFrame(chat, (f) => f.type === 'welcome', 'welcome');
  await w.bots.first().waitFor();

  await page.keyboard.type('Which is better for a REST API?');
  await page.keyboard.press('Enter');
  await nextFrame(chat, isReply, 'reply');
  await w.bots.nth(1).waitFor();
  assert.equal(await w.input.inputValue(), '', 'the input is cleared');

  // The suggestions are in the tab order, just before the input.
  await w.chips.first().waitFor();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(), 'chip');

  await page.keyboard.press('Escape');
  await w.panel.waitFor({ state: 'hidden' });
  assert.equal(await focused(), 'launcher', 'focus is back on the launcher');
  assert.equal(await w.launcher.getAttribute('aria-expanded'), 'false');
  await chat.context.close();
});

test('phone: at 390x844 the panel fills the viewport', async () => {
  const chat = await openDemo({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
    hasTouch: true });
  const w = ui(chat);
  await openWidget(chat);
  const box = await w.panel.boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height].map(Math.round), [0, 0, 390, 844]);
  await ask(chat, 'Node or Python for a machine learning API?');
  const input = await w.input.boundingBox();
  assert.ok(input.y + input.height <= 844, 'the input is on screen');
  assert.ok(input.y > 844 - 120, 'the input sits at the bottom');
  await screenshot(chat, 'widget-phone.png');
  await chat.context.close();
});

test('time zone: after every welcome the widget says hello with the browser\'s zone and language', async () => {
  const chat = await openDemo({ viewport: { width: 1280, height: 800 }, timezoneId: 'America/New_York',
    locale: 'en-US' });
  const w = ui(chat);
  // Open and send in one task, before the socket is up: the message waits in the queue.
  await chat.page.evaluate(() => {
    const root = document.querySelector('advisor-chat').shadowRoot;
    root.querySelector('.launcher').click();
    root.querySelector('textarea').value = 'which is better for streaming?';
    root.querySelector('form').requestSubmit();
  });
  await nextFrame(chat, (f) => f.type === 'welcome', 'welcome');
  const hello = await nextSent(chat, (f) => f.type === 'hello', 'hello');
  assert.deepEqual(hello, { type: 'hello', time_zone: 'America/New_York', locale: 'en-US' });
  const message = await nextSent(chat, (f) => f.type === 'message', 'queued message');
  assert.deepEqual(chat.sent.map((f) => f.type), ['hello', 'message'], 'the hello goes first');
  const reply = await nextFrame(chat, isReply, 'reply to the queued message');
  assert.equal(reply.reply_to, message.id);
  await w.bots.nth(1).waitFor();
  // Between the welcome and the reply: the server's answer to the hello, shown nowhere.
  const between = chat.frames.slice(chat.frames.findIndex((f) => f.type === 'welcome') + 1, chat.seen - 1);
  assert.equal(between.length, 1, `one answer to the hello: ${JSON.stringify(between)}`);
  assert.match(between[0].type, /^(hello|error)$/);
  assert.deepEqual(await chat.page.locator('.note').allInnerTexts(), [], 'no warning for the hello');

  // A resumed session (after a reload) gets the hello again.
  await chat.page.reload();
  const welcome = await nextFrame(chat, (f) => f.type === 'welcome', 'welcome after reload');
  assert.equal(welcome.resumed, true);
  assert.deepEqual(await nextSent(chat, (f) => f.type === 'hello', 'hello after reload'), hello);
  assert.deepEqual(chat.errors, []);
  await chat.context.close();
});

test('time zone: an error that answers the hello (a zone the server does not know) is not shown', async () => {
  const answers = [];
  const events = new EventEmitter();
  // Between the page and the server: the hello gets a zone no server knows; the rest passes as is.
  const chat = await openDemo(undefined, (context) => context.routeWebSocket(/\/ws/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => {
      const f = JSON.parse(m);
      upstream.send(JSON.stringify(f.type === 'hello' ? { ...f, time_zone: 'Mars/Olympus' } : f));
    });
    upstream.onMessage((m) => { answers.push(JSON.parse(m)); events.emit('frame'); ws.send(m); });
  }));
  const w = ui(chat);
  await w.launcher.click();
  await w.bots.first().waitFor();
  const text = 'which is better for streaming?';
  await w.input.fill(text);
  await w.input.press('Enter');
  const watch = { frames: answers, seen: 0, events };
  const error = await nextFrame(watch, (f) => f.type === 'error', 'error answering the hello');
  assert.equal(error.code, 'bad_message');
  assert.equal(error.reply_to, null);
  const reply = await nextFrame(watch, isReply, 'reply');
  await w.bots.nth(1).waitFor();
  assert.ok(reply.text.length > 0);
  assert.deepEqual(await chat.page.locator('.note').allInnerTexts(), [], 'no warning bubble');
  assert.equal(await w.mine.first().locator('.meta').isVisible(), false, 'the message is not marked "Not sent"');
  assert.deepEqual(chat.errors, []);
  await chat.context.close();
});

test('the message limit comes from the welcome: a longer message is refused before it is sent', async () => {
  // Between the page and the server: the welcome says 40 characters; everything else passes.
  const sentUp = [];
  const chat = await openDemo(undefined, (context) => context.routeWebSocket(/\/ws/, (ws) => {
    const upstream = ws.connectToServer();
    ws.onMessage((m) => { sentUp.push(JSON.parse(m)); upstream.send(m); });
    upstream.onMessage((m) => {
      const f = JSON.parse(m);
      ws.send(JSON.stringify(f.type === 'welcome' ? { ...f, limits: { text_chars: 40 } } : f));
    });
  }));
  const w = ui(chat);
  await w.launcher.click();
  await w.bots.first().waitFor();
  assert.equal(await w.input.getAttribute('maxlength'), '40');
  // Typed past the limit by a script (maxlength stops a person): refused with the limit named.
  await w.input.evaluate((el) => { el.value = 'x'.repeat(41); el.dispatchEvent(new Event('input')); });
  await w.input.press('Enter');
  await chat.page.locator('.note').first().waitFor();
  assert.match(await chat.page.locator('.note').first().innerText(), /40 characters at most/);
  assert.equal(sentUp.filter((f) => f.type === 'message').length, 0, 'nothing was sent');
  await chat.context.close();
});

test('time zone: a visitor in New York is offered slots in New York time, as buttons only', async () => {
  const chat = await openDemo({ viewport: { width: 1280, height: 800 }, timezoneId: 'America/New_York',
    locale: 'en-US' });
  await openWidget(chat);
  await nextSent(chat, (f) => f.type === 'hello', 'hello');
  const reply = await book(chat, { until: 'slot' });
  const slots = slotsOf(reply);
  assert.ok(slots.length > 0, `slots are offered: ${JSON.stringify(reply.suggestions)}`);
  assert.ok(slots.some((s) => /New York/.test(s)), `the slots name New York: ${JSON.stringify(slots)}`);
  for (const s of slots) assert.ok(!reply.text.includes(s), `"${s}" is a button, not a line of the text: ${reply.text}`);
  assert.equal(await chat.page.locator('.note').count(), 0, 'no warning');
  await chat.context.close();
});

test('booking: the input\'s placeholder follows the field asked', async () => {
  const chat = await openDemo();
  const w = ui(chat);
  await openWidget(chat);
  const DEFAULT = 'Ask about Node.js or Python…';
  const HINTS = {
    name: 'Your name',
    email: 'you@example.com',
    company: 'Your company, or "skip"',
    project: 'A few words about your project',
    slot: 'Pick a time above, or type one (e.g. Tuesday 10am)',
    consent: 'Yes or no',
    confirm: 'Yes to book, or what to change',
  };
  const placeholder = () => w.input.getAttribute('placeholder');
  assert.equal(await placeholder(), DEFAULT);

  // Cancelled: the default comes back.
  assert.equal((await ask(chat, 'Book a free consultation')).form?.field, 'name');
  assert.equal(await placeholder(), HINTS.name);
  assert.equal((await ask(chat, 'cancel')).form, null);
  assert.equal(await placeholder(), DEFAULT);

  const seen = [];
  const done = await book(chat, {
    onReply: async (reply) => {
      if (reply.booking) return;
      seen.push(reply.form.field);
      assert.equal(await placeholder(), HINTS[reply.form.field], `the placeholder for ${reply.form.field}`);
    },
  });
  assert.deepEqual([...new Set(seen)], Object.keys(HINTS), 'every field was asked, in order');
  assert.ok(done.booking?.reference);
  assert.equal(await placeholder(), DEFAULT, 'booked: the default again');
  await chat.context.close();
});

test('screen readers: a status region announces typing and the booking\'s progress', async () => {
  const chat = await openDemo();
  const w = ui(chat);
  await openWidget(chat);
  const live = chat.page.locator('.live');
  assert.equal(await live.getAttribute('role'), 'status');
  assert.equal(await live.getAttribute('aria-live'), 'polite');
  const box = await live.boundingBox();
  assert.ok(box.width <= 1 && box.height <= 1, 'visually hidden');
  assert.equal(await chat.page.locator('.typing').getAttribute('aria-hidden'), 'true', 'the dots stay hidden');
  // Every text the region takes, in order (a reply may come faster than a poll).
  await shadowEval(chat.page, (root) => {
    const region = root.querySelector('.live');
    window.said = [];
    new MutationObserver(() => window.said.push(region.textContent))
      .observe(region, { childList: true, characterData: true, subtree: true });
  });
  const said = () => chat.page.evaluate(() => window.said);

  await ask(chat, 'which is better for streaming?');
  assert.deepEqual(await said(), ['Advisor is typing…', ''], 'typing, then cleared by the reply');

  const done = await book(chat);
  const ref = done.booking?.reference;
  assert.ok(ref, 'booked');
  const texts = (await said()).slice(2);
  const sent = chat.sent.filter((f) => f.type === 'message').length - 1;
  // Each message: "typing" while it is out, then the news its reply brings (or nothing).
  assert.equal(texts.length, 2 * sent, JSON.stringify(texts));
  texts.forEach((t, i) => {
    if (i % 2 === 0) assert.equal(t, 'Advisor is typing…');
    else assert.notEqual(t, 'Advisor is typing…');
  });
  assert.deepEqual(texts.filter((t, i) => i % 2 && t), [
    'Booking: 1 of 6 \u2014 your name',
    'Booking: 2 of 6 \u2014 email',
    'Booking: 3 of 6 \u2014 company',
    'Booking: 4 of 6 \u2014 project',
    'Booking: 5 of 6 \u2014 time slot',
    'Booking: 6 of 6 \u2014 consent',
    'Booking: check the details and confirm',
    `Booking confirmed, reference ${ref}`,
  ]);
  assert.equal(await live.textContent(), `Booking confirmed, reference ${ref}`);
  // The visual progress line is still there for those who see it.
  assert.equal(await chat.page.locator('.prog').isVisible(), false, 'booked: the progress line is gone');
  await chat.context.close();
});

test('booked: no chip or button offers "Book a free consultation"', async () => {
  const chat = await openDemo();
  const w = ui(chat);
  await openWidget(chat);
  const done = await book(chat);
  assert.ok(done.booking?.reference, 'booked');
  await w.chips.first().waitFor();
  const shown = await w.chips.allInnerTexts();
  assert.deepEqual(shown, done.suggestions.filter((s) => !/^book\b/i.test(s)), 'the reply\'s other suggestions');
  assert.equal(await chat.page.getByRole('button', { name: /book a free consultation/i }).count(), 0,
    'no such button in the page or the widget');
  assert.equal(await chat.page.getByRole('link', { name: /book a free consultation/i }).count(), 0);
  await chat.context.close();
});

test('phone: at 390x844 the time slots are buttons that fit the screen', async () => {
  const chat = await openDemo({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
    hasTouch: true });
  const w = ui(chat);
  await openWidget(chat);
  const reply = await book(chat, { until: 'slot' });
  const slots = slotsOf(reply);
  assert.ok(slots.length >= 2, `slots are offered: ${JSON.stringify(reply.suggestions)}`);
  await w.chips.first().waitFor();
  assert.deepEqual(await w.chips.allInnerTexts(), reply.suggestions);
  const boxes = [];
  for (const b of await w.chips.all()) boxes.push(await b.boundingBox());
  for (const [i, b] of boxes.entries()) {
    assert.ok(b.x >= 0 && b.x + b.width <= 390, `button ${i} (${reply.suggestions[i]}) fits: ${JSON.stringify(b)}`);
    assert.ok(b.height >= 44, `button ${i} is a comfortable target: ${b.height}px`);
  }
  const [first, second] = boxes.filter((b, i) => slots.includes(reply.suggestions[i]));
  assert.equal(first.y, second.y, 'two slots side by side');
  assert.ok(second.x > first.x + first.width, 'in two columns');
  const overflow = await shadowEval(chat.page, (root) => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    chips: root.querySelector('.chips').scrollWidth - root.querySelector('.chips').clientWidth,
    log: root.querySelector('.log').scrollWidth - root.querySelector('.log').clientWidth,
  }));
  assert.deepEqual(overflow, { page: 0, chips: 0, log: 0 }, 'no horizontal scroll');
  const input = await w.input.boundingBox();
  assert.ok(input.y + input.height <= 844, 'the input is still on screen');
  assert.equal(await w.input.inputValue(), '');
  const hint = await w.input.evaluate((t) => [t.placeholder, t.scrollHeight, t.clientHeight]);
  assert.ok(hint[1] <= hint[2], `the whole hint "${hint[0]}" shows: ${hint[1]} > ${hint[2]}`);
  await save(chat.page, 'widget-phone-slots.png');
  await chat.context.close();
});

test('the demo page is served with a strict Content-Security-Policy, and everything works under it', async () => {
  const chat = await openDemo();
  const csp = chat.response.headers()['content-security-policy'] || '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.match(csp, /connect-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  // The page's own script ran: the snippet names this origin, the button opens the chat.
  assert.match(await chat.page.locator('#snippet').textContent(), new RegExp(`${server.origin}/widget.js`));
  await chat.page.locator('#ask').click();
  await ui(chat).panel.waitFor({ state: 'visible' });
  await nextFrame(chat, (f) => f.type === 'welcome', 'welcome');
  const reply = await ask(chat, 'Which is better for streaming?');
  assert.equal(reply.recommendation, 'node');
  // The page's styles applied (they live in a file now), and the widget's too.
  assert.equal(await chat.page.evaluate(() => getComputedStyle(document.body).marginTop), '0px');
  assert.equal(await shadowEval(chat.page, (root) => getComputedStyle(root.querySelector('.launcher')).position), 'fixed');
  assert.deepEqual(await chat.page.evaluate(() => window.cspViolations), []);
  assert.deepEqual(chat.errors, []);
  await chat.context.close();
});

test('after close 1008 (policy) the widget does not reconnect by itself; sending again does', async () => {
  // A server with a tiny allowance: the widget's hello and two messages use it up.
  const strict = await startServer(0, ['--rate-limit', '0.01', '--rate-burst', '3']);
  try {
    // A fake clock: the test can run it ahead instead of waiting for a reconnect that must not come.
    const chat = await openDemo(undefined, (context) => context.clock.install(), strict.origin);
    const w = ui(chat);
    await openWidget(chat);
    await nextSent(chat, (f) => f.type === 'hello', 'hello');
    const closed = new Promise((resolve) => chat.sockets[0].on('close', resolve));
    for (const text of ['one', 'two', 'three', 'four']) {
      await w.input.fill(text);
      await w.input.press('Enter');
    }
    await closed;
    await chat.page.locator('.status', { hasText: 'Disconnected' }).waitFor();
    await chat.page.locator('.note', { hasText: 'too many messages' }).waitFor();
    // A minute of the page's time, far past every automatic retry (the longest waits 30 s).
    await chat.page.clock.runFor(60_000);
    await chat.page.evaluate(() => 0); // a round trip: a socket opened by then has been reported
    assert.equal(chat.sockets.length, 1, 'no reconnect after 1008');
    // The visitor's next message is a deliberate new start: it connects again.
    const reopened = once(chat.events, 'socket', { signal: AbortSignal.timeout(WAIT) });
    await w.input.fill('hello again');
    await w.input.press('Enter');
    await reopened;
    await nextFrame(chat, (f) => f.type === 'welcome', 'welcome after sending again');
    await chat.context.close();
  } finally {
    await stopServer(strict);
  }
});
