// The host's clock. Relative times ("in 2 days", "3 hours ago") are measured from the host's now, not this
// computer's: under the virtual clock the two can be months apart. Read from GET /api/dashboard/clock before each page
// is drawn; a real clock ticks on from the reading, a virtual one stands still until the host moves it.

import { api } from './api.js';

let reading = null;

/** Reads the host's time; keeps the last reading when the host cannot answer (e.g. before an API key is entered). */
export async function syncClock() {
  try {
    const c = await api.get('/api/dashboard/clock');
    const now = Date.parse(c?.now);
    if (!Number.isNaN(now)) reading = { now, at: performance.now(), virtual: c.mode === 'virtual' };
  } catch {
    // keep the last reading
  }
  return reading;
}

/** The host's now in milliseconds since the epoch (this computer's until the host has been read). */
export function hostNow() {
  if (!reading) return Date.now();
  return reading.virtual ? reading.now : reading.now + (performance.now() - reading.at);
}

/** True when the host runs the virtual clock. */
export function isVirtualClock() {
  return reading?.virtual === true;
}
