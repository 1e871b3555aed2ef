// Shared pieces of the pages: cards, chips, empty states, toasts, the confirmation dialog, tabs.

import { h, svg, clear } from './dom.js';
import { t } from './i18n.js';

const ICON_PATHS = {
  clock: 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm0 2a6 6 0 1 1 0 12 6 6 0 0 1 0-12zm-1 2v4.6l3.7 2.2 1-1.6-2.7-1.6V6H9z',
  check: 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm-1.2 11.6-3.5-3.5 1.4-1.4 2.1 2.1 4.6-4.6 1.4 1.4-6 6z',
  search: 'M8.5 2a6.5 6.5 0 0 1 5.2 10.4l4 4-1.4 1.4-4-4A6.5 6.5 0 1 1 8.5 2zm0 2a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9z',
  none: 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm0 2a6 6 0 0 1 4.7 9.7L6.3 5.3A6 6 0 0 1 10 4zM5.3 6.3l8.4 8.4A6 6 0 0 1 5.3 6.3z',
  play: 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zM8 6l6 4-6 4V6z',
  shape: 'M10 2 18 10 10 18 2 10z',
  download: 'M9 2h2v8.6l3.3-3.3 1.4 1.4L10 14.4 4.3 8.7l1.4-1.4L9 10.6V2zM3 16h14v2H3z',
  trash: 'M7 2h6l1 1h4v2H2V3h4l1-1zM4 6h12l-1 12H5L4 6zm4 2v8h1.5V8H8zm2.5 0v8H12V8h-1.5z',
};

/** A small inline SVG icon (no icon font, no emoji font needed). */
export function icon(name, size = 16) {
  return svg('svg', { class: `icon icon-${name}`, viewBox: '0 0 20 20', width: size, height: size, 'aria-hidden': 'true', focusable: 'false' },
    svg('path', { d: ICON_PATHS[name] ?? ICON_PATHS.shape, fill: 'currentColor' }));
}

export function card(title, body, options = {}) {
  const headingId = options.id ? `${options.id}-title` : undefined;
  return h('section', { class: ['card', options.class], id: options.id, 'aria-labelledby': headingId },
    title || options.actions ? h('header', { class: 'card-head' },
      title ? h('h2', { id: headingId }, title) : h('span'),
      options.actions ? h('div', { class: 'card-actions' }, options.actions) : null) : null,
    h('div', { class: 'card-body' }, body));
}

export function chip(text, tone = 'muted', attrs = {}) {
  return h('span', { ...attrs, class: ['chip', `chip-${tone}`, attrs.class] }, text);
}

const STATUS_TONES = {
  active: 'info', waiting: 'info', live: 'ok', ended: 'muted', completed: 'ok', converted: 'ok', sent: 'ok', delivered: 'ok', sandboxed: 'ok',
  faulted: 'bad', failed: 'bad', poison: 'bad', cancelled: 'warn', exited: 'warn', suppressed: 'warn', deferred: 'warn', held_out: 'warn',
  pending: 'warn', done: 'muted', credited: 'ok', held: 'warn', not_entered: 'muted',
};

export function statusChip(status) {
  const key = String(status ?? '').toLowerCase();
  return chip(t(`status.${key}`, {}, key.replace(/_/g, ' ')), STATUS_TONES[key] ?? 'muted', { 'data-status': key });
}

export function empty(title, detail, options = {}) {
  return h('div', { class: ['empty', options.class], role: options.role },
    h('div', { class: 'empty-icon', 'aria-hidden': 'true' }, icon(options.icon ?? 'shape', options.class?.includes('not-available') ? 18 : 26)),
    h('p', { class: 'empty-title' }, title),
    detail ? h('p', { class: 'empty-detail' }, detail) : null,
    options.action ?? null);
}

/** The plain answer when this server does not offer a feature (no endpoint names: the reader is a marketer). */
export function notAvailable(what) {
  return empty(t('na.title', { what }), null, { class: 'not-available', icon: 'clock' });
}

