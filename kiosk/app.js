/* The counter tablet: pairing, the short form one question at a time, an offline queue.
 * Plain JS, no framework: the whole client stays a few tens of kilobytes (docs/KIOSK.md).
 * Every answer is kept in IndexedDB before anything is sent, so a network drop, a reload
 * or a browser restart loses nothing; the client-generated id makes every resend harmless. */
'use strict';

const APP_VERSION = '1.0.0';
const API = '/api/kiosk/';
const params = new URLSearchParams(location.search);
// Test and set-up overrides: ?idle=2&thanks=1&retry=1&sync=5&hold=3 (seconds), ?step=300 (ms).
const param = (name) => { const v = Number(params.get(name)); return v > 0 ? v : null; };
const RATINGS = { 1: '#c62828', 2: '#ef6c00', 3: '#e9a400', 4: '#7cb342', 5: '#2e7d32' };
// A tapped answer stays highlighted this long (?step= in ms); taps meanwhile are ignored.
const STEP_MS = Number(params.get('step')) || 300;

const S = {
  lang: 'vi', strings: {}, token: null, deviceId: null, counter: null,
  def: null, defVersion: null, items: [], settings: {},
  idx: 0, answers: {}, surveyId: null, mode: 'loading', screenAt: 0, busy: false,
  lastActivity: Date.now(), maxBatch: 50, rejected: 0, lastSync: null,
};

/* ------------------------------------------------------------------ IndexedDB */
let dbPromise = null;
function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('surveyapp-kiosk', 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('kv');
      req.result.createObjectStore('queue', { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
function tx(store, mode, work) {
  dbPromise = dbPromise || openDb();
  return dbPromise.then((db) => new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const req = work(t.objectStore(store));
    t.oncomplete = () => resolve(req ? req.result : undefined);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  }));
}
const kvGet = (key) => tx('kv', 'readonly', (s) => s.get(key));
const kvSet = (key, value) => tx('kv', 'readwrite', (s) => s.put(value, key));
const kvDelete = (key) => tx('kv', 'readwrite', (s) => s.delete(key));
const queueAll = () => tx('queue', 'readonly', (s) => s.getAll());
const queueCount = () => tx('queue', 'readonly', (s) => s.count());
const queuePut = (entry) => tx('queue', 'readwrite', (s) => s.put(entry));
const queueDelete = (ids) => tx('queue', 'readwrite', (s) => { ids.forEach((id) => s.delete(id)); });

/* ------------------------------------------------------------------ helpers */
const $ = (id) => document.getElementById(id);
const t = (key, vars) => {
  let text = (S.strings[S.lang] || S.strings.vi || {})[key] || key;
  Object.entries(vars || {}).forEach(([k, v]) => { text = text.replace('{' + k + '}', v); });
  return text;
};
const label = (obj) => (obj && (obj[S.lang] || obj.vi)) || '';

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.entries(props || {}).forEach(([k, v]) => {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'on') Object.entries(v).forEach(([ev, fn]) => node.addEventListener(ev, fn));
    else node.setAttribute(k, v);
  });
  children.flat().forEach((c) => c && node.append(c));
  return node;
}

function face(score) {
  const ns = 'http://www.w3.org/2000/svg';
  const mouths = {
    1: 'M30 74 Q50 54 70 74', 2: 'M32 72 Q50 62 68 72', 3: 'M33 68 L67 68',
    4: 'M32 63 Q50 76 68 63', 5: 'M28 58 Q50 86 72 58',
  };
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 100 100');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'face');
  const shape = (name, attrs) => {
    const n = document.createElementNS(ns, name);
    Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, v));
    svg.append(n);
  };
  shape('circle', { cx: 50, cy: 50, r: 46, fill: RATINGS[score] });
  shape('circle', { cx: 35, cy: 41, r: 6, fill: '#fff' });
  shape('circle', { cx: 65, cy: 41, r: 6, fill: '#fff' });
  shape('path', { d: mouths[score], fill: 'none', stroke: '#fff', 'stroke-width': 7, 'stroke-linecap': 'round' });
  return svg;
}

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function show(mode, ...nodes) {
  S.mode = mode;
  S.screenAt = performance.now();
  S.busy = false;
  const screen = $('screen');
  screen.className = 'screen screen-' + mode;
  screen.replaceChildren(...nodes);
  $('lang').hidden = !S.def || !['attract', 'question'].includes(mode);
  $('lang').textContent = S.lang === 'vi' ? 'English' : 'Tiếng Việt';
  renderProgress();
}

