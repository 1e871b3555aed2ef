// Funnels: per journey version and variant — entered → each step → converted, holdout uplift, A/B winner,
// sends and conversions over time. Statistics come from the journey's stats endpoint; the live distribution over
// steps comes from the dashboard's graph endpoint and is always available.

import { h, replace } from '../dom.js';
import { api, encode, has, ApiError } from '../api.js';
import { t, fmtNumber, fmtPercent, fmtMoney, fmtSigned } from '../i18n.js';
import { card, errorBox, loading, table, stat, empty, chip } from '../ui.js';
import { barChart, funnelChart, lineChart, PALETTE } from '../charts.js';

export async function render(container, route) {
  const name = route.parts[0];
  const select = h('select', { id: 'funnel-journey' });
  container.append(h('div', { class: 'page-head' },
    h('div', null, h('h1', null, t('funnels.title')), h('p', { class: 'subtitle' }, t('funnels.subtitle'))),
    h('div', { class: 'inline-field' }, h('label', { for: 'funnel-journey' }, t('funnels.journey')), select)));
  const body = h('div', { class: 'stack' }, loading());
  container.append(body);

  let journeys;
  try {
    journeys = await api.get('/api/journeys');
  } catch (e) {
    replace(body, errorBox(e));
    return null;
  }
  if (!journeys.length) {
    replace(body, card(null, empty(t('journeys.none'), null)));
    return null;
  }
  const chosen = journeys.find(j => j.name === name) ?? journeys[0];
  for (const j of journeys) select.append(h('option', { value: j.name, selected: j === chosen }, j.title ? `${j.title} (${j.name})` : j.name));
  select.addEventListener('change', () => { location.hash = `#/funnels/${encode(select.value)}`; });

  const statsHost = h('div', { class: 'stack' }, loading());
  const liveHost = h('div', null, loading());
  replace(body, statsHost, card(t('funnels.live'), liveHost, { id: 'live-card' }));

  // Live distribution over the steps of the latest version (always available).
  api.get(`/api/dashboard/journeys/${encode(chosen.name)}/graph`).then(g => {
    const steps = g.nodes.filter(n => !n.id.startsWith('__'));
    const total = steps.reduce((s, n) => s + n.count, 0);
    replace(liveHost, total === 0
      ? h('p', { class: 'muted' }, t('graph.nobody'))
      : barChart(steps.filter(n => n.waits || n.count > 0).map((n, i) => ({ label: n.id, value: n.count, color: PALETTE[(i + 1) % PALETTE.length] })), { label: t('funnels.live') }));
  }).catch(e => replace(liveHost, errorBox(e)));

  // A server without statistics shows the live distribution only.
  if (!(await has('get', '/api/journeys/{name}/stats'))) {
    replace(statsHost);
    return null;
  }

  let stats;
  try {
    stats = await api.get(`/api/journeys/${encode(chosen.name)}/stats`);
  } catch (e) {
    replace(statsHost, e instanceof ApiError && e.missingEndpoint ? null : card(t('funnels.stats'), errorBox(e)));
    return null;
  }
  let detail = null;
  try {
    detail = await api.get(`/api/journeys/${encode(chosen.name)}`);
  } catch {
    detail = null;
  }
  const numberOf = hash => detail?.versions?.find(v => v.version === hash)?.number;
  replace(statsHost, statsView(stats, numberOf));
  return null;
}

