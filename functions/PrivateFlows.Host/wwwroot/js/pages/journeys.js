// Journeys: the list, and per journey the live graph, versions side by side, the editor and the simulator.

import { h, replace, uid } from '../dom.js';
import { api, encode, ApiError } from '../api.js';
import { t, fmtDateTime, fmtNumber, fmtRelative, fmtZoned, localiseTimes } from '../i18n.js';
import { hostNow } from '../clock.js';
import { card, chip, empty, errorBox, loading, tabs, table, button, busy, toast, stat, statusChip } from '../ui.js';
import { renderGraph } from '../graph.js';
import { diffLines } from '../diff.js';
import { createEditor, diagnosticsList, parseDiagnostic, inYaml } from '../editor.js';

const NEW = '_new';
const drafts = new Map();
const REFRESH_MS = 5000;

const NEW_JOURNEY = `# A new journey: validate, simulate, then publish.
journey: my-journey
title: 我的旅程 / My journey
description: What this journey does, in one sentence.
category: marketing

entry:
  event: customer.registered
  reentry: once

goal:
  event: order.completed
  within: 14d

steps:
  - id: welcome
    send:
      channel: app_push
      template: onboarding-welcome

  - id: wait-2d
    wait: 2d

  - id: done
    end: completed
`;

export async function render(container, route) {
  const [name, tab = 'graph'] = route.parts;
  if (!name) return renderList(container);
  return renderJourney(container, name, tab, route.query);
}

// ── list ──────────────────────────────────────────────────────────────────

async function renderList(container) {
  const body = h('div', { class: 'stack' }, loading());
  container.append(
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, t('journeys.title')), h('p', { class: 'subtitle' }, t('journeys.subtitle'))),
      h('a', { class: 'btn btn-primary', href: `#/journeys/${NEW}/editor` }, '+ ', t('journeys.new'))),
    body);

  let list;
  try {
    list = await api.get('/api/journeys');
  } catch (e) {
    replace(body, errorBox(e));
    return null;
  }
  const counts = await api.get('/api/dashboard/counts').catch(() => null);
  const byJourney = new Map();
  for (const s of counts?.steps ?? []) {
    const c = byJourney.get(s.journey) ?? { active: 0, faulted: 0 };
    c.active += s.active;
    c.faulted += s.faulted;
    byJourney.set(s.journey, c);
  }

  if (!list.length) {
    replace(body, card(null, empty(t('journeys.none'), t('journeys.noneDetail'), { action: h('a', { class: 'btn btn-primary', href: `#/journeys/${NEW}/editor` }, t('journeys.new')) })));
    return null;
  }

  const totalActive = [...byJourney.values()].reduce((s, c) => s + c.active, 0);
  const rows = list.map(j => {
    const c = byJourney.get(j.name);
    return h('tr', { 'data-journey': j.name },
      h('td', null,
        h('a', { class: 'row-title', href: `#/journeys/${encode(j.name)}` }, j.title || j.name),
        h('div', { class: 'row-sub clamp', title: j.description ?? '' }, h('code', null, j.name), j.description ? ` · ${j.description}` : '')),
      h('td', null, chip(t('journeys.live'), 'ok')),
      h('td', null, h('span', { class: 'version-tag' }, `v${j.latest.number}`), ' ', h('code', { class: 'hash' }, j.latest.version.slice(0, 8)),
        j.versions > 1 ? h('div', { class: 'row-sub' }, t('journeys.versionsCount', { n: j.versions })) : null),
      h('td', { class: 'nowrap' }, h('time', { datetime: j.latest.publishedAt, title: fmtDateTime(j.latest.publishedAt) }, fmtRelative(j.latest.publishedAt))),
      h('td', { class: 'num' }, c ? h('strong', null, fmtNumber(c.active)) : h('span', { class: 'muted' }, counts ? '0' : '—'),
        c?.faulted ? h('div', null, chip(t('journeys.faultedN', { n: c.faulted }), 'bad')) : null),
      h('td', { class: 'actions' },
        h('a', { class: 'btn btn-sm', href: `#/journeys/${encode(j.name)}/graph` }, t('journeys.graph')),
        h('a', { class: 'btn btn-sm', href: `#/journeys/${encode(j.name)}/editor` }, t('journeys.edit')),
        h('a', { class: 'btn btn-sm', href: `#/journeys/${encode(j.name)}/simulate` }, t('journeys.simulate'))));
  });

  replace(body,
    h('div', { class: 'stat-row' },
      stat(t('journeys.statLive'), fmtNumber(list.length)),
      stat(t('journeys.statActive'), counts ? fmtNumber(totalActive) : '—'),
      stat(t('journeys.statVersions'), fmtNumber(list.reduce((s, j) => s + j.versions, 0)))),
    card(null, table([
      { label: t('journeys.colJourney') },
      { label: t('journeys.colStatus') },
      { label: t('journeys.colVersion') },
      { label: t('journeys.colPublished') },
      { label: t('journeys.colActive'), class: 'num' },
      { label: h('span', { class: 'sr-only' }, t('common.actions')) },
    ], rows, { label: t('journeys.title') })));
  return null;
}

