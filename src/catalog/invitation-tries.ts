import { newId } from '../domain/ids.js';
import { now, type Db } from './db.js';

/** Tries older than the longest an invitation lives are of no use to any count. */
const KEEP_MS = 31 * 24 * 3_600_000;

/**
 * Records one try and returns the counts it makes: tries on this invitation ever, and tries
 * from this client since `sinceMs` ago. The try is recorded before it is counted, so two at
 * once both count.
 */
export async function recordInvitationTry(db: Db, invitationId: string, clientHash: string, sinceMs: number): Promise<{ onLink: number; fromClient: number }> {
  const at = Date.now();
  await db.deleteFrom('invitation_tries').where('at', '<', new Date(at - KEEP_MS).toISOString()).execute();
  await db.insertInto('invitation_tries').values({ id: newId('itr'), invitation_id: invitationId, client_hash: clientHash, at: now() }).execute();
  const count = (q: ReturnType<typeof base>) => q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
  const base = () => db.selectFrom('invitation_tries');
  const [onLink, fromClient] = await Promise.all([
    count(base().where('invitation_id', '=', invitationId)),
    count(base().where('client_hash', '=', clientHash).where('at', '>', new Date(at - sinceMs).toISOString())),
  ]);
  return { onLink, fromClient };
}
