// The dashboard shell: hash routing, API key dialog, language toggle, the mode and clock chips.

import { h, replace } from './dom.js';
import { apiKey, setApiKey, on } from './api.js';
import { t, lang, setLang, applyStatic, fmtDateTime } from './i18n.js';
import { toast, icon } from './ui.js';
import { syncClock, hostNow, isVirtualClock } from './clock.js';
import * as journeys from './pages/journeys.js';
import * as funnels from './pages/funnels.js';
import * as kpis from './pages/kpis.js';
import * as customers from './pages/customers.js';
import * as operations from './pages/operations.js';

const main = document.getElementById('main');
const pages = { journeys, funnels, kpis, customers, operations };
let current = null;
let routed = 0;

function parse() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || 'journeys', parts: parts.slice(1), query: new URLSearchParams(query) };
}

async function route() {
  const r = parse();
  const seq = ++routed;
  const page = pages[r.page] ?? journeys;
  current?.dispose?.();
  current = null;
  for (const a of document.querySelectorAll('.sidebar a[data-route]')) {
    const active = a.dataset.route === r.page;
    a.classList.toggle('active', active);
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const container = h('div', { class: 'page', 'data-page': r.page });
  replace(main, container);
  // Every page measures relative times from the host's now, so read it first (the virtual clock may have moved).
  await syncClock();
  if (seq !== routed) return; // another navigation started meanwhile
  showClock();
  try {
    current = (await page.render(container, r)) ?? null;
  } catch (e) {
    console.error(e);
    container.append(h('div', { class: 'alert alert-error', role: 'alert' }, String(e?.message ?? e)));
  }
  document.title = `${t(`nav.${r.page}`, {}, 'PrivateFlows')} · PrivateFlows`;
}

// ── API key ───────────────────────────────────────────────────────────────
const keyDialog = document.getElementById('key-dialog');
const keyInput = document.getElementById('key-input');

function openKeyDialog() {
  keyInput.value = apiKey();
  keyDialog.returnValue = '';
  keyDialog.showModal();
  keyInput.focus();
}

document.getElementById('key-button').addEventListener('click', openKeyDialog);
document.getElementById('key-cancel').addEventListener('click', () => keyDialog.close('cancel'));
document.getElementById('key-clear').addEventListener('click', () => {
  keyInput.value = '';
  keyInput.focus();
});
keyDialog.addEventListener('close', () => {
  if (keyDialog.returnValue !== 'save') return;
  setApiKey(keyInput.value.trim());
  updateMode();
  toast(keyInput.value.trim() ? t('key.saved') : t('key.cleared'), 'ok');
  route();
});

let promptedAt = 0;
on('unauthorized', () => {
  updateMode(false);
  if (Date.now() - promptedAt > 15000 && !keyDialog.open) {
    promptedAt = Date.now();
    toast(t('key.needed'), 'warn');
    openKeyDialog();
  }
});
on('access', withKey => updateMode(true, withKey));

function updateMode(ok, withKey) {
  const chipEl = document.getElementById('mode-chip');
  const key = apiKey();
  chipEl.hidden = false;
  if (ok === false) {
    chipEl.textContent = t('mode.locked');
    chipEl.className = 'chip chip-bad';
  } else if (key) {
    chipEl.textContent = t('mode.key', { tail: key.slice(-4) });
    chipEl.className = 'chip chip-ok';
  } else if (ok && withKey === false) {
    chipEl.textContent = t('mode.dev');
    chipEl.className = 'chip chip-warn';
    chipEl.title = t('mode.devTitle');
  } else {
    chipEl.hidden = true;
  }
}

// ── language ──────────────────────────────────────────────────────────────
const langButton = document.getElementById('lang-button');
function showLang() {
  document.getElementById('lang-label').textContent = lang() === 'zh' ? 'English' : '中文';
  langButton.setAttribute('aria-label', lang() === 'zh' ? 'Switch to English' : '切换到中文');
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  applyStatic(document);
}
langButton.addEventListener('click', () => {
  setLang(lang() === 'zh' ? 'en' : 'zh');
  showLang();
  updateMode();
  route();
});

// ── virtual clock (when the host has one) ─────────────────────────────────
function showClock() {
  const el = document.getElementById('clock-chip');
  if (!isVirtualClock()) {
    el.hidden = true;
    return;
  }
  el.hidden = false;
  replace(el, icon('clock', 13), ' ', `${t('clock.virtual')} `, fmtDateTime(hostNow()));
  el.title = t('clock.virtualTitle');
  el.className = 'chip chip-info';
}

window.addEventListener('hashchange', route);
window.addEventListener('privateflows:clock', () => syncClock().then(showClock));
showLang();
if (!location.hash) history.replaceState(null, '', '#/journeys');
route();