// ── one journey ───────────────────────────────────────────────────────────

async function renderJourney(container, name, tab, query) {
  const isNew = name === NEW;
  let detail = null;
  if (!isNew) {
    try {
      detail = await api.get(`/api/journeys/${encode(name)}`);
    } catch (e) {
      container.append(backLink(), e instanceof ApiError && e.status === 404 ? card(null, empty(t('journeys.notFound', { name }), null, { icon: 'none' })) : errorBox(e));
      return null;
    }
  }

  const versions = detail?.versions ?? [];
  const latest = versions[versions.length - 1];
  const chosenNumber = Number(query.get('v')) || latest?.number;
  const chosen = versions.find(v => v.number === chosenNumber) ?? latest;
  const base = `#/journeys/${encode(name)}`;
  const vq = chosen && chosen !== latest ? `?v=${chosen.number}` : '';

  const versionSelect = h('select', { id: uid('version'), 'aria-label': t('journeys.version') },
    [...versions].reverse().map(v => h('option', { value: v.number, selected: v === chosen }, `v${v.number}${v === latest ? ` · ${t('journeys.latest')}` : ''} · ${fmtDateTime(v.publishedAt)}`)));
  versionSelect.addEventListener('change', () => {
    const n = Number(versionSelect.value);
    location.hash = `${base}/${tab}${n === latest.number ? '' : `?v=${n}`}`;
  });

  const title = h('div', { class: 'title-block' },
    h('nav', { class: 'crumbs', 'aria-label': t('journeys.breadcrumb') }, h('a', { href: '#/journeys' }, t('journeys.title')), h('span', { 'aria-hidden': 'true' }, ' / ')),
    h('h1', null, isNew ? t('journeys.new') : (detail.title || name)),
    h('p', { class: 'subtitle' }, isNew ? t('editor.newHint') : h('span', null, h('code', null, name), chosen ? ' · ' : '', chosen ? h('span', { class: 'version-tag' }, `v${chosen.number}`) : '', chosen ? h('span', { class: 'hash' }, ` ${chosen.version}`) : '', detail.versions.length > 1 ? ` · ${t('journeys.versionsCount', { n: detail.versions.length })}` : '')));
  container.append(h('div', { class: 'page-head journey-head' }, title));
  if (!isNew) {
    container.append(h('div', { class: 'tab-row' },
      tabs([
        { id: 'graph', label: t('journeys.tabGraph'), href: `${base}/graph${vq}` },
        { id: 'versions', label: t('journeys.tabVersions'), href: `${base}/versions` },
        { id: 'editor', label: t('journeys.tabEditor'), href: `${base}/editor${vq}` },
        { id: 'simulate', label: t('journeys.tabSimulate'), href: `${base}/simulate${vq}` },
      ], tab, t('journeys.tabsLabel')),
      tab === 'versions' ? null : h('div', { class: 'inline-field' }, h('label', { for: versionSelect.id }, t('journeys.version')), versionSelect)));
  }

  const body = h('div', { class: 'tab-body' });
  container.append(body);
  const context = { name, isNew, detail, versions, latest, chosen, base, query };
  switch (isNew ? 'editor' : tab) {
    case 'versions': return renderVersions(body, context);
    case 'editor': return renderEditor(body, context);
    case 'simulate': return renderSimulate(body, context);
    default: return renderGraphTab(body, context);
  }
}

