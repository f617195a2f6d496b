// The operators' console: plain JavaScript, no framework, no build step. Everything it shows
// comes from /api/admin/* (Bearer token) and is put in the page with textContent only: what
// visitors typed is never parsed as markup.
'use strict';

(() => {
  const TOKEN_KEY = 'advisor-admin-token'; // sessionStorage: kept for this tab only
  const $ = (id) => document.getElementById(id);
  const status = $('status');

  // ---- small helpers ------------------------------------------------------------------------
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') node.textContent = v;
      else if (k === 'class') node.className = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  function say(message, isError = false) {
    status.textContent = message;
    status.classList.toggle('error', isError);
  }

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

  class Unauthorized extends Error {}

  async function api(path, options = {}) {
    const res = await fetch(path, {
      ...options,
      headers: { Authorization: `Bearer ${token()}`, ...(options.headers || {}) },
      cache: 'no-store',
    });
    if (res.status === 401) throw new Unauthorized('The token was not accepted.');
    if (res.status === 429) throw new Error('Too many wrong tokens: wait a few seconds and try again.');
    if (!res.ok) {
      let message = `The server answered ${res.status}.`;
      try { message = (await res.json()).message || message; } catch { /* not JSON */ }
      throw new Error(message);
    }
    return res;
  }

  // Any call: an unaccepted token sends the operator back to the sign-in form.
  async function guarded(work) {
    try {
      return await work();
    } catch (e) {
      if (e instanceof Unauthorized) signOut('The token was not accepted. Sign in again.');
      else say(e.message || String(e), true);
      return undefined;
    }
  }

  // ---- signing in and out -------------------------------------------------------------------
  function showSignedIn(signedIn) {
    $('login').hidden = signedIn;
    $('nav').hidden = !signedIn;
    $('sign-out').hidden = !signedIn;
    if (!signedIn) {
      for (const id of ['leads', 'review', 'health']) $(id).hidden = true;
    }
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignedIn(false);
    say(message || 'Signed out.', Boolean(message));
    $('token').value = '';
    $('token').focus();
  }

  async function signIn(value) {
    sessionStorage.setItem(TOKEN_KEY, value);
    say('Signing in…');
    try {
      await api('/api/admin/health');
    } catch (e) {
      if (e instanceof Unauthorized) return signOut('The token was not accepted.');
      sessionStorage.removeItem(TOKEN_KEY);
      say(e.message, true);
      return undefined;
    }
    showSignedIn(true);
    say('Signed in.');
    return show('leads');
  }

  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token').value.trim();
    if (!value) { say('Enter the admin token.', true); $('token').focus(); return; }
    signIn(value);
  });
  $('sign-out').addEventListener('click', () => signOut());

  // ---- views --------------------------------------------------------------------------------
  const views = { leads: loadLeads, review: loadReview, health: loadHealth };

  async function show(name) {
    for (const view of Object.keys(views)) $(view).hidden = view !== name;
    for (const button of document.querySelectorAll('#nav button')) {
      if (button.dataset.view === name) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
    }
    await views[name]();
    $(`${name}-title`).focus();
  }

  for (const button of document.querySelectorAll('#nav button')) {
    button.addEventListener('click', () => show(button.dataset.view));
  }

  // ---- leads --------------------------------------------------------------------------------
  const DELIVERY = {
    delivered: () => 'Delivered to the webhook',
    pending: (d) => {
      if (!d.configured) return 'Waiting in the outbox: no webhook URL is set (--webhook-url)';
      const last = d.last_error ? `; last error: ${d.last_error}` : '';
      return d.next_attempt
        ? `Pending: next attempt ${new Date(d.next_attempt).toLocaleString()} (${d.attempts} so far${last})`
        : 'Pending';
    },
    stopped: (d) => `Stopped after ${d.attempts} attempts (advisor leads retry)`,
  };

  function field(list, term, value) {
    if (!value) return;
    list.append(el('dt', { text: term }), el('dd', { text: value }));
  }

  function conversation(lead) {
    // Focusable so that a keyboard can scroll a long conversation; named for screen readers.
    const lines = el('ol', { class: 'transcript', tabindex: '0',
      'aria-label': `Conversation with ${lead.name}` });
    for (const line of lead.transcript) {
      lines.append(el('li', { class: line.speaker === 'bot' ? 'bot' : 'visitor' },
        el('span', { class: 'speaker', text: line.speaker === 'bot' ? 'Bot: ' : 'Visitor: ' }),
        document.createTextNode(line.text)));
    }
    return el('details', {},
      el('summary', { text: `Conversation (${lead.transcript.length} lines)` }), lines);
  }

  function deleteControls(lead, card) {
    const box = el('div', { class: 'actions' });
    const start = el('button', { type: 'button', class: 'danger', text: 'Delete…' });
    start.setAttribute('aria-label', `Delete booking ${lead.reference}`);
    box.append(start);
    start.addEventListener('click', () => {
      const question = el('p', { class: 'confirm', id: `confirm-${lead.reference}`,
        text: `Delete booking ${lead.reference} and everything stored with it? This cannot be undone.` });
      const yes = el('button', { type: 'button', class: 'danger', text: 'Yes, delete' });
      const no = el('button', { type: 'button', text: 'Keep it' });
      const group = el('div', { role: 'group', 'aria-labelledby': question.id }, question, yes, no);
      box.replaceChildren(group);
      yes.focus();
      no.addEventListener('click', () => {
        box.replaceChildren(start);
        start.focus();
      });
      yes.addEventListener('click', () => guarded(async () => {
        await api(`/api/admin/leads/${encodeURIComponent(lead.reference)}`, { method: 'DELETE' });
        const next = card.nextElementSibling || card.previousElementSibling;
        card.remove();
        updateCount();
        say(`Deleted booking ${lead.reference}.`);
        (next ? next.querySelector('h2') : $('search')).focus();
      }));
    });
    return box;
  }

  function leadCard(lead) {
    const title = el('h2', { tabindex: '-1' }, el('span', { text: lead.name }),
      el('span', { class: 'ref', text: ` ${lead.reference}` }));
    const facts = el('dl');
    field(facts, 'Slot (our time)', lead.slot.local ? `${lead.slot.local} (${lead.slot.zone})` : '');
    field(facts, 'Slot (UTC)', lead.slot.utc.replace('T', ' ').replace(/:00Z$/, ' UTC'));
    field(facts, 'Visitor’s time', lead.slot.visitor_local);
    field(facts, 'Email', lead.email);
    field(facts, 'Company', lead.company);
    field(facts, 'Project', lead.project);
    field(facts, 'Recommendation', lead.recommendation);
    field(facts, 'Booked at', new Date(lead.created_at).toLocaleString());
    field(facts, 'Webhook', DELIVERY[lead.delivery.state](lead.delivery));
    const card = el('li', { class: `card ${lead.delivery.state}` });
    card.append(el('article', { 'aria-label': `${lead.name} ${lead.reference}` },
      title, facts, conversation(lead)));
    card.append(deleteControls(lead, card));
    return card;
  }

  function updateCount() {
    const n = $('lead-list').children.length;
    $('leads-count').textContent = plural(n, 'booking', 'bookings');
  }

  // The "Booked" choice as [from, to) in the browser's own days.
  function bookedRange(when) {
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const day = (n) => new Date(midnight.getFullYear(), midnight.getMonth(), midnight.getDate() + n);
    return {
      any: [new Date(0), new Date(8.64e15)],
      today: [day(0), day(1)],
      yesterday: [day(-1), day(0)],
      week: [day(-6), day(1)],
    }[when];
  }

  async function loadLeads() {
    const q = $('search').value.trim();
    const when = $('when').value;
    const [from, to] = bookedRange(when);
    await guarded(async () => {
      const res = await api(`/api/admin/leads${q ? `?q=${encodeURIComponent(q)}` : ''}`);
      const data = await res.json();
      const shown = data.leads.filter((l) => new Date(l.created_at) >= from && new Date(l.created_at) < to);
      $('lead-list').replaceChildren(...shown.map(leadCard));
      updateCount();
      const filtered = q || when !== 'any';
      say(filtered ? `${shown.length} found.` : `${plural(shown.length, 'booking', 'bookings')}, newest first.`);
    });
  }

  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadLeads();
  });
  $('when').addEventListener('change', () => loadLeads());

  $('export').addEventListener('click', () => guarded(async () => {
    const res = await api('/api/admin/leads.csv');
    const url = URL.createObjectURL(await res.blob());
    const link = el('a', { href: url, download: 'leads.csv' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    say('Exported leads.csv.');
  }));

  // ---- to review ----------------------------------------------------------------------------
  const INTENT = {
    fallback: 'not understood (fallback)',
    out_of_scope: 'out of scope',
    clarify: 'asked to clarify',
  };

  function reviewCard(group) {
    const facts = el('dl');
    field(facts, 'Asked', group.count === 1 ? 'once' : `${group.count} times`);
    field(facts, 'First seen', new Date(group.first_seen).toLocaleString());
    field(facts, 'Last seen', new Date(group.last_seen).toLocaleString());
    field(facts, 'Outcome', INTENT[group.intent]
      || `unsure ${group.intent} (confidence ${Math.round(group.confidence * 100)} %)`);
    field(facts, 'Reply given', group.reply);
    const done = el('button', { type: 'button', class: 'quiet', text: 'Dealt with' });
    done.setAttribute('aria-label', `Dealt with: ${group.text}`);
    const card = el('li', { class: 'card review' },
      el('article', {}, el('h2', { class: 'asked', text: group.text }), facts), done);
    done.addEventListener('click', () => guarded(async () => {
      await api(`/api/admin/review?key=${encodeURIComponent(group.key)}`, { method: 'DELETE' });
      const next = card.nextElementSibling || card.previousElementSibling;
      card.remove();
      $('review-count').textContent = plural($('review-list').children.length, 'question', 'questions');
      say('Removed from the list.');
      (next ? next.querySelector('button') : $('review-title')).focus();
    }));
    return card;
  }

  async function loadReview() {
    await guarded(async () => {
      const data = await (await api('/api/admin/review')).json();
      $('review-list').replaceChildren(...data.groups.map(reviewCard));
      $('review-count').textContent = data.enabled
        ? `${plural(data.groups.length, 'question', 'questions')}, kept ${data.retention_days} days after they were last asked.`
        : 'Keeping questions for review is turned off (--no-review).';
      say(`${plural(data.groups.length, 'question', 'questions')} to review.`);
    });
  }

  // ---- health -------------------------------------------------------------------------------
  function duration(seconds) {
    const d = Math.floor(seconds / 86400);
    const h = Math.floor((seconds % 86400) / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
  }

  function healthSection(title, rows) {
    const list = el('dl');
    for (const [term, value] of rows) field(list, term, String(value));
    return el('section', { class: 'panel', 'aria-label': title }, el('h2', { text: title }), list);
  }

  async function loadHealth() {
    await guarded(async () => {
      const h = await (await api('/api/admin/health')).json();
      const replies = Object.entries(h.replies_last_hour.by_intent).filter(([, n]) => n > 0);
      const files = el('ul', { class: 'files' });
      for (const name of h.knowledge.files) files.append(el('li', { text: name }));
      const knowledge = healthSection('Knowledge', [
        ['Loaded at', new Date(h.knowledge.loaded_at).toLocaleString()],
        ['Reloads', `${h.reloads.ok} accepted, ${h.reloads.failed} refused`],
      ]);
      knowledge.append(el('details', {}, el('summary', { text: `${h.knowledge.files.length} files` }), files));
      $('health-body').replaceChildren(
        healthSection('Server', [
          ['Version', h.version],
          ['Up for', duration(h.uptime_seconds)],
          ['Storage', h.storage],
          ['Open chat connections', h.connections],
          ['Conversations in memory', h.sessions],
        ]),
        knowledge,
        healthSection('Replies in the last hour, by intent',
          replies.length ? replies.map(([k, n]) => [k, n]) : [['Replies', 'none']]),
        healthSection('Webhook', [
          ['Configured', h.webhook.configured ? 'yes' : 'no (bookings wait in the outbox)'],
          ['Pending deliveries', h.webhook.pending],
          ['Stopped deliveries', h.webhook.stopped],
          ['Endpoints that answered 410', h.webhook.endpoints_gone],
        ]),
      );
      say('Health refreshed.');
    });
  }

  $('refresh-health').addEventListener('click', loadHealth);

  // ---- start --------------------------------------------------------------------------------
  if (token()) signIn(token());
  else { showSignedIn(false); $('token').focus(); }
})();
