// Small SVG charts: line/area over time, horizontal bars (with optional confidence whiskers) and a funnel.

import { svg, h } from './dom.js';
import { fmtNumber, fmtPercent, fmtShortTime, fmtDay } from './i18n.js';

export const PALETTE = ['#4f46e5', '#0ea5e9', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#64748b'];

function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const scaled = value / power;
  const nice = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * series: [{name, color?, points: [{x: Date|number, y: number}]}]; options: {height, yFormat, xFormat, label, area}
 */
export function lineChart(series, options = {}) {
  const width = options.width ?? 640;
  const height = options.height ?? 200;
  const pad = { l: 44, r: 12, t: 12, b: 26 };
  const all = series.flatMap(s => s.points);
  const xs = all.map(p => +p.x);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const maxY = niceMax(Math.max(0, ...all.map(p => p.y)));
  const sx = v => pad.l + (maxX === minX ? 0.5 : (v - minX) / (maxX - minX)) * (width - pad.l - pad.r);
  const sy = v => height - pad.b - (v / maxY) * (height - pad.t - pad.b);
  const yFormat = options.yFormat ?? fmtNumber;
  const xFormat = options.xFormat ?? (options.days ? fmtDay : fmtShortTime);

  const root = svg('svg', { class: 'chart line-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': options.label ?? '' });
  for (let i = 0; i <= 4; i++) {
    const v = (maxY / 4) * i;
    root.append(svg('line', { class: 'grid', x1: pad.l, x2: width - pad.r, y1: sy(v), y2: sy(v) }));
    root.append(svg('text', { class: 'axis', x: pad.l - 6, y: sy(v) + 4, 'text-anchor': 'end' }, yFormat(v)));
  }
  if (all.length) {
    // Points all at one x (e.g. one day of sends) get one label in the middle, not the same label six times.
    const ticks = maxX === minX ? 0 : 5;
    for (let i = 0; i <= ticks; i++) {
      const v = minX + (ticks ? ((maxX - minX) / ticks) * i : 0);
      root.append(svg('text', { class: 'axis', x: sx(v), y: height - 6, 'text-anchor': ticks === 0 ? 'middle' : i === 0 ? 'start' : i === ticks ? 'end' : 'middle' }, xFormat(new Date(v))));
    }
  }
  series.forEach((s, index) => {
    const color = s.color ?? PALETTE[index % PALETTE.length];
    if (!s.points.length) return;
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${sx(+p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    if (options.area !== false) {
      const area = `${d} L${sx(+s.points[s.points.length - 1].x)},${sy(0)} L${sx(+s.points[0].x)},${sy(0)} Z`;
      root.append(svg('path', { d: area, fill: color, opacity: 0.1 }));
    }
    root.append(svg('path', { d, fill: 'none', stroke: color, 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke' }));
    for (const p of s.points) {
      if (!p.y) continue;
      root.append(svg('circle', { cx: sx(+p.x), cy: sy(p.y), r: 2.5, fill: color }, svg('title', null, `${s.name}: ${yFormat(p.y)} · ${xFormat(new Date(+p.x))}`)));
    }
  });
  const legend = h('div', { class: 'legend' }, series.map((s, i) => h('span', { class: 'legend-item' },
    h('span', { class: 'swatch', style: { background: s.color ?? PALETTE[i % PALETTE.length] } }), s.name)));
  return h('figure', { class: 'chart-figure' }, root, series.length > 1 || options.legend ? legend : null);
}

/** bars: [{label, value, low?, high?, color?, note?, empty?}] (empty: no value to show, e.g. a rate of 0 out of 0); options: {format, max} — HTML, so text keeps its size at any width. */
export function barChart(bars, options = {}) {
  const format = options.format ?? fmtNumber;
  const max = options.max ?? niceMax(Math.max(0, ...bars.map(b => Math.max(b.value, b.high ?? 0))));
  const pct = v => `${Math.max(0, Math.min(100, max > 0 ? (v / max) * 100 : 0))}%`;
  return h('figure', { class: 'chart-figure' },
    h('div', { class: 'bars', role: 'list', 'aria-label': options.label ?? '', style: options.labelWidth ? { '--bar-label': `${options.labelWidth}px` } : null },
      bars.map((b, i) => h('div', { class: 'bar-row', role: 'listitem', title: `${b.label}: ${b.empty ? '—' : format(b.value)}${b.low !== undefined ? ` (${format(b.low)}–${format(b.high)})` : ''}` },
        h('span', { class: 'bar-label' }, b.label),
        h('span', { class: 'bar-track' },
          h('span', { class: 'bar-fill', style: { width: b.value > 0 ? `max(2px, ${pct(b.value)})` : '0', background: b.color ?? PALETTE[i % PALETTE.length] } }),
          b.low !== undefined && b.high !== undefined ? h('span', { class: 'whisker', style: { left: pct(b.low), width: `calc(${pct(b.high)} - ${pct(b.low)})` } }) : null),
        h('span', { class: 'bar-value' }, b.empty ? '—' : format(b.value), b.note ? h('small', null, ` · ${b.note}`) : null)))));
}

/**
 * stages: [{label, value, key?, title?, notes?: [{kind, text}]}] — entered → … → converted, each with its share of the
 * first stage ("—" when the first is 0) and its notes under the value (kind: drop, waiting, other, converted).
 */
export function funnelChart(stages, options = {}) {
  const first = stages[0]?.value ?? 0;
  return h('div', { class: 'funnel', role: 'list', 'aria-label': options.label ?? '' }, stages.map((s, i) => {
    const share = first > 0 ? s.value / first : null;
    return h('div', { class: 'funnel-row', role: 'listitem', 'data-stage': s.key ?? null, title: s.title ?? null },
      h('span', { class: 'funnel-label' }, s.label),
      h('span', { class: 'funnel-bar-wrap' },
        h('span', { class: 'funnel-bar', style: { width: `${Math.max((share ?? 0) * 100, s.value > 0 ? 1.5 : 0)}%`, background: s.color ?? PALETTE[0] } })),
      h('span', { class: 'funnel-value' }, fmtNumber(s.value), h('small', null, i === 0 ? '' : ` ${fmtPercent(share)}`),
        (s.notes ?? []).filter(Boolean).map(n => h('span', { class: `funnel-note funnel-${n.kind}` }, n.text))));
  }));
}

/** A tiny inline trend line for stat cards. */
export function sparkline(values, options = {}) {
  const width = options.width ?? 120;
  const height = options.height ?? 28;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const d = values.map((v, i) => `${i ? 'L' : 'M'}${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  return svg('svg', { class: 'sparkline', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    svg('path', { d, fill: 'none', stroke: options.color ?? PALETTE[0], 'stroke-width': 1.6 }));
}
