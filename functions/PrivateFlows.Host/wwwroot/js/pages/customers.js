// Customers: search by id; profile, segments, tier and points; journeys with cancel/retry; "why didn't she get …";
// a timeline of events, journey steps and messages (with the rendered text); export and erase.

import { h, replace } from '../dom.js';
import { api, encode, has, ApiError } from '../api.js';
import { t, fmtDateTime, fmtNumber, fmtMoney, fmtZoned, fmtRelative, localiseTimes } from '../i18n.js';
import { card, chip, empty, errorBox, loading, table, button, busy, toast, confirmDialog, statusChip, notAvailable, download, stat } from '../ui.js';
import { messageBubble, channelName } from './journeys.js';

const RECENT = 'privateflows.recentCustomers';

function recent() {
  try {
    return JSON.parse(localStorage.getItem(RECENT) || '[]');
  } catch {
    return [];
  }
}

function remember(id) {
  try {
    localStorage.setItem(RECENT, JSON.stringify([id, ...recent().filter(x => x !== id)].slice(0, 8)));
  } catch {
    // storage disabled
  }
}

function forget(id) {
  try {
    localStorage.setItem(RECENT, JSON.stringify(recent().filter(x => x !== id)));
  } catch {
    // storage disabled
  }
}

export async function render(container, route) {
  const id = route.parts[0];
  const input = h('input', { id: 'customer-search', type: 'search', placeholder: t('customers.placeholder'), value: id ?? '', autocomplete: 'off', spellcheck: 'false' });
  const form = h('form', { class: 'search-form', role: 'search', onsubmit: e => {
    e.preventDefault();
    const value = input.value.trim();
    if (value) location.hash = `#/customers/${encode(value)}`;
  } },
  h('label', { for: 'customer-search', class: 'sr-only' }, t('customers.searchLabel')),
  input,
  h('button', { type: 'submit', class: 'btn btn-primary' }, t('customers.search')));

  container.append(h('div', { class: 'page-head' },
    h('div', null, h('h1', null, t('customers.title')), h('p', { class: 'subtitle' }, t('customers.subtitle'))),
    form));

  if (!id) {
    const ids = recent();
    container.append(card(null, empty(t('customers.emptyTitle'), t('customers.emptyDetail'), {
      icon: 'search',
      action: ids.length ? h('div', { class: 'recent' }, h('span', { class: 'muted small' }, t('customers.recent')), ids.map(x => h('a', { class: 'chip chip-link', href: `#/customers/${encode(x)}` }, x))) : null,
    })));
    setTimeout(() => input.focus(), 0);
    return null;
  }

  const body = h('div', { class: 'stack' }, loading());
  container.append(body);
  return renderCustomer(body, id);
}

