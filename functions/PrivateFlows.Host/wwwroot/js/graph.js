// Draws a journey graph as SVG with a layered (Sugiyama-style) layout computed here: back edges found by DFS,
// layers by longest path, dummy nodes on long edges, barycentre ordering, then x positions pulled towards
// neighbours. Nodes carry live counts (instances waiting at the step).

import { svg } from './dom.js';
import { t, fmtNumber } from './i18n.js';

const NODE_W = 216;
const NODE_H = 48;
const SMALL_W = 96;
const SMALL_H = 32;
const GAP_Y = 46;
const GAP_X = 36;
const DUMMY_GAP = 40;
const MARGIN = 28;

const ICONS = {
  entry: 'M5 3l10 7-10 7z',
  send: 'M2 9.5 18 2l-4.5 16-3.6-6.4L2 9.5zm7.6 1.6 2.2 3.9 2.4-8.8-4.6 4.9z',
  wait: 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm0 2a6 6 0 1 1 0 12 6 6 0 0 1 0-12zm-1 2v4.6l3.7 2.2 1-1.6-2.7-1.6V6H9z',
  wait_until: 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm0 2a6 6 0 1 1 0 12 6 6 0 0 1 0-12zm-1 2v4.6l3.7 2.2 1-1.6-2.7-1.6V6H9z',
  wait_for: 'M10 2a5 5 0 0 0-5 5v4l-2 3h14l-2-3V7a5 5 0 0 0-5-5zm-2 14a2 2 0 0 0 4 0H8z',
  branch: 'M5 2a2 2 0 0 0-1 3.7v8.6A2 2 0 1 0 6 14.3V12c0-1 1-2 2-2h4a4 4 0 0 0 4-4v-.3A2 2 0 1 0 14 5.7V6a2 2 0 0 1-2 2H8c-.7 0-1.4.2-2 .5V5.7A2 2 0 0 0 5 2z',
  split: 'M3 3h6v6H3zM11 11h6v6h-6zM11 3l6 6h-6zM3 17l6-6v6z',
  award_points: 'M10 1.8l2.5 5.2 5.7.8-4.1 4 1 5.7L10 14.8l-5.1 2.7 1-5.7-4.1-4 5.7-.8z',
  issue_coupon: 'M2 5h16v3a2 2 0 0 0 0 4v3H2v-3a2 2 0 0 0 0-4V5zm6 2v1h1V7H8zm0 2.5v1h1v-1H8zM8 12v1h1v-1H8z',
  tag: 'M2 2h7l9 9-7 7-9-9V2zm4 2.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z',
  untag: 'M2 2h7l9 9-7 7-9-9V2zm4 2.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z',
  set_attribute: 'M3 4h14v2H3zm0 5h10v2H3zm0 5h14v2H3z',
  webhook: 'M8 12l4-4M6.5 9.5l-2 2a2.8 2.8 0 0 0 4 4l2-2m3-3 2-2a2.8 2.8 0 0 0-4-4l-2 2',
  referral_reward: 'M7 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm6 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM1 17a6 6 0 0 1 12 0H1zm12.5 0a7.4 7.4 0 0 0-2-4.8A6 6 0 0 1 19 17h-5.5z',
  end: 'M4 2h2v16H4zm3 1h9l-2 4 2 4H7z',
  done: 'M4 2h2v16H4zm3 1h9l-2 4 2 4H7z',
  holdout: 'M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm-5 7h10v2H5z',
};

const STROKE_ICONS = new Set(['webhook']);

function isSmall(node) {
  return node.kind === 'done' || node.kind === 'holdout';
}

/** Width units of a string: CJK characters count double. */
function units(text) {
  let n = 0;
  for (const ch of text) n += /[\u2e80-\uffff]/.test(ch) ? 2 : 1;
  return n;
}

function fit(text, max) {
  if (!text) return '';
  if (units(text) <= max) return text;
  let out = '';
  let n = 0;
  for (const ch of text) {
    const w = /[\u2e80-\uffff]/.test(ch) ? 2 : 1;
    if (n + w > max - 1) break;
    out += ch;
    n += w;
  }
  return `${out}…`;
}

