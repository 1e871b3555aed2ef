// Operations: engine status, throughput and error rate, timers due (relative to the host's clock), poison inputs (with
// retry when the host has it), Service Bus dead letters with requeue (only where the API answers /api/deadletters: Azure),
// and the virtual clock when the host runs one.

import { h, replace } from '../dom.js';
import { api, encode, has } from '../api.js';
import { t, fmtDateTime, fmtNumber, fmtPercent, fmtBytes, fmtRelative } from '../i18n.js';
import { card, chip, errorBox, loading, table, button, busy, toast, stat, empty } from '../ui.js';
import { lineChart, sparkline } from '../charts.js';
import { syncClock } from '../clock.js';

const REFRESH_MS = 5000;

export async function render(container) {
  const statusHost = h('div', null, loading());
  const throughputHost = h('div', null, loading());
  const timersHost = h('div', null, loading());
  const poisonHost = h('div', null, loading());
  const deadLettersHost = h('div');
  const clockHost = h('div');
  const auto = h('input', { type: 'checkbox', id: 'ops-auto', checked: true });

  container.append(
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, t('ops.title')), h('p', { class: 'subtitle' }, t('ops.subtitle'))),
      h('label', { class: 'check', for: 'ops-auto' }, auto, t('graph.autoRefresh'))),
    statusHost,
    h('div', { class: 'grid-2' },
      card(t('ops.throughput'), throughputHost, { id: 'throughput-card' }),
      card(t('ops.timers'), timersHost, { id: 'timers-card' })),
    clockHost,
    card(t('ops.poison'), poisonHost, { id: 'poison-card' }),
    deadLettersHost);

  const [canRetryPoison, hasClock, canAdvance, mayHaveDeadLetters] = await Promise.all([
    has('post', '/api/poison/{inputId}/retry'),
    has('get', '/api/clock'),
    has('post', '/api/clock/advance'),
    has('get', '/api/deadletters'),
  ]);

  const loadStatus = async () => {
    try {
      const s = await api.get('/api/status');
      const st = s.store ?? {};
      replace(statusHost, h('div', { class: 'stat-row' },
        stat(t('ops.engine'), s.ready ? t('ops.ready') : t('ops.starting'), { tone: s.ready ? 'ok' : 'warn', key: 'ready' }),
        stat(t('ops.queued'), fmtNumber(s.queued), { key: 'queued' }),
        stat(t('ops.pendingEvents'), fmtNumber(st.pendingEvents ?? 0), { tone: st.pendingEvents ? 'warn' : null }),
        stat(t('ops.customers'), fmtNumber(st.customers ?? 0)),
        stat(t('ops.timersCount'), fmtNumber(st.timers ?? 0), { sub: st.nextTimerDue ? t('ops.nextDue', { when: fmtRelative(st.nextTimerDue) }) : null }),
        stat(t('ops.poisonCount'), fmtNumber(st.poison ?? 0), { tone: st.poison ? 'bad' : 'ok', key: 'poison' }),
        stat(t('ops.outbox'), fmtNumber(st.customersWithPendingEffects ?? 0)),
        stat(t('ops.database'), fmtBytes(st.databaseBytes ?? 0))));
    } catch (e) {
      replace(statusHost, errorBox(e));
    }
  };

  const loadThroughput = async () => {
    try {
      const r = await api.get('/api/dashboard/throughput');
      const buckets = r.buckets;
      const processed = buckets.map(b => ({ x: Date.parse(b.at), y: b.processed / r.bucketSeconds }));
      const errors = buckets.map(b => ({ x: Date.parse(b.at), y: (b.parked + b.sendFailures) / r.bucketSeconds }));
      const accepted = buckets.map(b => ({ x: Date.parse(b.at), y: b.accepted / r.bucketSeconds }));
      const attempts = buckets.reduce((n, b) => n + b.processed + b.sends, 0);
      replace(throughputHost,
        h('div', { class: 'stat-row compact' },
          stat(t('ops.rate'), `${fmtNumber(r.processedPerSecond, 1)}/s`, { key: 'rate', extra: sparkline(buckets.slice(-30).map(b => b.processed)) }),
          // Nothing processed or sent in the window: no error rate at all, rather than 0%.
          stat(t('ops.errorRate'), attempts > 0 ? fmtPercent(r.errorRate, 1) : '—', { tone: attempts === 0 ? null : r.errorRate > 0.01 ? 'bad' : 'ok', key: 'error-rate' }),
          stat(t('ops.processedTotal'), fmtNumber(r.processedTotal), { sub: t('ops.since', { when: fmtRelative(r.since, Date.parse(r.now)) }) }),
          stat(t('ops.sendsTotal'), fmtNumber(r.sendsTotal), { sub: r.sendFailuresTotal ? t('ops.failedN', { n: r.sendFailuresTotal }) : null })),
        lineChart([
          { name: t('ops.seriesProcessed'), points: processed, color: '#4f46e5' },
          { name: t('ops.seriesAccepted'), points: accepted, color: '#0ea5e9' },
          { name: t('ops.seriesErrors'), points: errors, color: '#ef4444' },
        ], { height: 150, label: t('ops.throughput'), yFormat: v => fmtNumber(v, v < 1 ? 2 : v < 10 ? 1 : 0), legend: true }));
    } catch (e) {
      replace(throughputHost, errorBox(e));
    }
  };

  const loadTimers = async () => {
    try {
      const r = await api.get('/api/dashboard/timers?limit=12');
      const now = Date.parse(r.now);
      const rows = r.timers.map(x => {
        const overdue = Date.parse(x.dueAt) <= now;
        return h('tr', null,
          h('td', null, h('time', { datetime: x.dueAt, title: fmtDateTime(x.dueAt) }, fmtRelative(x.dueAt)), overdue ? chip(t('ops.overdue'), 'warn') : null),
          h('td', null, h('a', { href: `#/customers/${encode(x.customerId)}` }, x.customerId)),
          h('td', null, h('code', { class: 'small', title: x.instanceId }, x.instanceId.length > 28 ? `${x.instanceId.slice(0, 27)}…` : x.instanceId)));
      });
      replace(timersHost,
        h('p', { class: 'muted small' }, t('ops.timersTotal', { n: fmtNumber(r.total) })),
        table([{ label: t('ops.colDue') }, { label: t('ops.colCustomer') }, { label: t('ops.colInstance') }], rows, { label: t('ops.timers'), empty: t('ops.noTimers') }));
    } catch (e) {
      replace(timersHost, errorBox(e));
    }
  };

  const loadPoison = async () => {
    try {
      const list = await api.get('/api/poison?limit=100');
      if (!list.length) {
        replace(poisonHost, empty(t('ops.noPoison'), t('ops.noPoisonDetail'), { icon: 'check' }));
        return;
      }
      const rows = list.map(p => {
        const retry = !canRetryPoison ? null : button(t('ops.retry'), async () => {
          await busy(retry, async () => {
            try {
              await api.post(`/api/poison/${encode(p.inputId)}/retry`);
              toast(t('ops.retried'), 'ok');
              loadPoison();
              loadStatus();
            } catch (e) {
              toast(e.message, 'bad');
            }
          });
        }, { small: true, aria: t('ops.retryAria', { id: p.inputId }) });
        return h('tr', { 'data-input': p.inputId },
          h('td', null, h('code', null, p.inputId), h('div', { class: 'row-sub' }, chip(p.kind, 'muted'))),
          h('td', null, h('a', { href: `#/customers/${encode(p.customerId)}` }, p.customerId)),
          h('td', { class: 'reason' }, h('span', { class: 'bad' }, p.reason), h('details', null, h('summary', null, t('ops.body')), h('pre', { class: 'code-block' }, pretty(p.body)))),
          h('td', { class: 'num' }, fmtNumber(p.attempts)),
          h('td', null, h('time', { datetime: p.parkedAt, title: fmtDateTime(p.parkedAt) }, fmtRelative(p.parkedAt))),
          h('td', { class: 'actions' }, retry));
      });
      replace(poisonHost,
        table([
          { label: t('ops.colInput') }, { label: t('ops.colCustomer') }, { label: t('ops.colReason') },
          { label: t('ops.colAttempts'), class: 'num' }, { label: t('ops.colParked') }, { label: h('span', { class: 'sr-only' }, t('common.actions')) },
        ], rows, { label: t('ops.poison') }));
    } catch (e) {
      replace(poisonHost, errorBox(e));
    }
  };

  // Dead letters live in Service Bus (Azure); the local host has none and no such route: then the section stays away.
  const loadDeadLetters = async () => {
    if (!mayHaveDeadLetters) return;
    let list;
    try {
      list = await api.get('/api/deadletters?limit=100');
    } catch (e) {
      replace(deadLettersHost, e.missingEndpoint ? null : card(t('ops.deadLetters'), errorBox(e), { id: 'deadletters-card' }));
      return;
    }
    if (!list.length) {
      replace(deadLettersHost, card(t('ops.deadLetters'), empty(t('ops.noDeadLetters'), t('ops.noDeadLettersDetail'), { icon: 'check' }), { id: 'deadletters-card' }));
      return;
    }
    const rows = list.map(d => {
      const requeue = button(t('ops.requeue'), async () => {
        await busy(requeue, async () => {
          try {
            await api.post(`/api/deadletters/${encode(String(d.sequenceNumber))}/requeue`);
            toast(t('ops.requeued'), 'ok');
            loadDeadLetters();
          } catch (e) {
            toast(e.message, 'bad');
          }
        });
      }, { small: true, aria: t('ops.requeueAria', { id: d.sequenceNumber }) });
      return h('tr', { 'data-sequence': String(d.sequenceNumber) },
        h('td', null, h('code', null, d.eventId)),
        h('td', null, d.customerId ? h('a', { href: `#/customers/${encode(d.customerId)}` }, d.customerId) : '—'),
        h('td', { class: 'reason' }, h('span', { class: 'bad' }, d.reason ?? '—'), d.description ? h('div', { class: 'row-sub' }, d.description) : null,
          h('details', null, h('summary', null, t('ops.body')), h('pre', { class: 'code-block' }, pretty(d.body)))),
        h('td', { class: 'num' }, fmtNumber(d.deliveryCount)),
        h('td', null, h('time', { datetime: d.enqueuedAt, title: fmtDateTime(d.enqueuedAt) }, fmtRelative(d.enqueuedAt))),
        h('td', { class: 'actions' }, requeue));
    });
    replace(deadLettersHost, card(t('ops.deadLetters'), table([
      { label: t('ops.colEvent') }, { label: t('ops.colCustomer') }, { label: t('ops.colReason') },
      { label: t('ops.colAttempts'), class: 'num' }, { label: t('ops.colEnqueued') }, { label: h('span', { class: 'sr-only' }, t('common.actions')) },
    ], rows, { label: t('ops.deadLetters') }), { id: 'deadletters-card' }));
  };

  const loadClock = async () => {
    if (!hasClock) {
      replace(clockHost);
      return;
    }
    try {
      const c = await api.get('/api/clock');
      const now = c?.now ?? c?.utcNow ?? c?.time;
      const by = h('input', { id: 'clock-by', type: 'text', value: 'P1D', placeholder: 'P1D' });
      const advance = button(t('ops.advance'), async () => {
        await busy(advance, async () => {
          try {
            await api.post('/api/clock/advance', { by: by.value.trim() });
            toast(t('ops.advanced'), 'ok');
            await syncClock(); // timers are due relative to the moved clock
            window.dispatchEvent(new CustomEvent('privateflows:clock'));
            refresh();
          } catch (e) {
            toast(e.message, 'bad');
          }
        });
      }, { tone: 'primary', disabled: !canAdvance });
      replace(clockHost, card(t('ops.clock'), h('div', { class: 'toolbar' },
        h('span', null, t('ops.clockNow'), ' ', h('strong', null, now ? fmtDateTime(now) : '—'), c?.mode ? ` (${c.mode})` : ''),
        h('span', { class: 'spacer' }),
        h('label', { for: 'clock-by' }, t('ops.advanceBy')), by, advance), { id: 'clock-card', class: 'compact' }));
    } catch {
      replace(clockHost);
    }
  };

  const refresh = () => Promise.all([loadStatus(), loadThroughput(), loadTimers(), loadPoison(), loadDeadLetters(), loadClock()]);
  await refresh();
  const timer = setInterval(() => {
    if (auto.checked && document.visibilityState === 'visible') {
      loadStatus();
      loadThroughput();
      loadTimers();
    }
  }, REFRESH_MS);
  return { dispose: () => clearInterval(timer) };
}

function pretty(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

