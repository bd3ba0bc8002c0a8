import type { BackupKind } from '../../kinds';

/** Everything the wizard has gathered so far. */
export interface Draft {
  kind: BackupKind;
  name: string;
  /** A preset name, or the template when customLayout. */
  layout: string;
  customLayout: boolean;
  /** OAuth kinds: the connected account, and the folder chosen in it ("" is the top). */
  connectionId: string | null;
  root: string | null;
  /** Server kinds (SFTP, WebDAV, S3, local): the form's fields, secrets included. Never written to storage. */
  settings: Record<string, string | number | boolean>;
  tested: boolean;
  /** The SFTP host key the server presented, and whether the user confirmed it. */
  hostKeySha256: string | null;
  hostKeyConfirmed: boolean;
  startDate: string;
  schedule: 'continuous' | 'daily';
  dailyAt: string;
  restoreDeleted: boolean;
  respectFolderDeletions: boolean;
}

export type Step = 'name' | 'connect' | 'folder' | 'schedule' | 'confirm';

export function newDraft(kind: BackupKind, name: string): Draft {
  return {
    kind, name, layout: 'company-year-type', customLayout: false, connectionId: null, root: null, settings: {}, tested: false,
    hostKeySha256: null, hostKeyConfirmed: false, startDate: '', schedule: 'continuous', dailyAt: '23:30', restoreDeleted: true, respectFolderDeletions: false,
  };
}

const KEY = 'dossier.wizard';

/** Whether the user typed or chose something a fresh wizard would not have. */
export function isDirty(draft: Draft, defaultName: string): boolean {
  const fresh = newDraft(draft.kind, defaultName);
  return (Object.keys(fresh) as Array<keyof Draft>).some((k) => JSON.stringify(draft[k]) !== JSON.stringify(fresh[k]));
}

/**
 * Kept for the trip to the provider's sign-in page and back (a full page load), and for Back
 * and Forward, in this tab only. Form secrets are left out: a server's details are typed again.
 */
export function saveDraft(draft: Draft): void {
  globalThis.sessionStorage?.setItem(KEY, JSON.stringify({ ...draft, settings: {} }));
}

export function loadDraft(kind: BackupKind): Draft | null {
  try {
    const d = JSON.parse(globalThis.sessionStorage?.getItem(KEY) ?? 'null') as Draft | null;
    return d && d.kind === kind ? d : null;
  } catch {
    return null;
  }
}

export function clearDraft(): void {
  globalThis.sessionStorage?.removeItem(KEY);
}

/** The schedule as the API writes it. */
export const scheduleOf = (d: Draft) => (d.schedule === 'continuous' ? 'continuous' : `daily@${d.dailyAt}`);
