import { randomUUID } from 'node:crypto';

/**
 * A Graph failure: HTTP status, top-level code and the inner code Graph nests below it
 * (docs/providers/onedrive.md, "Errors and throttling"). Handlers throw it; the server turns it
 * into the exact body shape.
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

/** `{"error":{"code","message","innerError":{"code","request-id","date"}}}`, as Graph sends it. */
export function errorBody(e: GraphError, requestId: string = randomUUID()): string {
  return JSON.stringify({
    error: {
      code: e.code,
      message: e.message,
      innerError: { code: e.innerCode ?? e.code, 'request-id': requestId, date: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    },
  });
}

export const notFound = (what = 'The resource could not be found.') => new GraphError(404, 'itemNotFound', what);
export const invalidRequest = (message: string, inner?: string) => new GraphError(400, 'invalidRequest', message, inner);
export const nameExists = (name: string) => new GraphError(409, 'nameAlreadyExists', `An item named "${name}" already exists in this folder.`);
export const quotaReached = () => new GraphError(507, 'quotaLimitReached', 'Insufficient Space Available');
