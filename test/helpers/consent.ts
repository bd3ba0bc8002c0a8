/**
 * Plays the user's browser on a sandbox consent page: loads it, reads the form's hidden fields
 * as a browser would, and submits Allow or Deny. Returns where the provider redirects to.
 */
export async function answerConsent(authorizeUrl: string, decision: 'allow' | 'deny', login = 'alice'): Promise<URL> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`The consent page answered ${page.status}: ${html.slice(0, 300)}`);
  const form = /<form method="post">([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error('The consent page has no form.');
  const fields = new URLSearchParams();
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
  for (const m of form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields.append(unescape(m[1]!), unescape(m[2]!));
  fields.set('login', login);
  fields.set('decision', decision);
  const res = await fetch(authorizeUrl.split('?')[0]!, {
    method: 'POST', redirect: 'manual', body: fields, headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`The consent form answered ${res.status} without a redirect: ${await res.text()}`);
  return new URL(location);
}