/* ------------------------------------------------------------------ definition */
function flatten(def) {
  const scales = def.scales || {};
  const items = [];
  (def.sections || []).forEach((section) => (section.items || []).forEach((item) => {
    const scale = scales[item.scale] || {};
    const options = item.options || scale.options || [];
    const na = item.type === 'rating' && item.allow_na !== false ? scale.not_applicable : null;
    if (['rating', 'choice'].includes(item.type)) items.push({ ...item, options, na });
  }));
  return items;
}

function applyDefinition(body) {
  S.def = body.definition;
  S.defVersion = body.version;
  S.items = flatten(body.definition);
  S.settings = body.settings || {};
  S.counter = body.counter || S.counter;
  S.maxBatch = S.settings.max_batch || 50;
  $('org').textContent = S.counter ? S.counter.unit : '';
  $('counter').textContent = S.counter ? S.counter.name : '';
}

const idleMs = () => 1000 * (param('idle') || S.settings.idle_seconds || 60);
const thanksMs = () => 1000 * (param('thanks') || S.settings.thanks_seconds || 6);

async function api(path, options) {
  const headers = { 'Content-Type': 'application/json' };
  if (S.token) headers.Authorization = 'Bearer ' + S.token;
  return fetch(API + path, { cache: 'no-store', ...options, headers });
}

async function loadDefinition(quiet) {
  try {
    const res = await api('definition');
    if (res.status === 401 || res.status === 403) return lostCredential();
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const body = await res.json();
    await kvSet('definition', body);
    // A periodic refresh never swaps the questions under a citizen's feet.
    if (quiet && S.mode !== 'attract') return;
    applyDefinition(body);
  } catch (err) {
    if (quiet) return;
    const saved = await kvGet('definition'); // offline: the copy from the last good fetch
    if (saved) applyDefinition(saved);
  }
  if (!S.def) {
    show('message', el('p', { class: 'message', text: t('not_ready') }));
    setTimeout(loadDefinition, 15000);
    return;
  }
  attract();
}

/* ------------------------------------------------------------------ screens */
function renderPair(problem) {
  const input = el('input', {
    id: 'pair-code', class: 'pair-input', inputmode: 'numeric', autocomplete: 'off',
    maxlength: '9', placeholder: '0000-0000', 'aria-label': t('pair_code'),
  });
  const error = el('p', { class: 'pair-error', role: 'alert', text: problem || '' });
  const button = el('button', { id: 'pair-button', type: 'submit', class: 'btn btn-primary', text: t('pair_button') });
  const form = el('form', { class: 'pair-form', on: { submit: (e) => { e.preventDefault(); pair(input.value, button, error); } } },
    el('label', { for: 'pair-code', text: t('pair_code') }), input, button, error);
  show('pair', el('div', { class: 'card pair' },
    el('h1', { text: t('pair_title') }), el('p', { class: 'lead', text: t('pair_help') }), form));
  input.focus();
}

async function pair(code, button, error) {
  button.disabled = true;
  try {
    const res = await api('pair', { method: 'POST', body: JSON.stringify({ code, app_version: APP_VERSION }) });
    if (!res.ok) {
      error.textContent = t('pair_invalid');
      return;
    }
    const body = await res.json();
    S.token = body.token;
    S.deviceId = body.device_id;
    S.counter = body.counter;
    await kvSet('credential', { token: body.token, device_id: body.device_id, counter: body.counter });
    await loadDefinition();
    flush(true);
  } catch (err) {
    error.textContent = t('pair_offline');
  } finally {
    button.disabled = false;
  }
}

async function lostCredential() {
  // Revoked or unknown: stop using the credential, keep the queue for after re-pairing.
  S.token = null;
  await kvDelete('credential');
  renderPair(t('revoked'));
}