async function renderCustomer(body, id) {
  let view;
  try {
    view = await api.get(`/api/customers/${encode(id)}`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 410 || (e.status === 404 && !e.missingEndpoint))) {
      forget(id);
      replace(body, card(null, empty(t('customers.notFound', { id }), t('customers.notFoundDetail'), { icon: 'none' })));
    } else {
      replace(body, errorBox(e));
    }
    return null;
  }
  remember(id);
  const p = view.profile;
  const zone = p.timeZone;

  const [canExport, canExplain, canSegments] = await Promise.all([
    has('get', '/api/customers/{customerId}/export'),
    has('get', '/api/customers/{customerId}/explain'),
    has('get', '/api/customers/{customerId}/segments'),
  ]);

  // Header with actions
  const exportButton = button(t('customers.export'), async () => {
    const ok = await confirmDialog({
      title: t('customers.exportTitle', { id }),
      message: t('customers.exportMessage'),
      confirm: t('customers.exportConfirm'),
      tone: 'primary',
    });
    if (!ok) return;
    await busy(exportButton, async () => {
      try {
        const data = await api.get(`/api/customers/${encode(id)}/export`);
        download(`customer-${id}.json`, JSON.stringify(data, null, 2));
        toast(t('customers.exported'), 'ok');
      } catch (e) {
        toast(e instanceof ApiError && e.missingEndpoint ? t('na.title', { what: t('customers.export') }) : e.message, 'bad');
      }
    });
  }, { disabled: !canExport, title: canExport ? null : t('na.title', { what: t('customers.export') }), id: 'export-button', icon: 'download' });

  const eraseButton = button(t('customers.erase'), async () => {
    const ok = await confirmDialog({
      title: t('customers.eraseTitle', { id }),
      message: t('customers.eraseMessage'),
      confirm: t('customers.eraseConfirm'),
      requireText: id,
    });
    if (!ok) return;
    await busy(eraseButton, async () => {
      try {
        await api.delete(`/api/customers/${encode(id)}`);
        forget(id);
        toast(t('customers.erased', { id }), 'ok');
        replace(body, card(null, empty(t('customers.erasedTitle', { id }), t('customers.erasedDetail'), { icon: 'check', class: 'erased' })));
      } catch (e) {
        toast(e instanceof ApiError && e.missingEndpoint ? t('na.title', { what: t('customers.erase') }) : e.message, 'bad');
      }
    });
  }, { tone: 'danger', id: 'erase-button', icon: 'trash' });

  const initials = (p.name || id).trim().slice(0, 1).toUpperCase();
  const header = h('section', { class: 'card customer-head', 'aria-label': t('customers.summary') },
    h('div', { class: 'avatar', 'aria-hidden': 'true' }, initials),
    h('div', { class: 'customer-id' },
      h('h2', null, p.name || id),
      h('div', { class: 'muted' }, h('code', null, id), ' · ', zone, ' · ', p.locale, p.tags.length ? ' · ' : '', p.tags.map(tag => chip(`#${tag}`, 'muted')))),
    h('div', { class: 'customer-actions' }, exportButton, eraseButton),
    h('div', { class: 'stat-row compact customer-stats' },
      stat(t('customers.tierLabel'), t(`tier.${p.tier}`, {}, p.tier), { key: 'tier', tone: 'info' }),
      stat(t('customers.points'), fmtNumber(p.points ?? 0), { key: 'points' }),
      stat(t('customers.orders'), fmtNumber(p.orders?.count ?? 0)),
      stat(t('customers.netSpend'), fmtMoney((p.orders?.total ?? 0) - (p.orders?.refunded ?? 0))),
      stat(t('customers.registered'), p.registeredAt ? fmtRelative(p.registeredAt) : '—'),
      stat(t('customers.lastActive'), p.lastActiveAt ? fmtRelative(p.lastActiveAt) : '—')));

  const left = h('div', { class: 'col' }, profileCard(p), segmentsCard(id, view, canSegments), pointsCard(id, p));
  const instancesHost = h('div');
  const right = h('div', { class: 'col' }, instancesHost, explainCard(id, view, canExplain), timelineCard(id, zone));
  replace(body, header, h('div', { class: 'customer-grid' }, left, right));
  showInstances(instancesHost, id, view.instances, view.timers, zone);
  return null;
}

function profileCard(p) {
  const channels = Object.entries(p.channels ?? {});
  const attrs = Object.entries(p.attributes ?? {});
  const o = p.orders ?? {};
  return card(t('customers.profile'), h('dl', { class: 'kv' },
    h('dt', null, t('customers.email')), h('dd', null, p.email || '—'),
    h('dt', null, t('customers.phone')), h('dd', null, p.phone || '—'),
    h('dt', null, t('customers.birthday')), h('dd', null, p.birthday || '—'),
    h('dt', null, t('customers.registered')), h('dd', null, p.registeredAt ? fmtDateTime(p.registeredAt) : '—'),
    h('dt', null, t('customers.ordersSummary')), h('dd', null, o.count ? t('customers.ordersText', { n: o.count, total: fmtMoney(o.total), last: o.lastAt ? fmtDateTime(o.lastAt) : '—' }) : t('customers.noOrders')),
    h('dt', null, t('customers.consent')), h('dd', null, channels.length
      ? h('div', { class: 'chips' }, channels.map(([name, c]) => chip(
        `${channelName(name)} ${c.granted ? (c.marketing ? '✓' : t('customers.transactionalOnly')) : '✕'}`,
        c.granted ? (c.marketing ? 'ok' : 'info') : 'bad',
        { title: `${c.source} · ${fmtDateTime(c.at)}` })))
      : '—'),
    attrs.length ? h('dt', null, t('customers.attributes')) : null,
    attrs.length ? h('dd', null, h('div', { class: 'chips' }, attrs.map(([k, v]) => chip(`${k}: ${v}`, 'muted')))) : null), { class: 'compact', id: 'profile-card' });
}