function backLink() {
  return h('a', { class: 'back', href: '#/journeys' }, '← ', t('journeys.title'));
}

// ── graph with live counts ────────────────────────────────────────────────

function renderGraphTab(body, { name, chosen, latest, base }) {
  const graphHost = h('div', { class: 'graph-scroll', tabindex: 0, 'aria-label': t('graph.scrollArea') });
  const side = h('div', { class: 'side-panel' });
  const updated = h('span', { class: 'muted small', 'aria-live': 'off' });
  const auto = h('input', { type: 'checkbox', id: uid('auto'), checked: true });
  let zoom = 'fit';
  let selected = null;
  let last = null;
  let lastKey = '';
  let rendered = null;

  const zoomButtons = h('div', { class: 'btn-group', role: 'group', 'aria-label': t('graph.zoom') },
    button('−', () => setZoom(typeof zoom === 'number' ? zoom / 1.25 : 0.8), { small: true, aria: t('graph.zoomOut') }),
    button(t('graph.fit'), () => setZoom('fit'), { small: true, aria: t('graph.fitAria') }),
    button('+', () => setZoom(typeof zoom === 'number' ? zoom * 1.25 : 1.25), { small: true, aria: t('graph.zoomIn') }));

  body.append(h('div', { class: 'graph-layout' },
    card(t('graph.title'), graphHost, {
      class: 'graph-card',
      id: 'journey-graph',
      actions: [h('label', { class: 'check', for: auto.id }, auto, t('graph.autoRefresh')), updated, zoomButtons],
    }),
    side));

  function setZoom(z) {
    zoom = typeof z === 'number' ? Math.min(2.5, Math.max(0.3, z)) : z;
    applyZoom();
  }

  function applyZoom() {
    if (!rendered) return;
    const avail = graphHost.clientWidth - 8;
    const scale = zoom === 'fit' ? Math.min(1, avail / rendered.width) : zoom;
    rendered.svg.setAttribute('width', Math.round(rendered.width * scale));
    rendered.svg.setAttribute('height', Math.round(rendered.height * scale));
  }

  function draw(graph) {
    rendered = renderGraph(graph, { onSelect: node => { selected = node.id; rendered.select(selected); showSide(); } });
    replace(graphHost, rendered.svg);
    applyZoom();
    if (selected) rendered.select(selected);
  }

  function showSide() {
    const g = last;
    if (!g) return;
    const node = g.nodes.find(n => n.id === selected);
    const where = g.nodes.filter(n => n.count > 0 || n.faulted > 0).sort((a, b) => b.count - a.count);
    replace(side,
      card(t('graph.now'), h('div', null,
        h('div', { class: 'stat-row compact' },
          stat(t('graph.activeHere'), fmtNumber(g.counts.active), { key: 'active', tone: 'info' }),
          stat(t('graph.faulted'), fmtNumber(g.counts.faulted), { key: 'faulted', tone: g.counts.faulted ? 'bad' : null })),
        where.length
          ? h('ul', { class: 'where-list', 'aria-label': t('graph.whereNow') }, where.map(n => h('li', { 'data-step': n.id },
            h('button', { type: 'button', class: 'link', onclick: () => { selected = n.id; rendered?.select(n.id); showSide(); } }, n.id),
            h('span', { class: 'where-count' }, fmtNumber(n.count), n.faulted ? h('span', { class: 'bad' }, ` · !${n.faulted}`) : null))))
          : h('p', { class: 'muted' }, t('graph.nobody'))), { class: 'compact' }),
      node && node.kind !== 'entry'
        ? card(t('graph.step'), h('dl', { class: 'kv' },
          h('dt', null, t('graph.stepId')), h('dd', null, h('code', null, node.id)),
          h('dt', null, t('graph.kind')), h('dd', null, t(`kind.${node.kind}`, {}, node.kind)),
          h('dt', null, t('graph.does')), h('dd', null, node.detail),
          h('dt', null, t('graph.waitingVersion')), h('dd', null, fmtNumber(node.count)),
          h('dt', null, t('graph.waitingAll')), h('dd', null, fmtNumber(node.allVersions)),
          node.line ? h('dt', null, t('graph.source')) : null,
          node.line ? h('dd', null, h('a', { href: `${base}/editor?${chosen !== latest ? `v=${chosen.number}&` : ''}line=${node.line}` }, t('graph.openLine', { line: node.line }))) : null), { class: 'compact' })
        : null,
      card(t('graph.rules'), h('dl', { class: 'kv' },
        h('dt', null, t('graph.entry')), h('dd', null, g.entry),
        h('dt', null, t('graph.reentry')), h('dd', null, g.reentry),
        h('dt', null, t('graph.goal')), h('dd', null, g.goal ? t('graph.goalText', { event: g.goal.event, within: g.goal.within }) : '—'),
        h('dt', null, t('graph.exits')), h('dd', null, g.exits.length ? g.exits.map(e => h('div', null, h('code', null, e.event), e.condition ? h('span', { class: 'muted small' }, ` ${t('graph.when')} ${e.condition}`) : '')) : '—')),
      { class: 'compact' }));
  }

  async function refresh() {
    try {
      const g = await api.get(`/api/dashboard/journeys/${encode(name)}/graph?version=${encode(chosen.version)}`);
      const key = JSON.stringify(g.nodes.map(n => [n.id, n.count, n.faulted, n.allVersions]));
      last = g;
      if (!rendered || key !== lastKey) {
        lastKey = key;
        draw(g);
        showSide();
      }
      updated.textContent = t('graph.updated', { time: fmtDateTime(g.counts.at === '1970-01-01T00:00:00+00:00' ? hostNow() : g.counts.at, { timeOnly: true }) });
    } catch (e) {
      if (!rendered) replace(graphHost, errorBox(e));
    }
  }

  replace(graphHost, loading());
  refresh();
  const timer = setInterval(() => { if (auto.checked && document.visibilityState === 'visible') refresh(); }, REFRESH_MS);
  const onResize = () => applyZoom();
  window.addEventListener('resize', onResize);
  return { dispose: () => { clearInterval(timer); window.removeEventListener('resize', onResize); } };
}