function attract(keepLanguage) {
  if (!keepLanguage) S.lang = 'vi'; // every citizen starts in Vietnamese
  document.documentElement.lang = S.lang;
  S.answers = {};
  S.idx = 0;
  S.surveyId = null;
  // The faces answer `overall` at once: a citizen who taps one goes straight on to the next
  // question, never asked the same thing twice. "Tap to start" still opens `overall` itself.
  const overall = S.items.find((item) => item.id === 'overall');
  const faces = overall
    ? el('div', { class: 'attract-faces', role: 'group', 'aria-label': label(overall.label) },
      overall.options.map((option) => el('button', {
        type: 'button', class: 'attract-face r' + option.code, 'data-code': option.code,
        'aria-label': label(option), title: label(option), on: { click: (e) => begin(e, option.code) },
      }, face(Number(option.code)))))
    : el('div', { class: 'attract-faces', 'aria-hidden': 'true' }, [1, 2, 3, 4, 5].map(face));
  const start = el('button', { id: 'start', type: 'button', class: 'btn btn-start', text: t('start'), on: { click: begin } });
  show('attract', el('div', { class: 'attract' },
    el('h1', { class: 'attract-title', text: t('attract_title') }),
    el('p', { class: 'lead', text: label(S.def.intro) }),
    faces, start,
    el('p', { class: 'anon', text: t('anonymous') })));
}

// A press that began on the previous screen (the second half of a double tap) is not an answer.
// Keyboard activation has no pointer press (detail 0) and is always taken.
let pressedAt = 0;
const stale = (event) => event.detail > 0 && pressedAt < S.screenAt;

function begin(event, overallCode) {
  // A double tap on a face lands here twice: the first wins, the second finds the screen busy.
  if (S.mode !== 'attract' || S.busy || stale(event)) return;
  S.busy = true;
  S.surveyId = newId(); // the idempotency key of this citizen's response
  S.answers = {};
  S.idx = 0;
  S.lastActivity = Date.now();
  event.currentTarget.classList.add('chosen');
  document.querySelectorAll('#screen .attract-face, #start').forEach((b) => { b.disabled = true; });
  if (overallCode !== undefined) {
    S.answers.overall = Number(overallCode);
    S.idx = S.items.findIndex((item) => item.id === 'overall') + 1;
  }
  if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(() => {});
  }
  setTimeout(() => (S.idx < S.items.length ? renderQuestion() : finish(true)), STEP_MS);
}

function renderQuestion() {
  const item = S.items[S.idx];
  const buttons = item.options.map((option) => {
    const rating = item.type === 'rating';
    return el('button', {
      type: 'button', class: rating ? 'answer answer-rating r' + option.code : 'answer answer-choice',
      'data-code': option.code, on: { click: (e) => choose(item, option.code, e) },
    }, rating ? face(Number(option.code)) : null, el('span', { class: 'answer-label', text: label(option) }));
  });
  const na = item.na ? el('button', {
    type: 'button', class: 'answer answer-na', 'data-code': item.na.code,
    on: { click: (e) => choose(item, item.na.code, e) },
  }, el('span', { class: 'answer-label', text: label(item.na) })) : null;
  show('question', el('div', { class: 'question', 'data-item': item.id },
    el('h1', { class: 'question-text', text: label(item.label) }),
    el('div', { class: 'answers answers-' + buttons.length + (item.type === 'rating' ? ' answers-rating' : '') }, buttons),
    na));
}

function choose(item, code, event) {
  // A double tap lands here twice: the first wins, the second finds the screen busy.
  if (S.busy || S.mode !== 'question' || stale(event)) return;
  S.busy = true;
  event.currentTarget.classList.add('chosen');
  document.querySelectorAll('#screen .answer').forEach((b) => { b.disabled = true; });
  S.answers[item.id] = item.type === 'rating' && code !== 'na' ? Number(code) : code;
  setTimeout(() => {
    S.idx += 1;
    if (S.idx < S.items.length) renderQuestion();
    else finish(true);
  }, STEP_MS);
}