/** Computes positions: {nodes: Map(id → {x, y, w, h, layer}), routes: [{edge, points, back}], width, height}. */
export function layout(graph) {
  const nodes = new Map();
  for (const n of graph.nodes) {
    const small = isSmall(n);
    nodes.set(n.id, { ...n, w: small ? SMALL_W : NODE_W, h: small ? SMALL_H : NODE_H, dummy: false });
  }
  const edges = graph.edges.filter(e => nodes.has(e.from) && nodes.has(e.to));
  const out = new Map([...nodes.keys()].map(id => [id, []]));
  edges.forEach(e => out.get(e.from).push(e));

  // 1. Back edges (DFS from the entry, then from any node not reached yet, in file order).
  const state = new Map();
  const back = new Set();
  const preorder = [];
  const visit = id => {
    state.set(id, 1);
    preorder.push(id);
    for (const e of out.get(id)) {
      if (e.from === e.to) { back.add(e); continue; }
      const s = state.get(e.to);
      if (s === 1) back.add(e);
      else if (!s) visit(e.to);
    }
    state.set(id, 2);
  };
  for (const id of nodes.keys()) if (!state.get(id)) visit(id);

  // 2. Layers by longest path over forward edges (topological order = reverse post-order).
  const forward = edges.filter(e => !back.has(e));
  const incoming = new Map([...nodes.keys()].map(id => [id, []]));
  forward.forEach(e => incoming.get(e.to).push(e));
  const layer = new Map();
  const seen = new Set();
  const post = [];
  const topo = id => {
    seen.add(id);
    for (const e of forward.filter(f => f.from === id)) if (!seen.has(e.to)) topo(e.to);
    post.push(id);
  };
  for (const id of preorder) if (!seen.has(id)) topo(id);
  for (const id of post.reverse()) {
    const preds = incoming.get(id);
    layer.set(id, preds.length === 0 ? 0 : Math.max(...preds.map(e => layer.get(e.from) + 1)));
  }

  // Terminal "end" and "holdout" nodes sit one layer below their lowest predecessor.
  // 3. Dummy nodes on long forward edges.
  const segments = [];
  const routes = [];
  let dummyCount = 0;
  for (const e of forward) {
    const from = layer.get(e.from);
    const to = layer.get(e.to);
    const chain = [e.from];
    for (let l = from + 1; l < to; l++) {
      const id = `__dummy${dummyCount++}`;
      nodes.set(id, { id, dummy: true, w: 0, h: 0 });
      layer.set(id, l);
      chain.push(id);
    }
    chain.push(e.to);
    for (let i = 0; i + 1 < chain.length; i++) segments.push([chain[i], chain[i + 1]]);
    routes.push({ edge: e, chain, back: false });
  }
  for (const e of back) routes.push({ edge: e, chain: [e.from, e.to], back: true });

  const maxLayer = Math.max(0, ...layer.values());
  const layers = Array.from({ length: maxLayer + 1 }, () => []);
  const rank = new Map(preorder.map((id, i) => [id, i]));
  for (const [id, l] of layer) layers[l].push(id);
  for (const list of layers) list.sort((a, b) => (rank.get(a) ?? 1e6) - (rank.get(b) ?? 1e6));

  const preds = new Map([...nodes.keys()].map(id => [id, []]));
  const succs = new Map([...nodes.keys()].map(id => [id, []]));
  for (const [a, b] of segments) {
    succs.get(a).push(b);
    preds.get(b).push(a);
  }

  // 4. Ordering: barycentre sweeps.
  const position = new Map();
  const index = () => layers.forEach(list => list.forEach((id, i) => position.set(id, i)));
  index();
  const sweep = (range, neighbours) => {
    for (const l of range) {
      const list = layers[l];
      const keyed = list.map((id, i) => {
        const ns = neighbours.get(id);
        return { id, key: ns.length ? ns.reduce((s, n) => s + position.get(n), 0) / ns.length : i };
      });
      keyed.sort((a, b) => a.key - b.key);
      layers[l] = keyed.map(k => k.id);
      layers[l].forEach((id, i) => position.set(id, i));
    }
  };
  const down = Array.from({ length: maxLayer }, (_, i) => i + 1);
  const up = Array.from({ length: maxLayer }, (_, i) => maxLayer - 1 - i);
  for (let i = 0; i < 6; i++) {
    sweep(down, preds);
    sweep(up, succs);
  }
  sweep(down, preds);

  // 5. Coordinates: y per layer, x pulled towards neighbours with minimum separation.
  const layerHeight = layers.map(list => Math.max(SMALL_H, ...list.map(id => nodes.get(id).h)));
  const ys = [];
  let y = MARGIN + 10;
  for (let l = 0; l <= maxLayer; l++) {
    ys.push(y);
    y += layerHeight[l] + GAP_Y;
  }
  const x = new Map();
  const sep = (a, b) => {
    const na = nodes.get(a);
    const nb = nodes.get(b);
    const gap = na.dummy || nb.dummy ? DUMMY_GAP : GAP_X;
    return na.w / 2 + nb.w / 2 + gap;
  };
  for (const list of layers) {
    let cx = 0;
    list.forEach((id, i) => {
      if (i > 0) cx += sep(list[i - 1], id);
      x.set(id, cx);
    });
    const shift = cx / 2;
    list.forEach(id => x.set(id, x.get(id) - shift));
  }
  const place = (list, desired) => {
    const n = list.length;
    if (n === 0) return;
    const a = desired.slice();
    for (let i = 1; i < n; i++) a[i] = Math.max(a[i], a[i - 1] + sep(list[i - 1], list[i]));
    const b = desired.slice();
    for (let i = n - 2; i >= 0; i--) b[i] = Math.min(b[i], b[i + 1] - sep(list[i], list[i + 1]));
    const c = a.map((v, i) => (v + b[i]) / 2);
    for (let i = 1; i < n; i++) c[i] = Math.max(c[i], c[i - 1] + sep(list[i - 1], list[i]));
    list.forEach((id, i) => x.set(id, c[i]));
  };
  const pull = (range, neighbours) => {
    for (const l of range) {
      const list = layers[l];
      const desired = list.map(id => {
        const ns = neighbours.get(id);
        return ns.length ? ns.reduce((s, n) => s + x.get(n), 0) / ns.length : x.get(id);
      });
      place(list, desired);
    }
  };
  for (let i = 0; i < 8; i++) {
    pull(down, preds);
    pull(up, succs);
  }
  pull(down, preds);

  let minX = Infinity;
  let maxX = -Infinity;
  for (const [id, n] of nodes) {
    minX = Math.min(minX, x.get(id) - n.w / 2);
    maxX = Math.max(maxX, x.get(id) + n.w / 2);
  }
  const backRoutes = routes.filter(r => r.back).length;
  const offset = MARGIN - minX;
  for (const [id, n] of nodes) {
    n.x = x.get(id) + offset;
    n.layer = layer.get(id);
    n.y = ys[n.layer] + (layerHeight[n.layer] - n.h) / 2;
    n.top = ys[n.layer];
  }
  const width = maxX - minX + MARGIN * 2 + (backRoutes ? 40 + backRoutes * 14 : 0);
  const height = y - GAP_Y + MARGIN;
  return { nodes, routes, width: Math.max(width, 320), height };
}