function segmentsCard(id, view, canSegments) {
  const host = h('div');
  const p = view.profile;
  const inline = view.segments ?? p.segments;
  const showData = s => {
    const lifecycle = s?.lifecycle ?? s?.stage ?? p.lifecycle;
    const rfm = s?.rfm ?? p.rfm;
    const names = s?.segments ?? s?.memberships ?? (Array.isArray(s) ? s : []);
    replace(host, h('dl', { class: 'kv' },
      h('dt', null, t('customers.lifecycle')), h('dd', null, lifecycle ? chip(t(`lifecycle.${lifecycle}`, {}, lifecycle), 'info') : '—'),
      h('dt', null, 'RFM'), h('dd', null, rfm ? h('span', null, h('code', null, `R${rfm.r ?? rfm.R} F${rfm.f ?? rfm.F} M${rfm.m ?? rfm.M}`), rfm.group ? ` · ${t(`rfm.${rfm.group}`, {}, rfm.group)}` : '') : '—'),
      h('dt', null, t('customers.segments')), h('dd', null, names.length ? h('div', { class: 'chips' }, names.map(n => chip(typeof n === 'string' ? n : n.segment ?? n.name, 'muted'))) : '—')));
  };
  if (inline || p.lifecycle || p.rfm) showData(inline);
  else if (!canSegments) replace(host, notAvailable(t('customers.segments')));
  else {
    replace(host, loading());
    api.get(`/api/customers/${encode(id)}/segments`).then(showData).catch(e => replace(host, e.missingEndpoint ? notAvailable(t('customers.segments')) : errorBox(e)));
  }
  return card(t('customers.segmentsTitle'), host, { class: 'compact', id: 'segments-card' });
}

function pointsCard(id, p) {
  const host = h('div', null, loading());
  api.get(`/api/customers/${encode(id)}/points`).then(points => {
    // The API answers {balance, tier, entries, expiring}; older hosts answered the bare ledger array.
    const entries = Array.isArray(points) ? points : points?.entries;
    const list = [...(entries ?? [])].sort((a, b) => String(b.at).localeCompare(String(a.at))).slice(0, 8);
    replace(host,
      h('div', { class: 'points-balance' }, h('strong', null, fmtNumber(p.points ?? 0)), ' ', t('customers.pointsUnit'), ' · ', t(`tier.${p.tier}`, {}, p.tier)),
      list.length
        ? h('ul', { class: 'ledger' }, list.map(e => h('li', null,
          h('span', { class: e.points >= 0 ? 'plus' : 'minus' }, `${e.points >= 0 ? '+' : ''}${fmtNumber(e.points)}`),
          h('span', { class: 'ledger-reason' }, e.reason),
          e.status && e.status !== 'credited' ? statusChip(e.status) : null,
          h('time', { class: 'muted small', datetime: e.at }, fmtDateTime(e.at)))))
        : h('p', { class: 'muted' }, t('customers.noPoints')));
  }).catch(e => replace(host, errorBox(e)));
  return card(t('customers.pointsTitle'), host, { class: 'compact', id: 'points-card' });
}

function showInstances(host, id, instances, timers, zone) {
  const rows = [...(instances ?? [])].sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt))).map(i => {
    const cancel = button(t('customers.cancel'), async () => {
      const ok = await confirmDialog({ title: t('customers.cancelTitle'), message: t('customers.cancelMessage', { journey: i.journey }), confirm: t('customers.cancel'), tone: 'danger' });
      if (!ok) return;
      await busy(cancel, async () => {
        try {
          await api.post(`/api/instances/${encode(i.instanceId)}/cancel`, { reason: t('customers.cancelReason') });
          toast(t('customers.cancelled'), 'ok');
          refreshInstances(host, id);
        } catch (e) {
          toast(e.message, 'bad');
        }
      });
    }, { small: true, disabled: i.status === 'ended', aria: t('customers.cancelAria', { journey: i.journey }) });
    const retry = button(t('customers.retry'), async () => {
      await busy(retry, async () => {
        try {
          await api.post(`/api/instances/${encode(i.instanceId)}/retry`);
          toast(t('customers.retried'), 'ok');
          refreshInstances(host, id);
        } catch (e) {
          toast(e.message, 'bad');
        }
      });
    }, { small: true, disabled: i.status !== 'faulted', aria: t('customers.retryAria', { journey: i.journey }), title: i.status !== 'faulted' ? t('customers.retryOnlyFaulted') : null });
    const until = i.waiting?.until;
    return h('tr', { 'data-instance': i.instanceId },
      h('td', null, h('a', { href: `#/journeys/${encode(i.journey)}` }, i.journey), h('div', { class: 'row-sub' }, h('code', { class: 'hash', title: i.instanceId }, i.version.slice(0, 8)), i.variant ? ` · ${i.variant}` : '')),
      h('td', null, i.stepId ? h('code', null, i.stepId) : '—', until ? h('div', { class: 'row-sub' }, t('customers.until', { time: fmtZoned(until, zone) })) : null,
        i.error ? h('div', { class: 'row-sub bad' }, i.error) : null),
      h('td', null, statusChip(i.status === 'ended' ? (i.outcome ?? 'ended') : i.status)),
      h('td', null, h('time', { datetime: i.startedAt }, fmtRelative(i.startedAt))),
      h('td', { class: 'actions' }, cancel, retry));
  });
  replace(host, card(t('customers.journeys'), table([
    { label: t('customers.colJourney') },
    { label: t('customers.colStep') },
    { label: t('customers.colStatus') },
    { label: t('customers.colStarted') },
    { label: h('span', { class: 'sr-only' }, t('common.actions')) },
  ], rows, { label: t('customers.journeys'), empty: t('customers.noInstances') }), {
    id: 'instances-card',
    actions: timers?.length ? chip(t('customers.timers', { n: timers.length }), 'muted') : null,
  }));
}

