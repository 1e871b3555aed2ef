// A YAML editor without dependencies: a textarea over a backdrop that paints error lines and their messages
// (like an "error lens"), with a line-number gutter carrying markers.

import { h, clear } from './dom.js';
import { t } from './i18n.js';

const DIAGNOSTIC = /^(.*?):(\d+):(\d+): (error|warning) ([A-Za-z0-9_.-]+): (.*)$/s;

/** Parses "path:line:col: error CODE: message" (the API's diagnostic strings) into objects. */
export function parseDiagnostic(text) {
  const m = DIAGNOSTIC.exec(text);
  if (!m) return { path: '', line: 0, column: 0, severity: 'error', code: '', message: text, text };
  return { path: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4], code: m[5], message: m[6], text };
}

/** Diagnostics about the journey file itself (templates have their own .sbn paths). */
export function inYaml(d) {
  return !d.path || /\.ya?ml$/i.test(d.path);
}

export function createEditor({ id, label, value = '', onChange, describedBy }) {
  const textarea = h('textarea', {
    id,
    class: 'code-input',
    spellcheck: 'false',
    autocapitalize: 'off',
    autocomplete: 'off',
    wrap: 'off',
    'aria-label': label,
    'aria-describedby': describedBy,
    'aria-invalid': 'false',
  });
  textarea.value = value;
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const backdrop = h('div', { class: 'backdrop', 'aria-hidden': 'true' });
  const root = h('div', { class: 'code-editor' }, gutter, h('div', { class: 'code-area' }, backdrop, textarea));
  let diagnostics = [];
  let escaped = false;

  const render = () => {
    const lines = textarea.value.split('\n');
    const byLine = new Map();
    for (const d of diagnostics) {
      if (!d.line || !inYaml(d)) continue;
      const list = byLine.get(d.line) ?? [];
      list.push(d);
      byLine.set(d.line, list);
    }
    clear(gutter);
    clear(backdrop);
    const gutterFrag = document.createDocumentFragment();
    const backFrag = document.createDocumentFragment();
    lines.forEach((text, i) => {
      const n = i + 1;
      const ds = byLine.get(n);
      const severity = ds ? (ds.some(d => d.severity === 'error') ? 'error' : 'warning') : null;
      gutterFrag.append(h('div', {
        class: ['ln', severity],
        'data-line': n,
        title: ds ? ds.map(d => d.message).join('\n') : null,
      }, String(n)));
      backFrag.append(h('div', { class: ['bl', severity], 'data-line': n },
        h('span', { class: 'bl-text' }, text.length ? text : ' '),
        ds ? h('span', { class: ['lens', severity] }, ds.map(d => `${d.code ? d.code + ': ' : ''}${d.message}`).join(' · ')) : null));
    });
    // Diagnostics past the end of the text (e.g. line 0) are listed only.
    gutter.append(gutterFrag, h('div', { class: 'ln-pad' }));
    backdrop.append(backFrag);
    textarea.setAttribute('aria-invalid', diagnostics.some(d => d.severity === 'error') ? 'true' : 'false');
    sync();
  };

  const sync = () => {
    gutter.scrollTop = textarea.scrollTop;
    backdrop.scrollTop = textarea.scrollTop;
    backdrop.scrollLeft = textarea.scrollLeft;
  };

  textarea.addEventListener('scroll', sync);
  textarea.addEventListener('input', () => {
    // Edited lines no longer match their markers: drop them until the next validation.
    diagnostics = [];
    render();
    onChange?.(textarea.value);
  });
  textarea.addEventListener('keydown', e => {
    if (e.key === 'Escape') {
      escaped = true;
      return;
    }
    if (e.key === 'Tab' && !escaped && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      const { selectionStart: s, selectionEnd: end } = textarea;
      textarea.setRangeText('  ', s, end, 'end');
      textarea.dispatchEvent(new Event('input'));
    }
    escaped = false;
  });

  render();

  return {
    root,
    textarea,
    get value() {
      return textarea.value;
    },
    set value(v) {
      textarea.value = v;
      diagnostics = [];
      render();
    },
    setDiagnostics(list) {
      diagnostics = list ?? [];
      render();
    },
    goTo(line, column = 1) {
      const lines = textarea.value.split('\n');
      const target = Math.max(1, Math.min(line, lines.length));
      let offset = 0;
      for (let i = 0; i < target - 1; i++) offset += lines[i].length + 1;
      const start = offset + Math.max(0, Math.min(column - 1, lines[target - 1].length));
      textarea.focus();
      textarea.setSelectionRange(start, offset + lines[target - 1].length);
      const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
      textarea.scrollTop = Math.max(0, (target - 1) * lineHeight - textarea.clientHeight / 3);
      sync();
    },
  };
}

/** The list under the editor: one button per diagnostic, jumping to its line. */
export function diagnosticsList(diagnostics, onJump, id) {
  if (!diagnostics.length) return h('div', { id, class: 'diagnostics' });
  return h('div', { id, class: 'diagnostics', role: 'region', 'aria-label': t('editor.problems') },
    h('ul', null, diagnostics.map(d => h('li', { class: ['diagnostic', d.severity], 'data-line': d.line },
      h('button', { type: 'button', class: 'link', onclick: () => { if (inYaml(d)) onJump(d.line, d.column); } },
        h('span', { class: 'diag-pos' }, !inYaml(d) ? `${d.path}:${d.line}:${d.column}` : d.line ? t('editor.lineCol', { line: d.line, col: d.column }) : t('editor.file')),
        h('span', { class: ['diag-sev', d.severity] }, t(`editor.${d.severity}`)),
        d.code ? h('code', null, d.code) : null,
        h('span', { class: 'diag-msg' }, d.message))))));
}