export function errorBox(error) {
  const status = error?.status ? ` (HTTP ${error.status})` : '';
  const detail = error?.status === 401 ? t('error.unauthorized') : error?.status === 403 ? t('error.forbidden') : (error?.message ?? String(error));
  return h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, t('error.title') + status), ' ', detail);
}

export function loading(label) {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), label ?? t('common.loading'));
}

export function stat(label, value, options = {}) {
  return h('div', { class: ['stat', options.tone ? `stat-${options.tone}` : null], 'data-stat': options.key },
    h('span', { class: 'stat-label' }, label),
    h('span', { class: 'stat-value' }, value),
    options.sub ? h('span', { class: 'stat-sub' }, options.sub) : null,
    options.extra ?? null);
}

export function toast(message, tone = 'info') {
  const host = document.getElementById('toasts');
  const el = h('div', { class: ['toast', `toast-${tone}`] }, message);
  host.append(el);
  setTimeout(() => el.classList.add('leaving'), 3800);
  setTimeout(() => el.remove(), 4300);
}

/**
 * Asks before a destructive action. requireText: the user must type it (e.g. the customer id) to enable the button.
 * Resolves true when confirmed.
 */
export function confirmDialog({ title, message, confirm, requireText, tone = 'danger' }) {
  const dialog = document.getElementById('confirm-dialog');
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  const extra = document.getElementById('confirm-extra');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-message').textContent = message;
  ok.textContent = confirm;
  ok.className = `btn btn-${tone}`;
  clear(extra);
  let input = null;
  if (requireText) {
    input = h('input', { id: 'confirm-input', type: 'text', autocomplete: 'off', spellcheck: 'false' });
    extra.append(h('div', { class: 'field' }, h('label', { for: 'confirm-input' }, t('confirm.type', { text: requireText })), input));
    ok.disabled = true;
    input.addEventListener('input', () => { ok.disabled = input.value.trim() !== requireText; });
  } else {
    ok.disabled = false;
  }
  return new Promise(resolve => {
    const done = value => {
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('close', onClose);
      resolve(value);
    };
    const onCancel = () => {
      dialog.returnValue = 'cancel';
      dialog.close();
    };
    const onClose = () => done(dialog.returnValue === 'ok');
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    ok.value = 'ok';
    dialog.showModal();
    (input ?? cancel).focus();
  });
}

/** Accessible tabs as links (hash routes): [{id, label, href}] */
export function tabs(items, active, label) {
  return h('nav', { class: 'tabs', 'aria-label': label },
    items.map(item => h('a', {
      href: item.href,
      class: ['tab', item.id === active ? 'active' : null],
      'aria-current': item.id === active ? 'page' : null,
      'data-tab': item.id,
    }, item.label)));
}

export function table(columns, rows, options = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: ['table', options.class], 'aria-label': options.label },
      h('thead', null, h('tr', null, columns.map(c => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: columns.length, class: 'muted center' }, options.empty ?? t('common.none'))))));
}

export function button(label, onClick, options = {}) {
  return h('button', {
    type: options.type ?? 'button',
    class: ['btn', options.tone ? `btn-${options.tone}` : null, options.small ? 'btn-sm' : null, options.class],
    onclick: onClick,
    disabled: options.disabled,
    title: options.title,
    'aria-label': options.aria,
    id: options.id,
    dataset: options.dataset,
  }, options.icon ? icon(options.icon, 15) : null, label);
}

/** Runs an async action on a button: disables it meanwhile, toasts errors. */
export async function busy(buttonEl, action) {
  const previous = buttonEl.disabled;
  buttonEl.disabled = true;
  buttonEl.classList.add('is-busy');
  try {
    return await action();
  } finally {
    buttonEl.disabled = previous;
    buttonEl.classList.remove('is-busy');
  }
}

export function download(filename, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    a.remove();
  }, 1000);
}