// ── versions side by side ─────────────────────────────────────────────────

function renderVersions(body, { versions, latest, base, query }) {
  if (versions.length < 1) {
    body.append(card(null, empty(t('versions.none'), null)));
    return null;
  }
  const rightN = Number(query.get('b')) || latest.number;
  const leftN = Number(query.get('a')) || Math.max(1, rightN - 1);
  const pick = (n, id) => h('select', { id },
    [...versions].reverse().map(v => h('option', { value: v.number, selected: v.number === n }, `v${v.number} · ${v.version.slice(0, 8)} · ${fmtDateTime(v.publishedAt)}`)));
  const left = pick(leftN, 'diff-left');
  const right = pick(rightN, 'diff-right');
  const onlyChanges = h('input', { type: 'checkbox', id: 'diff-only', checked: query.get('all') !== '1' });
  const go = () => { location.hash = `${base}/versions?a=${left.value}&b=${right.value}${onlyChanges.checked ? '' : '&all=1'}`; };
  left.addEventListener('change', go);
  right.addEventListener('change', go);
  onlyChanges.addEventListener('change', go);

  const a = versions.find(v => v.number === Number(left.value)) ?? versions[0];
  const b = versions.find(v => v.number === Number(right.value)) ?? latest;
  const { rows, added, removed } = diffLines(a.yaml, b.yaml);

  const out = [];
  const context = 3;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (onlyChanges.checked && r.type === 'same') {
      const near = rows.slice(Math.max(0, i - context), i + context + 1).some(x => x.type !== 'same');
      if (!near) {
        let j = i;
        while (j < rows.length && rows[j].type === 'same' && !rows.slice(Math.max(0, j - context), j + context + 1).some(x => x.type !== 'same')) j++;
        out.push(h('tr', { class: 'diff-skip' }, h('td', { colspan: 4 }, t('versions.unchanged', { n: j - i }))));
        i = j - 1;
        continue;
      }
    }
    out.push(h('tr', { class: `diff-${r.type}` },
      h('td', { class: 'ln' }, r.left?.no ?? ''),
      h('td', { class: ['code', r.left && r.type !== 'same' ? 'removed' : null] }, r.left?.text ?? ''),
      h('td', { class: 'ln' }, r.right?.no ?? ''),
      h('td', { class: ['code', r.right && r.type !== 'same' ? 'added' : null] }, r.right?.text ?? '')));
  }

  body.append(card(null, h('div', null,
    h('div', { class: 'diff-controls' },
      h('div', { class: 'field inline' }, h('label', { for: 'diff-left' }, t('versions.left')), left),
      h('span', { class: 'diff-arrow', 'aria-hidden': 'true' }, '→'),
      h('div', { class: 'field inline' }, h('label', { for: 'diff-right' }, t('versions.right')), right),
      h('label', { class: 'check', for: 'diff-only' }, onlyChanges, t('versions.onlyChanges')),
      h('span', { class: 'diff-summary' }, h('span', { class: 'added-text' }, `+${added}`), ' ', h('span', { class: 'removed-text' }, `−${removed}`)),
      h('a', { class: 'btn btn-sm', href: `${base}/editor?v=${b.number}` }, t('versions.editThis'))),
    a === b ? h('p', { class: 'hint' }, t('versions.same')) : null,
    added + removed === 0 && a !== b ? h('p', { class: 'hint' }, t('versions.identicalYaml')) : null,
    h('div', { class: 'table-wrap diff-wrap' },
      h('table', { class: 'diff', 'aria-label': t('versions.diffAria', { a: a.number, b: b.number }) },
        h('colgroup', null, h('col', { class: 'ln-col' }), h('col'), h('col', { class: 'ln-col' }), h('col')),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col', colspan: 2 }, `v${a.number} · ${fmtDateTime(a.publishedAt)}`),
          h('th', { scope: 'col', colspan: 2 }, `v${b.number} · ${fmtDateTime(b.publishedAt)}`))),
        h('tbody', null, out))))));
  return null;
}