function edgePath(route, nodes, backIndex) {
  const pts = route.chain.map(id => nodes.get(id));
  if (route.back) {
    const a = pts[0];
    const b = pts[1];
    const out = Math.max(a.x + a.w / 2, b.x + b.w / 2) + 28 + backIndex * 14;
    const ay = a.y + a.h / 2;
    const by = b.y + b.h / 2;
    return { d: `M${a.x + a.w / 2},${ay} C${out},${ay} ${out},${by} ${b.x + b.w / 2 + 4},${by}`, label: { x: out, y: (ay + by) / 2 } };
  }
  const points = pts.map((n, i) => {
    if (n.dummy) return { x: n.x, y: n.y };
    if (i === 0) return { x: n.x, y: n.y + n.h };
    return { x: n.x, y: n.y - 4 };
  });
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1];
    const q = points[i];
    const dy = Math.max(16, (q.y - p.y) / 2);
    d += ` C${p.x},${p.y + dy} ${q.x},${q.y - dy} ${q.x},${q.y}`;
  }
  // Labels sit just above the end of the first segment, where edges leaving one node have spread apart.
  const labelAt = { x: points[1].x, y: pts[1].top - GAP_Y / 2 };
  return { d, label: labelAt };
}

function nodeLabel(node) {
  if (node.kind === 'entry') return t('graph.entry');
  if (node.kind === 'done') return t('graph.end');
  if (node.kind === 'holdout') return t('graph.holdout');
  return node.id;
}

/**
 * Renders the graph; returns {svg, width, height, select(id)}.
 * options.onSelect(node) is called when a step is clicked or activated with the keyboard.
 */
