import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

/** A throw-away self-signed certificate for `name` (openssl), as PEM buffers and file paths. */
export function throwAwayCertificate(name = 'in.example.com'): { cert: Buffer; key: Buffer; certFile: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dossier-tls-'));
  const certFile = join(dir, 'cert.pem'), keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name},IP:127.0.0.1`], { stdio: 'ignore' });
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile, keyFile };
}

export interface SendOptions { port: number; from?: string; to: string | string[]; raw?: string | Buffer; subject?: string; text?: string; attachments?: nodemailer.SendMailOptions['attachments']; tls?: { ca: Buffer } }

/** Sends one mail with nodemailer, a real SMTP client, to a loopback port; rejects with nodemailer's error (responseCode). */
export async function sendMail(o: SendOptions): Promise<nodemailer.SentMessageInfo> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port: o.port, secure: false, name: 'client.example.org',
    ...(o.tls ? { requireTLS: true, tls: { ca: o.tls.ca, servername: 'in.example.com' } } : { ignoreTLS: true }),
  });
  try {
    const from = o.from ?? 'supplier@example.org';
    return await transport.sendMail(o.raw
      ? { envelope: { from, to: [o.to].flat() }, raw: o.raw }
      : { from, to: o.to, subject: o.subject ?? 'Invoice', text: o.text ?? 'Please find our invoice attached.', attachments: o.attachments });
  } finally {
    transport.close();
  }
}
