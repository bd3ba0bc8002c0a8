import type { AuthResults } from './message-intake.js';

/**
 * Whether a sender is on a channel's allow-list: an address matches itself, a domain matches
 * addresses at it and at its subdomains. The From address is what a person sees and what the
 * list names, but anyone can write it: when the receiving side found that DMARC fails for it
 * (the domain's owner says this mail is not theirs), the list does not let it in.
 */
export function senderAllowed(allowList: string[], from: string | null, auth?: AuthResults): boolean {
  if (!from || allowList.length === 0) return false;
  if (auth?.dmarc?.toLowerCase() === 'fail') return false;
  const address = from.toLowerCase();
  const domain = address.split('@').pop()!;
  return allowList.some((entry) => {
    const e = entry.trim().toLowerCase().replace(/^@/, '');
    if (e.includes('@')) return e === address;
    return domain === e || domain.endsWith(`.${e}`);
  });
}