function statsView(s, numberOf) {
  const variants = s.variants ?? [];
  const entered = variants.reduce((a, v) => a + (v.entered ?? 0), 0);
  const converted = variants.reduce((a, v) => a + (v.converted ?? 0), 0);
  const sent = variants.reduce((a, v) => a + (v.sent ?? 0), 0);
  const label = v => `v${numberOf(v.version) ?? v.version.slice(0, 6)} · ${v.variant === '-' ? t('funnels.allCustomers') : v.variant === 'holdout' ? t('graph.holdout') : v.variant}`;

  const summary = h('div', { class: 'stat-row' },
    stat(t('funnels.entered'), fmtNumber(entered), { key: 'entered' }),
    stat(t('funnels.converted'), fmtNumber(converted), { key: 'converted', sub: entered ? fmtPercent(converted / entered, 1) : null, tone: 'ok' }),
    stat(t('funnels.uplift'), s.holdoutUplift == null ? '—' : fmtSigned(s.holdoutUplift * 100, 1) + ' pp',
      { sub: s.upliftConfidence == null ? t('funnels.noHoldout') : t('funnels.confidence', { p: fmtPercent(s.upliftConfidence, 0) }), key: 'uplift' }),
    stat(t('funnels.winner'), s.winner ?? '—', { sub: s.winnerConfidence == null ? null : t('funnels.confidence', { p: fmtPercent(s.winnerConfidence, 0) }) }),
    stat(t('funnels.revenue'), fmtMoney(s.attributedRevenue ?? 0)),
    stat('ROI', s.roi == null ? '—' : fmtPercent(s.roi, 0), { sub: t('funnels.cost', { cost: fmtMoney((s.messageCost ?? 0) + (s.couponCost ?? 0)) }), tone: s.roi > 0 ? 'ok' : s.roi < 0 ? 'bad' : null }),
    stat(t('funnels.sent'), fmtNumber(sent)));

  const rows = variants.map(v => h('tr', null,
    h('td', null, h('span', { class: 'version-tag' }, `v${numberOf(v.version) ?? '?'}`), ' ', h('code', { class: 'hash' }, v.version.slice(0, 8))),
    h('td', null, v.variant === 'holdout' ? chip(t('graph.holdout'), 'warn') : v.variant === '-' ? '—' : v.variant),
    h('td', { class: 'num' }, fmtNumber(v.entered)),
    h('td', { class: 'num' }, fmtNumber(v.active)),
    h('td', { class: 'num' }, fmtNumber(v.completed)),
    h('td', { class: 'num' }, fmtNumber(v.converted)),
    h('td', { class: 'num' }, fmtNumber(v.exited)),
    h('td', { class: 'num' }, fmtNumber(v.sent)),
    h('td', { class: 'num' }, fmtNumber(v.suppressed)),
    h('td', { class: 'num' }, v.conversion ? `${fmtPercent(v.conversion.rate, 1)}` : '—',
      v.conversion ? h('div', { class: 'row-sub' }, `${fmtPercent(v.conversion.low, 1)}–${fmtPercent(v.conversion.high, 1)}`) : null)));

  // Entered → each step of the version (in the journey's order) → converted. Under each row: what became of those who
  // could have reached it and did not — another branch, still on their way, converted earlier, or dropped off (only
  // the last is a loss). Statistics without step facts fall back to entered → received a message → converted.
  const funnels = variants.map(v => {
    const funnel = (s.funnels ?? []).find(f => f.version === v.version && f.variant === v.variant);
    const steps = funnel?.steps?.length ? funnel.steps : stepCounts(v);
    const stages = [{ label: t('funnels.entered'), value: v.entered, color: PALETTE[0], key: 'entered' }];
    for (const step of steps) {
      stages.push({ label: step.step, value: step.reached, color: PALETTE[1], key: `step:${step.step}`, title: t('funnels.step', { step: step.step }), notes: stepNotes(step) });
    }
    if (!steps.length) stages.push({ label: t('funnels.sentStage'), value: Math.min(v.sent, v.entered), color: PALETTE[1], key: 'sent' });
    const ended = v.entered - v.converted - v.active;
    stages.push({ label: t('funnels.converted'), value: v.converted, color: PALETTE[3], key: 'converted', notes: [
      v.active > 0 ? { kind: 'waiting', text: t('funnels.inProgress', { n: fmtNumber(v.active) }) } : null,
      ended > 0 ? { kind: 'drop', text: t('funnels.endedUnconverted', { n: fmtNumber(ended), p: fmtPercent(ended / v.entered, 1) }) } : null,
    ] });
    return h('div', { class: 'funnel-block', 'data-version': v.version, 'data-variant': v.variant },
      h('h3', null, label(v)), funnelChart(stages, { label: label(v) }));
  });

  const series = s.series ?? s.daily ?? s.overTime;
  const timeChart = Array.isArray(series) && series.length
    ? lineChart([
      { name: t('funnels.sends'), points: series.map(p => ({ x: Date.parse(p.date ?? p.day ?? p.at), y: p.sends ?? p.sent ?? 0 })), color: PALETTE[0] },
      { name: t('funnels.conversions'), points: series.map(p => ({ x: Date.parse(p.date ?? p.day ?? p.at), y: p.conversions ?? p.converted ?? 0 })), color: PALETTE[3] },
    ], { width: 1000, height: 200, days: true, label: t('funnels.overTime') })
    : empty(t('funnels.noSeries'), null);

  return h('div', { class: 'stack' },
    summary,
    h('div', { class: 'grid-2' },
      card(t('funnels.funnel'), h('div', { class: 'funnels' }, funnels.length ? funnels : empty(t('funnels.noData'), null)), { id: 'funnel-card' }),
      card(t('funnels.byVariant'), variants.length
        ? barChart(variants.map((v, i) => ({ label: label(v), value: v.conversion?.rate ?? 0, low: v.conversion?.low, high: v.conversion?.high, color: v.variant === 'holdout' ? '#94a3b8' : PALETTE[i % PALETTE.length] })),
          { format: x => fmtPercent(x, 1), max: 1, labelWidth: 170, label: t('funnels.byVariant') })
        : empty(t('funnels.noData'), null))),
    card(t('funnels.overTime'), timeChart),
    card(t('funnels.table'), table([
      { label: t('funnels.colVersion') }, { label: t('funnels.colVariant') }, { label: t('funnels.entered'), class: 'num' },
      { label: t('funnels.active'), class: 'num' }, { label: t('funnels.completed'), class: 'num' }, { label: t('funnels.converted'), class: 'num' },
      { label: t('funnels.exited'), class: 'num' }, { label: t('funnels.sent'), class: 'num' }, { label: t('funnels.suppressed'), class: 'num' },
      { label: t('funnels.conversion'), class: 'num' },
    ], rows, { label: t('funnels.table') })));
}

/** Per-step counts when the statistics have no funnels: steps as [{step, reached}] or {step: reached}. */
function stepCounts(v) {
  const steps = v.steps ?? v.reached;
  if (!steps) return [];
  if (Array.isArray(steps)) return steps.map(s => ({ step: s.step ?? s.id, reached: s.reached ?? s.count ?? 0 }));
  return Object.entries(steps).map(([step, count]) => ({ step, reached: typeof count === 'number' ? count : count?.reached ?? 0 }));
}

/** What became of those who could have reached a step and did not (a FunnelStep of the statistics). */
function stepNotes(f) {
  const n = value => fmtNumber(value);
  return [
    f.otherPath > 0 ? { kind: 'other', text: t('funnels.otherPath', { n: n(f.otherPath) }) } : null,
    f.inProgress > 0 ? { kind: 'waiting', text: t('funnels.inProgress', { n: n(f.inProgress) }) } : null,
    f.convertedBefore > 0 ? { kind: 'converted', text: t('funnels.convertedBefore', { n: n(f.convertedBefore) }) } : null,
    f.droppedOff > 0 ? { kind: 'drop', text: t('funnels.dropOff', { n: n(f.droppedOff), p: fmtPercent(f.droppedOff / f.candidates, 1) }) } : null,
  ];
}
