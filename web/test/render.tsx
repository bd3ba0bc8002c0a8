import type { ReactElement } from 'react';
import { act, render } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter } from 'react-router-dom';
import { vi } from 'vitest';
import { theme } from '../src/theme';

export function renderPage(ui: ReactElement, path = '/') {
  return render(<MantineProvider theme={theme}><MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter></MantineProvider>);
}

export interface Call { method: string; path: string; query: URLSearchParams; body: unknown; headers: Headers }

/**
 * Stands in for the server: each "METHOD /path" answers with a JSON body (status 200, or the
 * [status, body] given); every call is recorded for the test to check.
 */
export function mockApi(routes: Record<string, (call: Call) => unknown>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', vi.fn(async (input: Request | URL | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const text = await request.text();
    const call: Call = { method: request.method, path: url.pathname, query: url.searchParams, body: text ? safeJson(text) : undefined, headers: request.headers };
    calls.push(call);
    const handler = routes[`${call.method} ${call.path}`];
    if (!handler) return new Response(JSON.stringify({ error: { code: 'not_found', message: `no mock for ${call.method} ${call.path}` } }), { status: 404, headers: { 'content-type': 'application/json' } });
    const answer = handler(call);
    const [status, body] = Array.isArray(answer) && typeof answer[0] === 'number' ? answer as [number, unknown] : [200, answer];
    return new Response(body === null ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }));
  return calls;
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}

/** An EventSource that the test feeds by hand. */
export class FakeEventSource {
  static last: FakeEventSource | null = null;
  listeners = new Map<string, (m: MessageEvent) => void>();
  constructor(readonly url: string) { FakeEventSource.last = this; }
  addEventListener(type: string, l: (m: MessageEvent) => void) { this.listeners.set(type, l); }
  removeEventListener(type: string) { this.listeners.delete(type); }
  close() {}
  emit(type: string, data: object) { act(() => this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data) }))); }
}