async function refreshInstances(host, id) {
  try {
    const view = await api.get(`/api/customers/${encode(id)}`);
    showInstances(host, id, view.instances, view.timers, view.profile.timeZone);
    window.dispatchEvent(new CustomEvent('privateflows:timeline'));
  } catch (e) {
    replace(host, errorBox(e));
  }
}

function explainCard(id, view, canExplain) {
  const journeys = [...new Set((view.instances ?? []).map(i => i.journey))];
  const journey = h('select', { id: 'explain-journey' });
  const step = h('input', { id: 'explain-step', type: 'text', list: 'explain-steps', autocomplete: 'off', placeholder: t('customers.explainStepPlaceholder') });
  const steps = h('datalist', { id: 'explain-steps' });
  const answer = h('div', { class: 'explain-answer', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'explain-button', disabled: !canExplain }, t('customers.explain'));

  api.get('/api/journeys').then(list => {
    const names = [...new Set([...journeys, ...list.map(j => j.name)])];
    replace(journey, names.map(n => h('option', { value: n }, n)));
    loadSteps();
  }).catch(() => replace(journey, journeys.map(n => h('option', { value: n }, n))));

  const loadSteps = async () => {
    if (!journey.value) return;
    try {
      const g = await api.get(`/api/dashboard/journeys/${encode(journey.value)}/graph`);
      replace(steps, g.nodes.filter(n => !n.id.startsWith('__')).map(n => h('option', { value: n.id }, n.detail)));
    } catch {
      replace(steps);
    }
  };
  journey.addEventListener('change', loadSteps);

  const form = h('form', { class: 'explain-form', onsubmit: async e => {
    e.preventDefault();
    const q = new URLSearchParams({ journey: journey.value });
    if (step.value.trim()) q.set('step', step.value.trim());
    await busy(submit, async () => {
      try {
        const r = await api.get(`/api/customers/${encode(id)}/explain?${q}`);
        replace(answer, explanationView(r, view.profile.timeZone));
      } catch (err) {
        replace(answer, err instanceof ApiError && err.missingEndpoint
          ? notAvailable(t('customers.explainTitle'))
          : errorBox(err));
      }
    });
    submit.disabled = !canExplain;
  } },
  h('div', { class: 'field' }, h('label', { for: 'explain-journey' }, t('customers.explainJourney')), journey),
  h('div', { class: 'field' }, h('label', { for: 'explain-step' }, t('customers.explainStep')), step, steps),
  h('div', { class: 'field end' }, submit));

  if (!canExplain) replace(answer, notAvailable(t('customers.explainTitle')));
  return card(t('customers.explainTitle'), h('div', null, form, answer), { id: 'explain-card', class: 'compact' });
}

function explanationView(r, zone) {
  const status = r.status ?? r.Status;
  return h('div', { class: 'explanation', 'data-status': status },
    h('div', { class: 'explanation-head' }, statusChip(status), r.at ? h('time', { class: 'muted small', datetime: r.at }, fmtZoned(r.at, zone)) : null),
    h('p', { class: 'explanation-summary', title: r.summary ?? '' }, localiseTimes(r.summary ?? r.Summary ?? '', zone)),
    r.evidence?.length ? h('details', null, h('summary', null, t('customers.evidence', { n: r.evidence.length })),
      h('ul', { class: 'evidence' }, r.evidence.map(e => h('li', null,
        h('time', { class: 'muted small', datetime: e.time }, fmtZoned(e.time, zone)), ' ', statusChip(e.kind), ' ', e.step ? h('code', null, e.step) : null, ' ', localiseTimes(e.detail, zone))))) : null);
}