// ── editor: validate and publish ──────────────────────────────────────────

function renderEditor(body, { name, isNew, chosen, latest, base, query }) {
  const key = isNew ? NEW : name;
  const published = chosen?.yaml ?? NEW_JOURNEY;
  const initial = drafts.get(key) ?? published;
  const status = h('div', { class: 'editor-status', role: 'status', 'aria-live': 'polite' });
  const problems = h('div', { id: 'editor-problems' });
  const preview = h('div', { class: 'preview' }, empty(t('editor.previewEmpty'), t('editor.previewHint'), { icon: 'shape' }));
  const editor = createEditor({
    id: 'yaml-editor',
    label: t('editor.label'),
    value: initial,
    describedBy: 'editor-problems editor-hint',
    onChange: value => {
      if (value === published) drafts.delete(key);
      else drafts.set(key, value);
      dirty.hidden = value === published;
      autoValidate();
    },
  });
  const dirty = chip(t('editor.unsaved'), 'warn', { hidden: initial === published });

  const show = (diagnostics, message, tone) => {
    editor.setDiagnostics(diagnostics);
    replace(problems, diagnosticsList(diagnostics, (line, col) => editor.goTo(line, col), 'editor-problems-list'));
    replace(status, message ? h('span', { class: `status-${tone}` }, message) : '');
  };

  let validating = 0;
  const validate = async (quiet) => {
    const run = ++validating;
    try {
      const result = await api.post('/api/dashboard/validate', { yaml: editor.value });
      if (run !== validating) return result;
      const errors = result.diagnostics.filter(d => d.severity === 'error').length;
      const warnings = result.diagnostics.length - errors;
      if (result.valid) {
        show(result.diagnostics, result.sameAsNumber
          ? t('editor.validSame', { n: result.sameAsNumber })
          : t('editor.valid', { journey: result.journey, warnings }), 'ok');
        if (result.graph) {
          const g = renderGraph(result.graph);
          g.svg.removeAttribute('height');
          replace(preview, h('p', { class: 'muted small' }, h('code', null, result.journey), ` · ${result.version}`), g.svg);
        }
      } else {
        show(result.diagnostics, t('editor.invalid', { n: errors }), 'bad');
        replace(preview, empty(t('editor.previewInvalid'), t('editor.previewInvalidHint'), { icon: 'none' }));
      }
      return result;
    } catch (e) {
      if (!quiet) replace(status, errorBox(e));
      return null;
    }
  };
  let autoTimer = 0;
  const autoValidate = () => {
    clearTimeout(autoTimer);
    autoTimer = setTimeout(() => validate(true), 700);
  };

  const validateButton = button(t('editor.validate'), async () => {
    await busy(validateButton, () => validate(false));
  }, { id: 'validate-button' });

  const publishButton = button(t('editor.publish'), async () => {
    // A validation still pending would overwrite what the publish answers.
    clearTimeout(autoTimer);
    validating++;
    await busy(publishButton, async () => {
      try {
        const result = await api.post('/api/journeys', { yaml: editor.value });
        drafts.delete(key);
        show([], result.created ? t('editor.published', { name: result.name, n: result.number }) : t('editor.unchanged', { n: result.number }), 'ok');
        toast(result.created ? t('editor.published', { name: result.name, n: result.number }) : t('editor.unchanged', { n: result.number }), 'ok');
        setTimeout(() => { location.hash = `#/journeys/${encode(result.name)}/graph`; }, 400);
      } catch (e) {
        if (e instanceof ApiError && e.status === 400) {
          const diagnostics = e.diagnostics.map(parseDiagnostic);
          const errors = diagnostics.filter(d => d.severity === 'error').length || 1;
          show(diagnostics.length ? diagnostics : [{ line: 0, column: 0, severity: 'error', code: '', message: e.message }], t('editor.publishRefused', { n: errors }), 'bad');
          replace(preview, empty(t('editor.previewInvalid'), t('editor.previewInvalidHint'), { icon: 'none' }));
          const first = diagnostics.find(d => d.severity === 'error' && d.line && inYaml(d));
          if (first) editor.goTo(first.line, first.column);
        } else {
          replace(status, errorBox(e));
        }
      }
    });
  }, { tone: 'primary', id: 'publish-button' });

  const resetButton = isNew ? null : button(t('editor.reset', { n: chosen.number }), () => {
    editor.value = published;
    drafts.delete(key);
    dirty.hidden = true;
    show([], '', 'ok');
  }, { small: true });

  body.append(h('div', { class: 'editor-layout' },
    card(null, h('div', null,
      h('div', { class: 'toolbar' }, validateButton, publishButton, resetButton,
        h('a', { class: 'btn btn-sm', href: isNew ? '#/journeys' : `${base}/simulate` }, isNew ? t('common.cancel') : t('editor.simulateDraft')),
        dirty, status),
      editor.root,
      problems,
      h('p', { id: 'editor-hint', class: 'hint' }, t('editor.hint'))), { class: 'editor-card' }),
    card(t('editor.preview'), preview, { class: 'preview-card' })));

  const line = Number(query.get('line'));
  if (line) setTimeout(() => editor.goTo(line), 50);
  validate(true);
  return { dispose: () => { clearTimeout(autoTimer); validating = -1; } };
}

