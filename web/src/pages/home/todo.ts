/**
 * What the user should do about a backup or a channel, from its state and its last run: one
 * message key (home.todo.*), or null when all is well. Pure, so each case is tested alone.
 */
export type Todo = 'reason' | 'paused' | 'waitingForClient' | 'failedFiles' | 'runFailed' | 'neverRan' | null;

export function todoOf(state: string, lastRun: { status: string; failed: number } | null, stateReason: string | null): Todo {
  if (state === 'needs_attention') return stateReason ? 'reason' : 'runFailed';
  if (state === 'paused') return 'paused';
  if (state === 'waiting_for_client') return 'waitingForClient';
  if (!lastRun) return 'neverRan';
  if (['failed', 'blocked', 'interrupted'].includes(lastRun.status)) return 'runFailed';
  if (lastRun.failed > 0) return 'failedFiles';
  return null;
}