function timelineCard(id, zone) {
  const host = h('div', null, loading());
  const filters = { event: true, step: true, message: true };
  const boxes = Object.keys(filters).map(k => {
    const box = h('input', { type: 'checkbox', id: `tl-${k}`, checked: true });
    box.addEventListener('change', () => {
      filters[k] = box.checked;
      draw();
    });
    return h('label', { class: 'check', for: `tl-${k}` }, box, t(`timeline.${k}`));
  });
  const order = h('select', { id: 'tl-order', 'aria-label': t('timeline.order') },
    h('option', { value: 'desc' }, t('timeline.newest')),
    h('option', { value: 'asc' }, t('timeline.oldest')));
  order.addEventListener('change', () => draw());
  let items = [];

  const draw = () => {
    const shown = items.filter(i => filters[i.type]).sort((a, b) => (order.value === 'asc' ? 1 : -1) * (a.time - b.time || a.seq - b.seq));
    replace(host, shown.length
      ? h('ol', { class: 'timeline', id: 'customer-timeline', 'aria-label': t('timeline.title') }, shown.map(i => i.render()))
      : empty(t('timeline.empty'), null));
  };

  const load = async () => {
    try {
      const [events, history, messages] = await Promise.all([
        api.get(`/api/customers/${encode(id)}/events?limit=1000`),
        api.get(`/api/customers/${encode(id)}/history?limit=2000`),
        api.get(`/api/customers/${encode(id)}/messages?limit=1000`),
      ]);
      const queues = new Map();
      for (const m of messages ?? []) {
        const key = `${m.instanceId}|${m.step}`;
        const q = queues.get(key) ?? [];
        q.push(m);
        queues.set(key, q);
      }
      let seq = 0;
      items = [];
      for (const e of events ?? []) {
        const ev = e.event;
        items.push({
          type: 'event', time: Date.parse(ev.time), seq: seq++,
          render: () => h('li', { class: 'tl tl-event', 'data-kind': 'event' },
            h('time', { class: 'tl-time', datetime: ev.time }, fmtZoned(ev.time, zone)),
            h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
            h('div', { class: 'tl-body' },
              h('div', { class: 'tl-head' }, chip(t('timeline.eventChip'), 'event'), h('strong', null, ev.type), e.status && e.status !== 'done' ? statusChip(e.status) : null),
              h('div', { class: 'tl-detail' }, summarise(ev.data), h('span', { class: 'muted small' }, ` · ${ev.source} · ${ev.id}`)))),
        });
      }
      for (const entry of history?.entries ?? []) {
        let message = null;
        if (entry.kind === 'sent') message = queues.get(`${entry.instanceId}|${entry.step}`)?.shift() ?? null;
        items.push({
          type: message ? 'message' : 'step', time: Date.parse(entry.time), seq: seq++,
          render: () => h('li', { class: `tl tl-${entry.kind}`, 'data-kind': entry.kind },
            h('time', { class: 'tl-time', datetime: entry.time }, fmtZoned(entry.time, zone)),
            h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
            h('div', { class: 'tl-body' },
              h('div', { class: 'tl-head' }, statusChip(entry.kind), h('a', { href: `#/journeys/${encode(entry.journey)}`, class: 'muted' }, entry.journey), entry.step ? h('code', { class: 'tl-step' }, entry.step) : null),
              message ? messageBubble(message) : h('div', { class: 'tl-detail' }, localiseTimes(entry.detail, zone)))),
        });
      }
      for (const rest of queues.values()) {
        for (const m of rest) {
          items.push({
            type: 'message', time: Date.parse(m.at), seq: seq++,
            render: () => h('li', { class: 'tl tl-sent', 'data-kind': 'message' },
              h('time', { class: 'tl-time', datetime: m.at }, fmtZoned(m.at, zone)),
              h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
              h('div', { class: 'tl-body' },
                h('div', { class: 'tl-head' }, statusChip(m.status), m.journey ? h('span', { class: 'muted' }, m.journey) : null, m.step ? h('code', { class: 'tl-step' }, m.step) : null),
                messageBubble(m))),
          });
        }
      }
      draw();
    } catch (e) {
      replace(host, errorBox(e));
    }
  };
  load();
  window.addEventListener('privateflows:timeline', load, { once: true });

  return card(t('timeline.title'), host, {
    id: 'timeline-card',
    actions: [h('div', { class: 'filters', role: 'group', 'aria-label': t('timeline.filter') }, boxes), order],
  });
}

function summarise(data) {
  if (!data) return '';
  const parts = [];
  for (const [k, v] of Object.entries(data)) {
    if (v === null || typeof v === 'object') continue;
    parts.push(`${k}=${v}`);
    if (parts.length >= 5) break;
  }
  return parts.join('  ');
}