async function finish(complete) {
  S.mode = 'finishing'; // no idle check, no second finish while the answers are being saved
  const answers = S.answers;
  const id = S.surveyId;
  S.surveyId = null;
  if (id && answers.overall !== undefined) {
    // When the citizen answered: now, or their last tap for a survey cut short by the timeout.
    const answeredAt = complete ? new Date() : new Date(S.lastActivity);
    const payload = {
      id, answered_at: answeredAt.toISOString(), language: S.lang,
      definition_version: S.defVersion, complete, answers,
    };
    await queuePut({ id, t: Date.now(), payload });
    flush(true);
  }
  if (!complete) return attract();
  show('thanks', el('div', { class: 'thanks' },
    el('div', { class: 'check', 'aria-hidden': 'true' }),
    el('h1', { text: t('thanks_title') }),
    el('p', { class: 'lead', text: t('thanks_body') }),
    el('p', { class: 'small', text: t('thanks_next') }),
    el('div', { class: 'countdown' }, el('span', {}))));
  const bar = document.querySelector('.countdown span');
  bar.style.animationDuration = thanksMs() + 'ms';
  const shown = S.screenAt;
  setTimeout(() => { if (S.mode === 'thanks' && S.screenAt === shown) attract(); }, thanksMs());
}

function renderProgress() {
  const bar = $('progress');
  if (S.mode !== 'question') { bar.replaceChildren(); return; }
  const dots = S.items.map((_, i) => el('span', { class: 'dot' + (i < S.idx ? ' done' : i === S.idx ? ' now' : '') }));
  bar.replaceChildren(el('span', { class: 'progress-text', text: t('progress', { n: S.idx + 1, total: S.items.length }) }), ...dots);
}

/* ------------------------------------------------------------------ idle timeout */
function idleCheck() {
  const idle = Date.now() - S.lastActivity > idleMs();
  if (idle && S.mode === 'question') finish(false); // kept if `overall` was answered, otherwise discarded
  if (idle && !$('staff').hidden) $('staff').hidden = true; // never leave the staff panel to citizens
}

/* ------------------------------------------------------------------ sending the queue */
let flushing = false;
let failures = 0;
let nextTry = 0;
let retryTimer = null;
let lastBeat = 0;

function scheduleRetry(ms) {
  clearTimeout(retryTimer);
  nextTry = Date.now() + ms;
  retryTimer = setTimeout(() => flush(true), ms);
}

