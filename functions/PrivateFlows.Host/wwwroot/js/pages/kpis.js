// KPIs from the seed playbook: activity, conversion, repurchase, 30-day retention, CLV (per segment) and journey ROI.
// Reads GET /api/kpis (and each journey's stats for ROI when the KPI answer has none); says plainly when the server has no KPIs.

import { h, replace } from '../dom.js';
import { api, encode, has, ApiError } from '../api.js';
import { t, fmtNumber, fmtPercent, fmtMoney } from '../i18n.js';
import { card, errorBox, loading, stat, notAvailable, empty } from '../ui.js';
import { barChart, lineChart, PALETTE } from '../charts.js';

const RATES = [
  ['activityRate', 'kpis.activity', 'kpis.activityHint'],
  ['conversionRate', 'kpis.conversion', 'kpis.conversionHint'],
  ['repurchaseRate', 'kpis.repurchase', 'kpis.repurchaseHint'],
  ['retention30d', 'kpis.retention', 'kpis.retentionHint'],
];

export async function render(container) {
  container.append(h('div', { class: 'page-head' },
    h('div', null, h('h1', null, t('kpis.title')), h('p', { class: 'subtitle' }, t('kpis.subtitle')))));
  const body = h('div', { class: 'stack' }, loading());
  container.append(body);

  const [hasKpis, hasStats] = await Promise.all([has('get', '/api/kpis'), has('get', '/api/journeys/{name}/stats')]);
  let kpis = null;
  let kpiError = null;
  if (hasKpis) {
    try {
      kpis = await api.get('/api/kpis');
    } catch (e) {
      kpiError = e;
    }
  }

  // ROI per journey: from the KPI answer, else from each journey's stats.
  let roi = Array.isArray(kpis?.journeys) ? kpis.journeys.map(j => ({ name: j.journey ?? j.name, roi: j.roi, revenue: j.attributedRevenue ?? j.revenue })) : null;
  if (!roi && hasStats) {
    try {
      const journeys = await api.get('/api/journeys');
      const stats = await Promise.all(journeys.map(j => api.get(`/api/journeys/${encode(j.name)}/stats`).catch(() => null)));
      roi = stats.filter(Boolean).map(s => ({ name: s.journey, roi: s.roi, revenue: s.attributedRevenue }));
    } catch {
      roi = null;
    }
  }

  const parts = [];
  if (!hasKpis || (kpiError instanceof ApiError && kpiError.missingEndpoint)) {
    parts.push(card(t('kpis.title'), notAvailable(t('kpis.title'))));
  } else if (kpiError) {
    parts.push(errorBox(kpiError));
  } else {
    const rate = key => kpis[key] ?? kpis[key.replace('30d', '30D')];
    parts.push(h('div', { class: 'stat-row' },
      stat(t('kpis.customers'), fmtNumber(kpis.customers ?? 0), { key: 'customers' }),
      ...RATES.map(([key, label, hint]) => {
        const p = rate(key);
        // 0 of 0 is no rate at all (e.g. 30-day retention before anyone joined 30 days ago), not 0%.
        return stat(t(label), p && p.trials > 0 ? fmtPercent(p.rate, 1) : '—', { key, sub: p ? `${fmtNumber(p.successes)} / ${fmtNumber(p.trials)} · ${t(hint)}` : t(hint) });
      }),
      stat(t('kpis.clv'), fmtMoney(kpis.averageLifetimeValue ?? 0), { key: 'clv', sub: t('kpis.clvHint') }),
      stat('ROI', kpis.roi != null ? fmtPercent(kpis.roi, 0) : '—', { key: 'roi', sub: t('kpis.roiHint') })));

    const bySegment = Object.entries(kpis.lifetimeValueBySegment ?? {});
    parts.push(h('div', { class: 'grid-2' },
      card(t('kpis.rates'), barChart(RATES.map(([key, label], i) => {
        const p = rate(key);
        return p && p.trials > 0
          ? { label: t(label), value: p.rate, low: p.low, high: p.high, color: PALETTE[i] }
          : { label: t(label), value: 0, color: PALETTE[i], empty: true };
      }), { format: x => fmtPercent(x, 1), max: 1, label: t('kpis.rates') })),
      card(t('kpis.clvBySegment'), bySegment.length
        ? barChart(bySegment.map(([k, v], i) => ({ label: t(`lifecycle.${k}`, {}, k), value: v, color: PALETTE[(i + 2) % PALETTE.length] })), { format: fmtMoney, label: t('kpis.clvBySegment') })
        : h('p', { class: 'muted' }, t('funnels.noData')))));

    const series = kpis.series ?? kpis.history;
    if (Array.isArray(series) && series.length) {
      parts.push(card(t('kpis.overTime'), lineChart(RATES.map(([key, label], i) => ({
        name: t(label),
        color: PALETTE[i],
        points: series.map(p => ({ x: Date.parse(p.date ?? p.day ?? p.at), y: (p[key]?.rate ?? p[key] ?? 0) * 100 })),
      })), { width: 1000, height: 200, days: true, yFormat: v => `${fmtNumber(v, 0)}%`, label: t('kpis.overTime'), legend: true })));
    }
  }

  parts.push(card(t('kpis.roiByJourney'), roi && roi.length
    ? barChart(roi.map((r, i) => ({ label: r.name, value: Math.max(0, r.roi ?? 0), note: r.roi == null ? t('kpis.noCost') : r.roi < 0 ? fmtPercent(r.roi, 0) : null, color: PALETTE[i % PALETTE.length] })),
      { format: x => fmtPercent(x, 0), labelWidth: 160, label: t('kpis.roiByJourney') })
    : empty(t('funnels.noData'), null)));

  replace(body, ...parts);
  return null;
}
