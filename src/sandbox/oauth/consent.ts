/** The HTML pages of the sandbox authorization server: a consent form with Allow and Deny, and an error page. */

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
.sandbox{background:#fff3cd;border:1px solid #e0c36a;padding:.5rem .75rem;border-radius:4px}
button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}</style></head>
<body>${body}</body></html>`;

export interface ConsentView {
  providerTitle: string;
  appName: string;
  scopes: string[];
  /** The authorization request, carried through the form unchanged. */
  params: URLSearchParams;
  defaultUser: string;
}

export function consentPage(v: ConsentView): string {
  const hidden = [...v.params].map(([k, val]) => `<input type="hidden" name="${escape(k)}" value="${escape(val)}">`).join('\n');
  const scopes = v.scopes.length ? v.scopes.map((s) => `<li><code>${escape(s)}</code></li>`).join('') : '<li>(no scope)</li>';
  return page(`${v.providerTitle} (sandbox): sign in`, `
<p class="sandbox">Sandbox: this is an emulated ${escape(v.providerTitle)} sign-in. No real account is involved.</p>
<h1>${escape(v.appName)} wants to access your account</h1>
<form method="post">
${hidden}
<p><label>Signed in as <input name="login" value="${escape(v.defaultUser)}" required maxlength="64" pattern="[A-Za-z0-9._-]+"></label></p>
<p>It asks for:</p><ul>${scopes}</ul>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`);
}

/** Shown instead of a redirect when the client or its redirect URI is unknown: never redirect to an unverified address. */
export function errorPage(providerTitle: string, message: string): string {
  return page(`${providerTitle} (sandbox): error`, `<p class="sandbox">Sandbox</p><h1>Sign-in failed</h1><p>${escape(message)}</p>`);
}