// ── simulate ──────────────────────────────────────────────────────────────

async function renderSimulate(body, { name, chosen, latest }) {
  const draft = drafts.get(name);
  const source = h('select', { id: 'sim-source' },
    draft ? h('option', { value: 'draft' }, t('sim.draft')) : null,
    h('option', { value: 'published', selected: !draft }, t('sim.published', { n: chosen.number })));
  const example = h('select', { id: 'sim-example' }, h('option', { value: '' }, t('sim.pickExample')));
  const profile = h('textarea', { id: 'sim-profile', class: 'code-input small', rows: 8, spellcheck: 'false', wrap: 'off' });
  const events = h('textarea', { id: 'sim-events', class: 'code-input small', rows: 4, spellcheck: 'false', wrap: 'off' });
  const until = h('input', { id: 'sim-until', type: 'text', placeholder: '+30d', value: '+30d' });
  const withOthers = h('input', { id: 'sim-others', type: 'checkbox' });
  const result = h('div', { class: 'sim-result' }, empty(t('sim.emptyTitle'), t('sim.emptyDetail'), { icon: 'play' }));

  let examples = [];
  try {
    examples = await api.get('/api/dashboard/examples');
  } catch {
    examples = [];
  }
  for (const ex of examples) example.append(h('option', { value: ex.journey }, ex.journey));
  const load = ex => {
    if (!ex) return;
    profile.value = ex.customer.trim();
    events.value = ex.events.trim();
  };
  example.addEventListener('change', () => load(examples.find(e => e.journey === example.value)));
  const preferred = examples.find(e => e.journey === name) ?? examples[0];
  if (preferred) {
    example.value = preferred.journey;
    load(preferred);
  }

  const run = button(t('sim.run'), async () => {
    await busy(run, async () => {
      const request = {
        profile: profile.value,
        events: events.value,
        until: until.value.trim() || null,
        withOtherJourneys: withOthers.checked,
      };
      if (source.value === 'draft') request.yaml = drafts.get(name);
      else {
        request.journey = name;
        request.version = chosen.version;
      }
      try {
        const r = await api.post('/api/dashboard/simulate', request);
        replace(result, simulationView(r));
      } catch (e) {
        replace(result, e instanceof ApiError && e.status === 400
          ? h('div', { class: 'alert alert-error', role: 'alert' }, h('strong', null, t('sim.invalid')), ' ', e.problem.field ? h('code', null, e.problem.field) : '', ' ', e.message)
          : errorBox(e));
      }
    });
  }, { tone: 'primary', id: 'sim-run' });

  body.append(h('div', { class: 'sim-layout' },
    card(t('sim.inputs'), h('form', { class: 'form sim-form', onsubmit: e => { e.preventDefault(); run.click(); } },
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'sim-source' }, t('sim.source')), source),
        h('div', { class: 'field' }, h('label', { for: 'sim-example' }, t('sim.example')), example)),
      h('div', { class: 'field' }, h('label', { for: 'sim-profile' }, t('sim.profile')), profile),
      h('div', { class: 'field' }, h('label', { for: 'sim-events' }, t('sim.events')), events, h('p', { class: 'hint' }, t('sim.eventsHint'))),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'sim-until' }, t('sim.until')), until, h('p', { class: 'hint' }, t('sim.untilHint'))),
        h('div', { class: 'field end' }, run)),
      h('label', { class: 'check', for: 'sim-others' }, withOthers, t('sim.withOthers'))), { class: 'sim-inputs compact' }),
    card(t('sim.timeline'), result, { class: 'sim-output' })));
  return null;
}

