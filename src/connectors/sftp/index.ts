import { z } from 'zod';
import type { ConnectorDefinition } from '../connector.js';
import { SFTP_NAMES, SftpConnector } from './connector.js';

export const sftpSettings = z
  .object({
    host: z.string().trim().min(1, 'Give the server name or address, such as files.example.com.'),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1, 'Give the user name to log in with.'),
    password: z.string().min(1).optional(),
    privateKey: z
      .string()
      .refine((k) => /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(k), 'Paste the whole private key, including its BEGIN and END lines.')
      .optional(),
    passphrase: z.string().min(1).optional(),
    root: z.string().trim().default('').describe('Folder on the server: absolute, or relative to the login folder. Empty means the login folder.'),
    hostKeySha256: z
      .string()
      .trim()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'Give the fingerprint as OpenSSH prints it, such as SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s.')
      .optional(),
  })
  .refine((s) => s.password !== undefined || s.privateKey !== undefined, {
    message: 'Give a password or a private key.',
    path: ['password'],
  });

export type SftpSettings = z.infer<typeof sftpSettings>;

export const sftpDefinition: ConnectorDefinition<SftpSettings> = {
  kind: 'sftp',
  title: 'SFTP server',
  settings: sftpSettings,
  secrets: ['password', 'privateKey', 'passphrase'],
  names: SFTP_NAMES,
  create: async (settings, context) => new SftpConnector(settings, context),
};
