import { fileURLToPath } from 'node:url';

/**
 * The EN 16931 e-invoice examples, kept in the repository (see test/fixtures/einvoice/README.md
 * for where they come from and their licence), so a plain clone runs every test that reads them.
 */
export const EINVOICE_FIXTURES = fileURLToPath(new URL('../fixtures/einvoice/', import.meta.url));