function simulationView(r) {
  const queues = new Map();
  for (const m of r.messages) {
    const k = `${m.instanceId}|${m.step}`;
    const q = queues.get(k) ?? [];
    q.push(m);
    queues.set(k, q);
  }
  const zone = r.timeZone;
  return h('div', null,
    h('div', { class: 'sim-summary' },
      h('span', null, t('sim.for', { customer: r.customerId, zone })),
      r.instances.map(i => h('span', { class: 'sim-instance' }, h('code', null, i.journey), ' ', statusChip(i.outcome ?? i.status), i.step && i.status === 'active' ? h('span', { class: 'muted small' }, ` @ ${i.step}`) : null)),
      r.points ? chip(t('sim.points', { n: r.points }), 'info') : null),
    r.timeline.length === 0 ? empty(t('sim.nothing'), t('sim.nothingDetail')) : null,
    h('ol', { class: 'timeline', 'aria-label': t('sim.timeline') }, r.timeline.map(e => {
      const msgs = e.kind === 'sent' ? queues.get(`${e.instanceId}|${e.step}`) : null;
      const message = msgs?.shift();
      return h('li', { class: `tl tl-${e.kind}`, 'data-kind': e.kind },
        h('time', { class: 'tl-time', datetime: e.time }, fmtZoned(e.time, zone)),
        h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
        h('div', { class: 'tl-body' },
          h('div', { class: 'tl-head' }, statusChip(e.kind), e.step ? h('code', { class: 'tl-step' }, e.step) : null, r.journeys.length > 1 && e.journey ? h('span', { class: 'muted small' }, e.journey) : null),
          message ? messageBubble(message) : h('div', { class: 'tl-detail' }, localiseTimes(e.detail, zone))));
    })));
}

export function messageBubble(m) {
  return h('div', { class: 'bubble', 'data-channel': m.channel },
    h('div', { class: 'bubble-meta' }, channelName(m.channel), m.category ? ` · ${t(`category.${m.category}`, {}, m.category)}` : '', m.template ? ` · ${m.template}` : '', m.locale ? ` [${m.locale}]` : ''),
    m.subject ? h('div', { class: 'bubble-subject' }, m.subject) : null,
    h('div', { class: 'bubble-text' }, m.body));
}

export function channelName(channel) {
  return t(`channel.${channel}`, {}, channel);
}

