/* Advisor chat widget. One file, one global, no dependencies, no build step.
 *
 *   <script src="https://advisor.example/widget.js" async></script>
 *
 * Options, as AdvisorChat.init({...}) or as data- attributes on that script tag:
 *   server   (data-server)    Advisor's base URL; default: where this script came from
 *   title    (data-title)     header text; default "Advisor"
 *   accent   (data-accent)    any CSS colour; text on it turns dark if white would be unreadable
 *   position (data-position)  "right" (default) or "left"
 *   greeting (data-greeting)  opening message instead of the server's welcome text
 *   open     (data-open)      start with the panel open
 *   data-manual               skip auto-init; call AdvisorChat.init() yourself
 * AdvisorChat.init() returns { open, close, send(text), destroy }; AdvisorChat.open() and
 * AdvisorChat.close() act on the current one.
 *
 * The UI lives in an open shadow root (open so assistive tools, tests and the host page's
 * developers can inspect it; a closed root hides nothing from scripts on the same page).
 * Server and visitor text is only ever written with textContent: **bold** and [label](url)
 * are turned into nodes by the tokenizer below, links only to https: or the server's origin.
 * The file is ASCII (\u escapes) so a host page's legacy charset cannot garble it.
 */
(function () {
  'use strict';
  if (window.AdvisorChat && window.AdvisorChat.version) return; // loaded twice

  var script = document.currentScript;
  var scriptOrigin = '';
  try { scriptOrigin = new URL(script.src).origin; } catch (e) { /* inline or module */ }

  var NS = 'http://www.w3.org/2000/svg';
  var FIELDS = ['name', 'email', 'company', 'project', 'slot', 'consent'];
  var LABELS = { name: 'your name', email: 'email', company: 'company', project: 'project',
    slot: 'time slot', consent: 'consent', confirm: 'confirm' };
  var HINT = 'Ask about Node.js or Python\u2026';
  var HINTS = { name: 'Your name', email: 'you@example.com', company: 'Your company, or "skip"',
    project: 'A few words about your project', slot: 'Pick a time above, or type one (e.g. Tuesday 10am)',
    consent: 'Yes or no', confirm: 'Yes to book, or what to change' };
  var TYPING = 'Advisor is typing\u2026';
  var ERRORS = {
    rate_limited: 'You are sending messages faster than I can answer. Wait a moment, then try again.',
    internal: 'Something went wrong on our side. Please try again.'
  };
  var MAX = 2000; // until the welcome says otherwise (limits.text_chars)
  var current = null;

  var CSS = ':host{all:initial!important}' +
    '*,::before,::after{box-sizing:border-box}[hidden]{display:none!important}' +
    '.root{--accent:#1d4ed8;--on:#fff;--link:#1d4ed8;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2937;-webkit-font-smoothing:antialiased;text-align:left}' +
    'button,textarea{font:inherit;color:inherit;margin:0;letter-spacing:normal}button{cursor:pointer}' +
    ':focus-visible{outline:3px solid var(--link);outline-offset:2px}' +
    '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}' +
    'svg{width:24px;height:24px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}' +
    '.launcher{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:60px;height:60px;padding:0;border:0;border-radius:50%;background:var(--accent);color:var(--on);display:grid;place-items:center;box-shadow:0 6px 20px rgba(15,23,42,.3);transition:transform .15s}' +
    '.launcher:hover{transform:scale(1.06)}.launcher svg{width:28px;height:28px}' +
    '.launcher[aria-expanded=true] .i-chat,.launcher[aria-expanded=false] .i-down{display:none}' +
    '.badge{position:absolute;top:-3px;right:-3px;min-width:22px;height:22px;padding:0 6px;border:2px solid #fff;border-radius:11px;background:#b91c1c;color:#fff;font-size:12px;font-weight:700;line-height:18px;text-align:center}' +
    '.panel{position:fixed;bottom:92px;right:20px;z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:min(640px,calc(100vh - 112px));display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 12px 48px rgba(15,23,42,.25),0 0 0 1px rgba(15,23,42,.07);animation:pop .18s ease-out}' +
    '.left .launcher,.left .panel{right:auto;left:20px}' +
    '@keyframes pop{from{opacity:0;transform:translateY(10px)}}' +
    'header{display:flex;align-items:center;gap:12px;padding:12px 10px 12px 16px;background:var(--accent);color:var(--on)}' +
    '.av{flex:none;width:38px;height:38px;border-radius:50%;background:rgba(255,255,255,.2);display:grid;place-items:center;font-weight:700;font-size:17px}' +
    '.ttl{flex:1;min-width:0}h2{margin:0;font-size:16px;font-weight:700;line-height:1.3;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}' +
    '.status{display:flex;align-items:center;gap:6px;font-size:12.5px}' +
    '.status::before{content:"";width:8px;height:8px;border-radius:50%;background:#4ade80;box-shadow:0 0 0 2px rgba(255,255,255,.6)}' +
    '.root[data-state=wait] .status::before{background:#fbbf24}' +
    '.root[data-state=off] .status::before{background:#9ca3af}' +
    '.x{flex:none;width:38px;height:38px;padding:0;border:0;border-radius:8px;background:transparent;display:grid;place-items:center}' +
    '.x:hover{background:rgba(255,255,255,.18)}.x:focus-visible{outline-color:currentColor;outline-offset:-4px}' +
    '.prog{padding:8px 16px 10px;border-bottom:1px solid #e5e7eb;background:#f8fafc;color:#374151;font-size:13px}' +
    '.bar{height:4px;margin-top:6px;border-radius:2px;background:#e2e8f0;overflow:hidden}.bar i{display:block;height:100%;background:var(--accent);transition:width .3s}' +
    '.log{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:16px;display:flex;flex-direction:column;gap:10px}' +
    '.log:focus-visible{outline-offset:-3px}' +
    '.msg{display:flex;flex-direction:column;align-items:flex-start;max-width:86%}' +
    '.me{align-self:flex-end;align-items:flex-end}' +
    '.bubble{padding:10px 14px;border-radius:18px 18px 18px 6px;background:#f1f5f9;white-space:pre-wrap;overflow-wrap:anywhere}' +
    '.me .bubble{background:var(--accent);color:var(--on);border-radius:18px 18px 6px 18px}' +
    '.bubble a{color:var(--link)}strong{font-weight:700}' +
    '.meta{margin-top:3px;color:#4b5563;font-size:12px}' +
    '.meta button{padding:0 0 0 6px;border:0;background:none;color:var(--link);font-size:12px;text-decoration:underline}' +
    '.src{margin-top:8px;padding-top:6px;border-top:1px solid #d9dee7;color:#4b5563;font-size:13px;white-space:normal}' +
    '.src summary{display:flex;align-items:center;gap:7px;cursor:pointer;list-style:none;border-radius:4px}' +
    '.src summary::-webkit-details-marker{display:none}' +
    '.src summary::before{content:"";flex:none;width:6px;height:6px;border:solid currentColor;border-width:0 1.6px 1.6px 0;transform:rotate(-45deg);transition:transform .15s}' +
    '.src[open] summary::before{transform:rotate(45deg)}' +
    'blockquote{margin:6px 0 0;padding:1px 0 1px 10px;border-left:3px solid #cbd5e1;color:#374151;font-style:italic}' +
    'cite{display:block;font-size:12px;font-style:normal;font-weight:700}' +
    '.card{display:grid;gap:2px;min-width:230px;margin-top:8px;padding:12px 14px;border:1px solid #bbf7d0;border-radius:12px;background:#f0fdf4}' +
    '.card strong{color:#166534}' +
    '.cal{justify-self:start;margin-top:8px;padding:7px 14px;border-radius:8px;background:var(--accent);color:var(--on);font-size:14px;font-weight:600;text-decoration:none}' +
    '.note{align-self:center;max-width:90%;margin:2px 0;color:#4b5563;font-size:12.5px;text-align:center}' +
    '.warn{padding:6px 10px;border-radius:8px;background:#fff7ed;color:#9a3412}' +
    '.typing{display:flex;gap:4px;align-self:flex-start;padding:13px 14px;border-radius:18px 18px 18px 6px;background:#f1f5f9}' +
    '.typing i{width:7px;height:7px;border-radius:50%;background:#64748b;animation:dot 1.2s infinite}' +
    '.typing i:nth-child(2){animation-delay:.15s}.typing i:nth-child(3){animation-delay:.3s}' +
    '@keyframes dot{0%,60%,100%{opacity:.35;transform:none}30%{opacity:1;transform:translateY(-3px)}}' +
    '.chips{display:flex;flex-wrap:wrap;gap:8px;padding:2px 16px 12px}' +
    '.chip{max-width:100%;padding:7px 13px;border:1px solid var(--link);border-radius:999px;background:#fff;color:var(--link);font-size:14px;line-height:1.25;text-align:left;overflow-wrap:anywhere}' +
    // Time slots: long labels, so two even columns of roomy buttons; an odd last one (Cancel) spans both.
    '.chips.slots{display:grid;grid-template-columns:repeat(2,minmax(0,1fr))}' +
    '.slots .chip{min-height:44px;padding:7px 10px;border-radius:10px;text-align:center}' +
    '.slots .chip:last-child:nth-child(odd){grid-column:1/-1}' +
    '.chip:hover{background:color-mix(in srgb,var(--link) 8%,#fff)}' +
    'form{display:flex;align-items:flex-end;gap:8px;margin:0;padding:10px 12px calc(10px + env(safe-area-inset-bottom));border-top:1px solid #e5e7eb;background:#fff}' +
    'textarea{flex:1;height:42px;max-height:120px;padding:10px 14px;border:1px solid #94a3b8;border-radius:21px;background:#fff;line-height:1.35;resize:none}' +
    'textarea::placeholder{color:#6b7280;opacity:1}textarea:focus-visible{outline-width:2px;outline-offset:0}' +
    '.send{flex:none;width:42px;height:42px;padding:0;border:0;border-radius:50%;background:var(--accent);color:var(--on);display:grid;place-items:center}' +
    '.send svg{width:20px;height:20px}' +
    // Phone: full screen; 16px text in the input, or iOS zooms in on focus.
    '@media (max-width:479.98px){.panel,.left .panel{top:0;right:0;bottom:auto;left:0;width:100%;max-width:none;height:100vh;height:100dvh;border-radius:0;animation:none}textarea{font-size:16px}}' +
    '@media (prefers-reduced-motion:reduce){*,::before,::after{animation:none!important;transition:none!important}}';

  // Small DOM helpers: attributes and text only, never markup.
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k === 'cls' ? 'class' : k, attrs[k]);
    }
    (kids || []).forEach(function (kid) { if (kid) node.appendChild(kid); });
    return node;
  }
  function icon(cls, d) {
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', cls);
    var path = document.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
    return svg;
  }
  function str(v) { return typeof v === 'string' ? v : ''; }

  // A link target we accept: https anywhere, or anything on the server's own origin.
  function safeUrl(raw, base, origin) {
    try {
      var u = new URL(raw, base + '/');
      if (u.protocol === 'https:' || (u.origin === origin && u.protocol === 'http:')) return u.href;
    } catch (e) { /* not a URL: stays text */ }
    return null;
  }

  // The tokenizer: **bold** and [label](url) become nodes; everything else is text.
  function rich(parent, text, base, origin) {
    var re = /\*\*([^*\n][^*]*?)\*\*|\[([^\]\n]+)\]\(([^()\s]+)\)/g;
    var last = 0, m, url;
    while ((m = re.exec(text))) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] !== undefined) parent.appendChild(el('strong', { text: m[1] }));
      else if ((url = safeUrl(m[3], base, origin))) {
        parent.appendChild(el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: m[2] }));
      } else parent.appendChild(document.createTextNode(m[0]));
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // WCAG relative luminance of a computed "rgb(r, g, b)" colour.
  function luminance(rgb) {
    var c = (rgb.match(/[\d.]+/g) || [0, 0, 0]).slice(0, 3).map(function (v) {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  // ---- the widget's parts --------------------------------------------------------------
  // One object per widget (`w`) holds its state; the functions below each do one thing to it.
  //   w.st      what survives a page load (sessionStorage): session, history, form, open, unread
  //   w.v       the DOM nodes (buildView)
  //   the rest  the connection and what is in flight

  // The server's base URL (no trailing slash) and origin: opts.server, else this script's.
  function resolveServer(opts) {
    var base = new URL(opts.server || scriptOrigin || location.href, location.href);
    if (!/^https?:$/.test(base.protocol)) throw new Error('AdvisorChat: server must be http(s)');
    var origin = base.origin;
    return { base: opts.server ? (origin + base.pathname).replace(/\/+$/, '') : origin, origin: origin };
  }

  function loadState(key) {
    var st = { session: '', hist: [], sugg: [], form: null, open: false, unread: 0 };
    try { Object.assign(st, JSON.parse(sessionStorage.getItem(key)) || {}); } catch (e) { /* none */ }
    if (!Array.isArray(st.hist)) st.hist = [];
    return st;
  }

  function persist(w) {
    try { sessionStorage.setItem(w.key, JSON.stringify(w.st)); } catch (e) { /* private mode */ }
  }

  // The shadow root with the stylesheet; its nodes, for the functions below.
  function buildView(title, position) {
    var v = { host: el('advisor-chat') };
    v.host.style.setProperty('all', 'initial', 'important');
    var shadow = v.host.attachShadow({ mode: 'open' });
    // A constructed sheet is CSSOM, so a host page's CSP without 'unsafe-inline' allows it.
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) { shadow.appendChild(el('style', { text: CSS })); }
    v.root = el('div', { cls: 'root' + (position === 'left' ? ' left' : ''), 'data-state': 'wait' });
    v.badge = el('span', { cls: 'badge', 'aria-hidden': 'true', hidden: '' });
    v.launcher = el('button', { type: 'button', cls: 'launcher', 'aria-expanded': 'false',
      'aria-controls': 'panel' }, [
      icon('i-chat', 'M7 4h10a4 4 0 0 1 4 4v5a4 4 0 0 1-4 4h-5l-5 4v-4a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4zM8 10.5h.01M12 10.5h.01M16 10.5h.01'),
      icon('i-down', 'M6 9l6 6 6-6'), v.badge]);
    v.status = el('div', { cls: 'status', role: 'status', text: 'Connecting\u2026' });
    v.closeBtn = el('button', { type: 'button', cls: 'x', 'aria-label': 'Close chat' },
      [icon('', 'M6 6l12 12M18 6L6 18')]);
    v.progText = el('div');
    v.progBar = el('i');
    v.prog = el('div', { cls: 'prog', hidden: '' }, [v.progText,
      el('div', { cls: 'bar', 'aria-hidden': 'true' }, [v.progBar])]);
    v.typing = el('div', { cls: 'typing', 'aria-hidden': 'true', hidden: '' },
      [el('i'), el('i'), el('i')]);
    v.log = el('div', { cls: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
      'aria-label': 'Conversation', tabindex: '0' }, [v.typing]);
    v.chips = el('div', { cls: 'chips', role: 'group', 'aria-label': 'Suggested replies', hidden: '' });
    v.input = el('textarea', { rows: '1', maxlength: String(MAX), enterkeyhint: 'send',
      'aria-label': 'Message', placeholder: HINT });
    // For screen readers only: "Advisor is typing..." while a reply is awaited, then booking progress.
    v.live = el('div', { cls: 'sr live', role: 'status', 'aria-live': 'polite' });
    v.form = el('form', {}, [v.input, el('button', { type: 'submit', cls: 'send', 'aria-label': 'Send' },
      [icon('', 'M5 12h14M13 6l6 6-6 6')])]);
    v.panel = el('section', { cls: 'panel', id: 'panel', role: 'dialog', 'aria-modal': 'false',
      'aria-labelledby': 'ttl', hidden: '' }, [
      el('header', {}, [el('div', { cls: 'av', 'aria-hidden': 'true', text: title.charAt(0).toUpperCase() }),
        el('div', { cls: 'ttl' }, [el('h2', { id: 'ttl', text: title }), v.status]), v.closeBtn]),
      v.prog, v.log, v.chips, v.form, v.live]);
    v.root.appendChild(v.launcher);
    v.root.appendChild(v.panel);
    shadow.appendChild(v.root);
    return v;
  }

  // Accent: any CSS colour; white text on it only if that reaches 4.5:1, else near-black.
  // An invalid colour leaves the default.
  function applyAccent(root, accent) {
    if (!accent) return;
    var probe = el('i', { hidden: '' });
    probe.style.color = String(accent);
    if (!probe.style.color) return;
    root.appendChild(probe);
    var L = luminance(getComputedStyle(probe).color);
    root.removeChild(probe);
    root.style.setProperty('--accent', probe.style.color);
    root.style.setProperty('--on', 1.05 / (L + 0.05) >= 4.5 ? '#fff' : '#111827');
    root.style.setProperty('--link', 1.05 / (L + 0.05) >= 4.5 ? probe.style.color : '#1d4ed8');
  }

  // ---- rendering -----------------------------------------------------------------------
  function scroll(w) { w.v.log.scrollTop = w.v.log.scrollHeight; }
  function row(w, node) { w.v.log.insertBefore(node, w.v.typing); scroll(w); }

  // A visitor message's status line: sending, or not delivered with a button to send it again.
  function paintMeta(w, m) {
    var meta = w.metas.get(m.id);
    if (!meta) return;
    meta.textContent = '';
    var words = { q: 'Sending\u2026', lost: 'Connection lost: this may not have been delivered.',
      err: 'Not sent.' }[m.st];
    meta.hidden = !words;
    if (!words) return;
    meta.appendChild(document.createTextNode(words));
    if (m.st !== 'q') {
      meta.appendChild(el('button', { type: 'button', 'data-again': m.text, 'aria-label': 'Send again: ' + m.text,
        text: 'Send again' }));
    }
  }
  function setSt(w, m, s) { m.st = s; paintMeta(w, m); }

  function sources(list) {
    var sections = [];
    list.forEach(function (s) { if (sections.indexOf(s.section) < 0) sections.push(s.section); });
    var d = el('details', { cls: 'src' }, [el('summary', { text: 'From the guide: ' + sections.join(', ') })]);
    d.addEventListener('toggle', function () { if (d.open) d.scrollIntoView({ block: 'nearest' }); });
    list.forEach(function (s) {
      d.appendChild(el('blockquote', {}, [sections.length > 1 ? el('cite', { text: s.section }) : null,
        document.createTextNode(s.text)]));
    });
    return d;
  }

  function card(w, bk) {
    var ics = safeUrl(bk.ics, w.base, w.origin);
    return el('div', { cls: 'card', role: 'group', 'aria-label': 'Booking confirmed' }, [
      el('strong', { text: 'Consultation booked' }),
      el('div', { text: 'Reference: ' + bk.ref }),
      ics && new URL(ics).origin === w.origin
        ? el('a', { cls: 'cal', href: ics, download: '', text: 'Add to calendar' }) : null]);
  }

  function render(w, m) {
    if (m.k === 'note') return row(w, el('p', { cls: 'note' + (m.warn ? ' warn' : ''), text: m.text }));
    var me = m.k === 'me';
    var bubble = el('div', { cls: 'bubble' }, [el('span', { cls: 'sr', text: (me ? 'You' : w.title) + ': ' })]);
    if (me) bubble.appendChild(document.createTextNode(m.text));
    else rich(bubble, m.text, w.base, w.origin);
    if (m.src && m.src.length) bubble.appendChild(sources(m.src));
    var node = el('div', { cls: 'msg ' + (me ? 'me' : 'bot') }, [bubble, m.bk ? card(w, m.bk) : null]);
    if (me) {
      var meta = el('div', { cls: 'meta' });
      node.appendChild(meta);
      w.metas.set(m.id, meta);
      paintMeta(w, m);
    }
    row(w, node);
  }

  function add(w, m) {
    w.st.hist.push(m);
    if (w.st.hist.length > 150) w.st.hist.splice(0, w.st.hist.length - 150);
    render(w, m);
  }
  function note(w, text, warn) { add(w, { k: 'note', text: text, warn: !!warn }); persist(w); }

  function setSugg(w, list) {
    var st = w.st, chips = w.v.chips;
    st.sugg = Array.isArray(list) ? list.filter(function (s) { return typeof s === 'string' && s; }).slice(0, 8) : [];
    chips.textContent = '';
    st.sugg.forEach(function (s) { chips.appendChild(el('button', { type: 'button', cls: 'chip', text: s })); });
    chips.hidden = !st.sugg.length;
    chips.className = 'chips' + (st.form && st.form.field === 'slot' ? ' slots' : '');
  }

  // tell: announce a new field to screen readers (replies only, not history or a new welcome).
  function setForm(w, f, tell) {
    var st = w.st, v = w.v;
    var was = st.form && st.form.field;
    st.form = f && f.name === 'booking' && typeof f.field === 'string' ? { name: 'booking', field: f.field } : null;
    v.prog.hidden = !st.form;
    v.input.placeholder = st.form && HINTS.hasOwnProperty(st.form.field) ? HINTS[st.form.field] : HINT;
    grow(w); // a long hint gets a second line rather than being cut
    if (!st.form) return;
    var i = FIELDS.indexOf(st.form.field);
    v.progText.textContent = i >= 0 ? 'Booking: ' + (i + 1) + ' of ' + FIELDS.length + ' \u2014 ' + LABELS[st.form.field]
      : st.form.field === 'confirm' ? 'Booking: check the details and confirm' : 'Booking';
    // Screen readers hear the same words the progress line shows.
    if (tell && st.form.field !== was) w.news = v.progText.textContent;
    v.progBar.style.width = (i >= 0 ? i : FIELDS.length) / FIELDS.length * 100 + '%';
  }

  function setStatus(w, state) {
    w.v.root.setAttribute('data-state', state === 'online' || state === 'off' ? state : 'wait');
    w.v.status.textContent = state === 'online' ? 'Online' : state === 'off' ? 'Disconnected'
      : w.everUp ? 'Reconnecting\u2026' : 'Connecting\u2026';
  }

  function paintBadge(w) {
    var unread = w.st.unread;
    w.v.badge.hidden = !unread;
    w.v.badge.textContent = unread > 9 ? '9+' : String(unread);
    w.v.launcher.setAttribute('aria-label', 'Chat with ' + w.title + (unread ? ' (' + unread + ' unread)' : ''));
  }

  function paintTyping(w) {
    w.v.typing.hidden = !w.sent.size;
    var say = w.sent.size ? TYPING : w.news;
    if (w.v.live.textContent !== say) w.v.live.textContent = say;
    scroll(w);
  }

  // Fits the input to its text, or to its placeholder while empty (0 while the panel is hidden).
  function grow(w) {
    var input = w.v.input;
    input.style.height = '';
    if (input.scrollHeight) input.style.height = Math.min(input.scrollHeight + 2, 120) + 'px';
  }

  // ---- connection ----------------------------------------------------------------------
  function connect(w) {
    clearTimeout(w.timer);
    w.timer = 0;
    if (w.dead || w.ws) return;
    if (w.v.root.getAttribute('data-state') === 'off') setStatus(w, 'wait');
    var sock;
    try {
      sock = new WebSocket(w.base.replace(/^http/, 'ws') + '/ws' +
        (w.st.session ? '?session=' + encodeURIComponent(w.st.session) : ''));
    } catch (e) { return retry(w); }
    w.ws = sock;
    sock.onmessage = function (ev) { if (w.ws === sock) frame(w, ev.data); };
    sock.onclose = function (ev) { if (w.ws === sock) dropped(w, ev.code); };
  }

  function raw(w, obj) { if (w.ws && w.ws.readyState === 1) w.ws.send(JSON.stringify(obj)); }

  // Nothing is ever resent on our own: a message the socket took may have been answered
  // by a server that died before the reply got out. The visitor sees it and may resend.
  // After 1008 (policy: too many messages) reconnecting by itself would only be refused
  // again: the widget waits until the visitor sends something.
  function dropped(w, code) {
    w.ws = null;
    w.welcomed = false;
    w.hellos = 0;
    clearInterval(w.pinger);
    w.sent.forEach(function (m) { setSt(w, m, 'lost'); });
    w.sent.clear();
    paintTyping(w);
    if (code === 1008) {
      w.attempt = 0;
      setStatus(w, 'off');
      note(w, 'The chat was disconnected because too many messages came at once. Send a message to connect again.', true);
      return;
    }
    setStatus(w, 'wait');
    persist(w);
    retry(w);
  }

  function retry(w) {
    if (w.dead || w.timer) return;
    var delay = Math.min(30000, 500 * Math.pow(2, Math.min(w.attempt++, 6)));
    // 0.25-0.5 s, doubling, up to 15-30 s
    w.timer = setTimeout(function () { connect(w); }, delay / 2 + Math.random() * delay / 2);
  }

  function flush(w) {
    while (w.welcomed && w.ws && w.ws.readyState === 1 && w.queue.length) {
      var m = w.queue.shift();
      w.ws.send(JSON.stringify({ type: 'message', text: m.text, id: m.id }));
      w.sent.set(m.id, m);
      setSt(w, m, 's');
    }
    paintTyping(w);
    persist(w);
  }

  function frame(w, data) {
    var m;
    try { m = JSON.parse(data); } catch (e) { return; }
    if (!m || typeof m !== 'object') return;
    if (m.type === 'welcome') onWelcome(w, m);
    else if (m.type === 'reply') onReply(w, m);
    else if (m.type === 'error') onError(w, m);
    else if (m.type === 'hello') { if (w.hellos) w.hellos--; } // what the server took: nothing to show
    // pong, and types a later protocol version adds: nothing to show
  }

  // Right after every welcome: the visitor's time zone and language, so times are shown in
  // theirs. A field the browser does not give is left out.
  function hello(w) {
    var h = { type: 'hello' }, zone = '';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { /* no Intl */ }
    if (str(zone)) h.time_zone = zone;
    if (str(navigator.language)) h.locale = navigator.language;
    w.hellos++;
    raw(w, h);
  }

  function tooLong() { return 'That message is too long: ' + MAX + ' characters at most.'; }

  function onWelcome(w, m) {
    var st = w.st;
    var limit = m.limits && m.limits.text_chars;
    if (typeof limit === 'number' && limit > 0 && limit % 1 === 0) {
      MAX = limit;
      w.v.input.setAttribute('maxlength', String(MAX));
    }
    var resumed = m.resumed === true && m.session === st.session;
    var had = !!st.session && st.hist.length > 0; // only messages queued before any session: nothing expired
    st.session = str(m.session);
    w.welcomed = w.everUp = true;
    w.attempt = 0;
    setStatus(w, 'online');
    if (!resumed || !had) {
      if (had) note(w, 'That conversation has expired, so we are starting a new one.');
      add(w, { k: 'bot', text: str(w.opts.greeting) || str(m.text) });
      setForm(w, null);
      setSugg(w, m.suggestions);
      w.news = '';
    }
    clearInterval(w.pinger);
    w.pinger = setInterval(function () { raw(w, { type: 'ping' }); }, 25000);
    hello(w); // before the queued messages; the server answers frames in order
    flush(w);
  }

  function onReply(w, m) {
    var mine = w.sent.get(m.reply_to);
    if (mine) { w.sent.delete(m.reply_to); setSt(w, mine, 'ok'); }
    var b = m.booking;
    var bk = b && typeof b.reference === 'string' ? { ref: b.reference, ics: str(b.ics_url) } : null;
    w.news = '';
    add(w, { k: 'bot', text: str(m.text),
      src: (Array.isArray(m.sources) ? m.sources : []).filter(function (s) {
        return s && typeof s.section === 'string' && typeof s.text === 'string';
      }).map(function (s) { return { section: s.section, text: s.text }; }),
      bk: bk });
    setForm(w, m.form, true);
    if (bk) w.news = 'Booking confirmed, reference ' + bk.ref;
    // Booked: no chip offers to book again.
    setSugg(w, bk && Array.isArray(m.suggestions) ? m.suggestions.filter(function (s) {
      return !/^\s*book\b/i.test(str(s));
    }) : m.suggestions);
    if (!w.isOpen) { w.st.unread++; paintBadge(w); }
    paintTyping(w);
    persist(w);
  }

  function onError(w, m) {
    // The answer to our hello (a server that does not know it, or not the zone): the visitor
    // did nothing, so nothing to show. Messages always carry an id, so their errors name it.
    if (w.hellos && m.reply_to == null) { w.hellos--; return; }
    w.news = '';
    var mine = w.sent.get(m.reply_to);
    if (mine) { w.sent.delete(m.reply_to); setSt(w, mine, 'err'); }
    note(w, m.code === 'too_long' ? tooLong() : ERRORS[m.code] || 'That message could not be sent.', true);
    paintTyping(w);
  }

  function send(w, text) {
    text = String(text == null ? '' : text).trim();
    if (!text) return false;
    if (Array.from(text).length > MAX) { note(w, tooLong(), true); return false; }
    var m = { k: 'me', text: text, id: 'w' + Date.now().toString(36) + '-' + (++w.seq), st: 'q' };
    add(w, m);
    w.queue.push(m);
    setSugg(w, []);
    if (!w.ws && !w.timer) connect(w);
    flush(w);
    return true;
  }

  // ---- open, close, keyboard, phone ----------------------------------------------------
  // On a phone the panel follows the visual viewport, so the input stays above the keyboard.
  function fit(w) {
    var on = w.isOpen && w.vv && w.narrow.matches;
    w.v.panel.style.height = on ? w.vv.height + 'px' : '';
    w.v.panel.style.top = on ? w.vv.offsetTop + 'px' : '';
  }

  function open(w, focus) {
    if (w.dead) return;
    w.isOpen = w.st.open = true;
    w.st.unread = 0;
    paintBadge(w);
    w.v.panel.hidden = false;
    w.v.launcher.setAttribute('aria-expanded', 'true');
    fit(w);
    grow(w);
    scroll(w);
    if (!w.ws && !w.timer) connect(w);
    if (focus) w.v.input.focus();
    persist(w);
  }

  function close(w, focus) {
    w.isOpen = w.st.open = false;
    w.v.panel.hidden = true;
    w.v.launcher.setAttribute('aria-expanded', 'false');
    fit(w);
    if (focus) w.v.launcher.focus();
    persist(w);
  }

  // The controls' events, and the page's (kept on w to be removed by destroy).
  function listen(w) {
    var v = w.v;
    v.launcher.addEventListener('click', function () { if (w.isOpen) close(w, true); else open(w, true); });
    v.closeBtn.addEventListener('click', function () { close(w, true); });
    v.root.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && w.isOpen) { e.preventDefault(); close(w, true); }
    });
    v.chips.addEventListener('click', function (e) {
      var b = e.target.closest('.chip');
      if (b && send(w, b.textContent)) v.input.focus();
    });
    v.log.addEventListener('click', function (e) {
      var b = e.target.closest('[data-again]');
      if (b && send(w, b.getAttribute('data-again'))) v.input.focus();
    });
    v.form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (send(w, v.input.value)) { v.input.value = ''; grow(w); }
      v.input.focus();
    });
    v.input.addEventListener('input', function () { grow(w); });
    v.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); v.form.requestSubmit(); }
    });
    w.onOnline = function () { if (w.timer) connect(w); };
    w.onFit = function () { fit(w); };
    window.addEventListener('online', w.onOnline);
    window.addEventListener('resize', w.onFit);
    if (w.vv) { w.vv.addEventListener('resize', w.onFit); w.vv.addEventListener('scroll', w.onFit); }
  }

  // History first (before the live region is in the page, so it is not re-read).
  function restore(w) {
    w.st.hist.forEach(function (m) {
      if (m.k === 'me' && m.st === 'q') w.queue.push(m);
      else if (m.k === 'me' && m.st === 's') m.st = 'lost'; // the page went away before its reply
      render(w, m);
    });
    setForm(w, w.st.form);
    setSugg(w, w.st.sugg);
    paintBadge(w);
  }

  function destroy(w) {
    w.dead = true;
    clearTimeout(w.timer);
    clearInterval(w.pinger);
    if (w.ws) { var s = w.ws; w.ws = null; s.close(1000); }
    window.removeEventListener('online', w.onOnline);
    window.removeEventListener('resize', w.onFit);
    if (w.vv) { w.vv.removeEventListener('resize', w.onFit); w.vv.removeEventListener('scroll', w.onFit); }
    w.v.host.remove();
  }

  function create(opts) {
    var server = resolveServer(opts);
    var w = {
      opts: opts, base: server.base, origin: server.origin, title: str(opts.title) || 'Advisor',
      key: 'advisor-chat:' + server.base,
      ws: null, welcomed: false, everUp: false, attempt: 0, timer: 0, pinger: 0,
      dead: false, isOpen: false, seq: 0,
      hellos: 0,          // hello frames whose answer (hello, or an error) has not come yet
      news: '',           // what the status region says once no reply is awaited
      queue: [],          // visitor messages not yet written to a socket
      sent: new Map(),    // id -> message written, reply not yet received
      metas: new Map(),   // id -> its status line
      narrow: window.matchMedia('(max-width: 479.98px)'),
      vv: window.visualViewport
    };
    w.st = loadState(w.key);
    w.v = buildView(w.title, opts.position);
    listen(w);
    restore(w);
    (document.body || document.documentElement).appendChild(w.v.host);
    applyAccent(w.v.root, opts.accent);

    if (w.st.session || w.queue.length) connect(w);
    if (opts.open || w.st.open) open(w, false);

    return {
      open: function () { open(w, true); },
      close: function () { close(w, false); },
      send: function (text) { return send(w, text); },
      destroy: function () { destroy(w); }
    };
  }

  function init(opts) {
    if (current) current.destroy(); // the last init wins
    current = create(opts || {});
    return current;
  }

  window.AdvisorChat = {
    version: '1',
    init: init,
    open: function () { if (current) current.open(); },
    close: function () { if (current) current.close(); }
  };

  if (script && script.dataset && !('manual' in script.dataset)) {
    var d = script.dataset, auto = {};
    ['server', 'title', 'accent', 'position', 'greeting'].forEach(function (k) { if (d[k]) auto[k] = d[k]; });
    if ('open' in d) auto.open = d.open !== 'false';
    var go = function () { if (!current) init(auto); };
    if (document.body) go();
    else document.addEventListener('DOMContentLoaded', go);
  }
})();
