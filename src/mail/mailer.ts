/** The Mailer port: how Dossier sends an e-mail (an invitation to connect a folder, say). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The sender's display name, such as the firm's (the address stays the configured one). */
  fromName?: string;
}

/** The From header: the configured address, under the mail's own display name when it has one. */
export function fromHeader(configured: string, name?: string): string | { name: string; address: string } {
  if (!name) return configured;
  const address = /<([^>]+)>/.exec(configured)?.[1] ?? configured.trim();
  return { name, address };
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}
