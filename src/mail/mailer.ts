/** The Mailer port: how Dossier sends an e-mail (an invitation to connect a folder, say). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}
