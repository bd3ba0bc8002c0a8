import { DomainError } from './errors.js';

/** When a destination syncs: as soon as something changes, or once a day at a local time. */
export type Schedule = { kind: 'continuous' } | { kind: 'daily'; at: string };

export function parseSchedule(text: string): Schedule {
  if (text === 'continuous') return { kind: 'continuous' };
  const m = /^daily@([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (m) return { kind: 'daily', at: `${m[1]}:${m[2]}` };
  throw new DomainError('invalid_input', `The schedule "${text}" is not understood: use "continuous" or "daily@HH:MM" (24-hour time in the company's time zone).`, { reason: 'schedule_invalid', params: { value: text } });
}

export function formatSchedule(s: Schedule): string {
  return s.kind === 'continuous' ? 'continuous' : `daily@${s.at}`;
}

export type DestinationState = 'active' | 'paused' | 'needs_attention';
