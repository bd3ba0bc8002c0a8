import { fileURLToPath } from 'node:url';

/** The install folder (the repository, or the package's folder): src/ and dist/ are both one level below it. */
export const INSTALL_DIR = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

/** The built web app, beside src/ and dist/ alike. */
export const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));
