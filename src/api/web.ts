import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Paths that belong to the server itself: never answered with the web app's page. */
const SERVER_PATHS = /^\/(v1|docs|sandbox|health|openapi\.json)(\/|$|\?)/;

/** The web app's page, which routes the address itself (registered by serveWebApp). */
export const sendWebPage = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');

/** A browser asking for a page (not an API client or an emulator's caller). */
export const wantsPage = (request: FastifyRequest) => (request.method === 'GET' || request.method === 'HEAD') && (request.headers.accept ?? '').includes('text/html');

/**
 * Serves the built web app (web/dist): its files as they are, and its page for every other
 * GET a browser makes outside the server's own paths, so a deep link like /destinations/dst_x
 * opens the app, which then routes it.
 */
export async function serveWebApp(app: FastifyInstance, root: string, notFound: (request: FastifyRequest, reply: FastifyReply) => FastifyReply): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`The web app is not built (${root}/index.html is missing): run npm run build.`);
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    setHeaders: (reply, path) => {
      // Vite puts a content hash in every asset name, so they never change under one name.
      if (path.startsWith(join(root, 'assets'))) reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  // Its policy and the other security headers are every response's (security-headers.ts).
  const page = sendWebPage;
  app.get('/', { schema: { hide: true } }, (_request, reply) => page(reply));
  app.setNotFoundHandler((request, reply) => {
    if (wantsPage(request) && !SERVER_PATHS.test(request.url)) return page(reply);
    return notFound(request, reply);
  });
}