function backoff() {
  // Exponential back-off with jitter, so many tablets coming back online do not stampede.
  failures += 1;
  const base = 1000 * (param('retry') || 2);
  const ms = Math.min(5 * 60 * 1000, base * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
  scheduleRetry(ms);
}

async function flush(force) {
  if (flushing || !S.token) return;
  if (!force && Date.now() < nextTry) return;
  if (navigator.onLine === false) return; // the `online` event brings us back
  const entries = (await queueAll()).sort((a, b) => a.t - b.t);
  if (!entries.length && Date.now() - lastBeat < 5 * 60 * 1000) return updateStaff();
  flushing = true;
  const batch = entries.slice(0, S.maxBatch);
  try {
    const res = await api('responses', {
      method: 'POST',
      body: JSON.stringify({ responses: batch.map((e) => e.payload), backlog: entries.length, app_version: APP_VERSION }),
    });
    lastBeat = Date.now();
    if (res.status === 401 || res.status === 403) { await lostCredential(); return; }
    if (res.status === 413) { S.maxBatch = Math.max(1, Math.floor(batch.length / 2)); scheduleRetry(100); return; }
    if (res.status === 429) { scheduleRetry(1000 * (Number(res.headers.get('Retry-After')) || 30)); return; }
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const body = await res.json();
    // Every status is final (stored, duplicate, conflict, rejected): retrying cannot change it.
    await queueDelete(body.results.map((r) => batch[r.index].id));
    if (body.rejected) { S.rejected += body.rejected; await kvSet('rejected', S.rejected); }
    failures = 0;
    nextTry = 0;
    S.lastSync = new Date();
    if (entries.length > batch.length) scheduleRetry(50);
  } catch (err) {
    backoff();
  } finally {
    flushing = false;
    updateStaff();
  }
}

/* ------------------------------------------------------------------ staff panel */
async function updateStaff(opening) {
  if ($('staff').hidden && !opening) return;
  $('staff-queue').textContent = String(await queueCount());
  $('staff-rejected').textContent = String(S.rejected);
  $('staff-network').textContent = navigator.onLine === false ? t('offline') : t('online');
  $('staff-last').textContent = S.lastSync ? S.lastSync.toLocaleString('vi-VN') : t('staff_never');
  $('staff-device').textContent = S.deviceId ? '#' + S.deviceId : '—';
  $('staff-counter').textContent = S.counter ? S.counter.code + ' — ' + S.counter.name : '—';
  $('staff-version').textContent = APP_VERSION + (S.defVersion ? ' · ' + (S.def.id || '') + ' v' + S.defVersion : '');
}

function openStaff() {
  const labels = {
    'staff-title': 'staff_title', 'staff-queue-label': 'staff_queue', 'staff-rejected-label': 'staff_rejected',
    'staff-network-label': 'staff_network', 'staff-last-label': 'staff_last_sync', 'staff-device-label': 'staff_device',
    'staff-counter-label': 'staff_counter', 'staff-version-label': 'staff_version', 'staff-send': 'send_now', 'staff-close': 'close',
  };
  Object.entries(labels).forEach(([id, key]) => { $(id).textContent = t(key); });
  updateStaff(true).then(() => { $('staff').hidden = false; }); // shown only with real numbers
}

function staffGesture() {
  // Hidden from citizens: hold the logo for 3 seconds, or tap it 5 times within 3 seconds.
  const logo = $('logo');
  let holdTimer = null;
  let taps = [];
  logo.addEventListener('pointerdown', () => {
    clearTimeout(holdTimer);
    holdTimer = setTimeout(openStaff, 1000 * (param('hold') || 3));
  });
  ['pointerup', 'pointerleave', 'pointercancel'].forEach((ev) => logo.addEventListener(ev, () => clearTimeout(holdTimer)));
  logo.addEventListener('click', () => {
    const now = Date.now();
    taps = taps.filter((x) => now - x < 3000).concat(now);
    if (taps.length >= 5) { taps = []; openStaff(); }
  });
  $('staff-close').addEventListener('click', () => { $('staff').hidden = true; });
  $('staff-send').addEventListener('click', () => flush(true));
}

/* ------------------------------------------------------------------ start-up */
async function loadStrings() {
  try {
    const res = await fetch('i18n.json');
    if (!res.ok) throw new Error('HTTP ' + res.status);
    S.strings = await res.json();
    await kvSet('strings', S.strings);
  } catch (err) {
    S.strings = (await kvGet('strings')) || {};
  }
}

function toggleLanguage() {
  if (S.busy) return;
  S.lang = S.lang === 'vi' ? 'en' : 'vi';
  document.documentElement.lang = S.lang;
  if (S.mode === 'question') renderQuestion();
  else if (S.mode === 'attract') attract(true);
}

async function main() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => {});
  }
  // Ask the browser never to evict the queue when storage runs low.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  document.addEventListener('pointerdown', () => { pressedAt = performance.now(); S.lastActivity = Date.now(); }, true);
  document.addEventListener('keydown', () => { S.lastActivity = Date.now(); }, true);
  document.addEventListener('contextmenu', (e) => e.preventDefault());
  $('lang').addEventListener('click', toggleLanguage);
  staffGesture();
  window.addEventListener('online', () => { failures = 0; flush(true); });
  setInterval(idleCheck, 500);
  setInterval(() => flush(false), 1000 * (param('sync') || 30));
  setInterval(() => { if (S.token && S.mode === 'attract') loadDefinition(true); }, 15 * 60 * 1000);
  await loadStrings();
  S.rejected = (await kvGet('rejected')) || 0;
  const credential = await kvGet('credential');
  if (!credential) return renderPair();
  S.token = credential.token;
  S.deviceId = credential.device_id;
  S.counter = credential.counter;
  await loadDefinition();
  flush(true);
}

main();