export function renderGraph(graph, options = {}) {
  const { nodes, routes, width, height } = layout(graph);
  const root = svg('svg', {
    class: 'journey-graph',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'group',
    'aria-label': t('graph.aria', { journey: graph.journey ?? '' }),
  });
  const defs = svg('defs', null,
    svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' })),
    svg('marker', { id: 'arrow-muted', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head muted' })));
  root.append(defs);

  const edgeLayer = svg('g', { class: 'edges' });
  const labelLayer = svg('g', { class: 'edge-labels' });
  let backIndex = 0;
  let minX = 0;
  let maxX = width;
  for (const route of routes) {
    const { d, label } = edgePath(route, nodes, route.back ? backIndex++ : 0);
    const kind = route.edge.kind || 'next';
    edgeLayer.append(svg('path', {
      d,
      class: `edge edge-${kind}${route.back ? ' edge-back' : ''}`,
      'marker-end': kind === 'timeout' || kind === 'holdout' ? 'url(#arrow-muted)' : 'url(#arrow)',
      'data-from': route.edge.from,
      'data-to': route.edge.to,
    }));
    if (route.edge.label) {
      const text = fit(route.edge.label, 20);
      const w = units(text) * 6.4 + 14;
      minX = Math.min(minX, label.x - w / 2 - 6);
      maxX = Math.max(maxX, label.x + w / 2 + 6);
      labelLayer.append(svg('g', { class: `edge-label edge-label-${kind}`, transform: `translate(${label.x - w / 2},${label.y - 10})` },
        svg('title', null, route.edge.label),
        svg('rect', { width: w, height: 20, rx: 10 }),
        svg('text', { x: w / 2, y: 14, 'text-anchor': 'middle' }, text)));
    }
  }
  root.append(edgeLayer);
  // Labels may stick out of the nodes' bounding box: widen the drawing to keep them whole.
  const fullWidth = maxX - minX;
  root.setAttribute('viewBox', `${minX} 0 ${fullWidth} ${height}`);
  root.setAttribute('width', fullWidth);

  const nodeLayer = svg('g', { class: 'nodes' });
  const elements = new Map();
  for (const node of nodes.values()) {
    if (node.dummy) continue;
    const small = isSmall(node);
    const title = nodeLabel(node);
    const count = node.count ?? 0;
    const faulted = node.faulted ?? 0;
    const aria = [
      node.kind === 'entry' ? `${t('graph.entry')}: ${node.detail}` : `${t('graph.step')} ${node.id}: ${node.detail ?? ''}`,
      count ? t('graph.waitingAria', { n: count }) : '',
      faulted ? t('graph.faultedAria', { n: faulted }) : '',
    ].filter(Boolean).join(', ');
    const g = svg('g', {
      class: `node kind-${node.kind}${count ? ' has-count' : ''}${faulted ? ' has-faulted' : ''}`,
      transform: `translate(${node.x - node.w / 2},${node.y})`,
      tabindex: 0,
      role: 'button',
      'aria-label': aria,
      'data-step': node.id,
      'data-count': count,
    });
    g.append(svg('title', null, node.kind === 'entry' ? node.detail : node.label ?? node.id));
    if (small) {
      g.append(svg('rect', { class: 'node-box', width: node.w, height: node.h, rx: node.h / 2 }));
      g.append(svg('text', { class: 'node-title', x: node.w / 2, y: node.h / 2 + 4.5, 'text-anchor': 'middle' }, title));
    } else {
      g.append(svg('rect', { class: 'node-box', width: node.w, height: node.h, rx: node.kind === 'entry' ? node.h / 2 : 10 }));
      if (node.kind !== 'entry') g.append(svg('rect', { class: 'node-strip', x: 0, y: 0, width: 5, height: node.h, rx: 2.5 }));
      const icon = ICONS[node.kind] ?? ICONS.set_attribute;
      g.append(svg('g', { class: 'node-icon-wrap', transform: `translate(${node.kind === 'entry' ? 16 : 14},${node.h / 2 - 11})` },
        svg('circle', { class: 'node-icon-bg', cx: 11, cy: 11, r: 11 }),
        svg('path', { class: STROKE_ICONS.has(node.kind) ? 'node-icon stroke' : 'node-icon', d: icon, transform: 'translate(4.5,4.5) scale(0.65)' })));
      g.append(svg('text', { class: 'node-title', x: 46, y: 20 }, fit(title, 20)));
      g.append(svg('text', { class: 'node-detail', x: 46, y: 36 }, fit(node.detail ?? '', 25)));
    }
    if (count > 0) {
      const label = fmtNumber(count);
      const w = Math.max(24, label.length * 8 + 14);
      g.append(svg('g', { class: 'count-badge', transform: `translate(${node.w - w + 8},-10)` },
        svg('rect', { width: w, height: 22, rx: 11 }),
        svg('text', { x: w / 2, y: 15.5, 'text-anchor': 'middle', 'data-role': 'count' }, label)));
    }
    if (faulted > 0) {
      g.append(svg('g', { class: 'fault-badge', transform: `translate(${count > 0 ? node.w - 70 : node.w - 26},-10)` },
        svg('rect', { width: 30, height: 22, rx: 11 }),
        svg('text', { x: 15, y: 15.5, 'text-anchor': 'middle' }, `!${faulted}`)));
    }
    const activate = () => options.onSelect?.(node);
    g.addEventListener('click', activate);
    g.addEventListener('keydown', e => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        activate();
      }
    });
    elements.set(node.id, g);
    nodeLayer.append(g);
  }
  root.append(nodeLayer);
  root.append(labelLayer);

  return {
    svg: root,
    width: fullWidth,
    height,
    select(id) {
      for (const [key, el] of elements) el.classList.toggle('selected', key === id);
    },
  };
}
