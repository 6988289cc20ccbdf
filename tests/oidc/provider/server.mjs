// A real OpenID Provider for the tests: node's certified `oidc-provider`, on loopback.
//
// tests/oidc/openid_provider.py starts it and stops it; nothing here is used outside the tests.
// Install it with `npm ci --prefix tests/oidc/provider` (make install does).
//
//   node server.mjs --port 0 --client-id ID --client-secret SECRET \
//       --redirect-uri URI [--redirect-uri URI ...] --accounts JSON \
//       [--issuer URL] [--id-token-clock-offset SECONDS] [--nonce sent|omit|wrong]
//
// The client's id and secret may come from OIDC_CLIENT_ID and OIDC_CLIENT_SECRET instead.
// --port 0 picks a free port. Once it listens, the server prints one line on stdout,
//   "listening http://127.0.0.1:PORT", which the fixture waits for.
// --accounts is a JSON list of {"email", "email_verified", "name", "sub"?, "error"?}: the people
//   who can sign in. Signing in as an account with "error" sends the app that OAuth error (say
//   "server_error") instead of a code, as a provider does when it refuses someone.
// --issuer is the issuer the provider names in its discovery document and its tokens (by default
//   its own address): another string makes the tokens come from an issuer the app does not trust.
// --id-token-clock-offset shifts the ID token's iat and exp by that many seconds (-3600: a token
//   that expired long ago).
// --nonce omit leaves the nonce out of the ID token; --nonce wrong puts another one in.
// --exit-with-stdin stops the server when its standard input closes: when the tests that
//   started it end, however they end.
//
// The sign-in page is plain HTML: an "Email address" field, a "Sign in" and a "Cancel" button,
// one form posting back to the provider, so a test drives it with requests or with Playwright.
// Consent is given at once (the app is a first-party client, as with NHSmail's registration).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

let Provider;
try {
  ({ default: Provider } = await import('oidc-provider'));
} catch (error) {
  console.error(
    'oidc-provider is not installed: run `npm ci --prefix tests/oidc/provider` (make install).\n'
      + error.message,
  );
  process.exit(2);
}

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'client-id': { type: 'string', default: process.env.OIDC_CLIENT_ID },
    'client-secret': { type: 'string', default: process.env.OIDC_CLIENT_SECRET },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    accounts: { type: 'string', default: '[]' },
    issuer: { type: 'string' },
    'id-token-clock-offset': { type: 'string', default: '0' },
    nonce: { type: 'string', default: 'sent' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

function fail(message) {
  console.error(message);
  process.exit(2);
}

if (!options['client-id'] || !options['client-secret']) {
  fail('--client-id and --client-secret are needed');
}
if (!options['redirect-uri'].length) fail('at least one --redirect-uri is needed');
if (!['sent', 'omit', 'wrong'].includes(options.nonce)) fail('--nonce is sent, omit or wrong');
const clockOffset = Number.parseInt(options['id-token-clock-offset'], 10);
if (Number.isNaN(clockOffset)) fail('--id-token-clock-offset is a whole number of seconds');

const accounts = new Map();
for (const [index, entry] of JSON.parse(options.accounts).entries()) {
  const sub = entry.sub || `person-${index + 1}`;
  accounts.set(entry.email.toLowerCase(), { sub, ...entry });
}
const bySub = new Map([...accounts.values()].map((account) => [account.sub, account]));

function findAccount(ctx, sub) {
  const account = bySub.get(sub);
  if (!account) return undefined;
  return {
    accountId: sub,
    async claims() {
      const [givenName, ...rest] = (account.name || '').split(' ');
      return {
        sub,
        email: account.email,
        email_verified: account.email_verified !== false,
        name: account.name,
        given_name: givenName,
        family_name: rest.join(' '),
      };
    },
  };
}

// A signing key of its own, new at each start.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256',
};

function configuration() {
  return {
    clients: [
      {
        client_id: options['client-id'],
        client_secret: options['client-secret'],
        redirect_uris: options['redirect-uri'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    features: { devInteractions: { enabled: false } },
    // Every sign-in sends a PKCE challenge, or the provider refuses it.
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // A first-party client: consent is given without asking.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      const description = escape(out.error_description || '');
      ctx.body = page('Sign-in error', `<p>${escape(out.error)}: ${description}</p>`);
    },
  };
}

function startProvider(issuer) {
  const provider = new Provider(issuer, configuration());
  provider.proxy = false;
  const { issue } = provider.IdToken.prototype;
  provider.IdToken.prototype.issue = function issueWithFaults(args = {}) {
    if (args.use !== 'idtoken') return issue.call(this, args);
    if (options.nonce === 'omit') delete this.extra.nonce;
    if (options.nonce === 'wrong') this.extra.nonce = 'not-the-nonce-the-app-sent';
    if (clockOffset) {
      const now = Math.floor(Date.now() / 1000) + clockOffset;
      this.extra.iat = now;
      return issue.call(this, { ...args, expiresAt: now + 60 });
    }
    return issue.call(this, args);
  };
  return provider;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginForm(uid, message = '') {
  return page('Test provider: sign in', `${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="username" required autofocus>
  <button type="submit" name="outcome" value="sign-in">Sign in</button>
  <button type="submit" name="outcome" value="cancel" formnovalidate>Cancel</button>
</form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(html);
}

async function interaction(provider, req, res, uid) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    send(res, 400, page('Sign-in expired', `<p>${escape(error.message)}</p>`));
    return;
  }
  if (details.uid !== uid) {
    send(res, 400, page('Sign-in expired', '<p>This sign-in is not the one in progress.</p>'));
    return;
  }
  if (req.method === 'GET') {
    send(res, 200, loginForm(uid));
    return;
  }
  const form = await readForm(req);
  let result;
  if (form.get('outcome') === 'cancel') {
    result = { error: 'access_denied', error_description: 'End-User cancelled the sign-in' };
  } else {
    const account = accounts.get((form.get('email') || '').trim().toLowerCase());
    if (!account) {
      send(res, 200, loginForm(uid, 'No account at this provider has that address.'));
      return;
    }
    result = account.error
      ? { error: account.error, error_description: `The provider refused ${account.email}` }
      : { login: { accountId: account.sub } };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const server = createServer();
server.listen(Number.parseInt(options.port, 10), '127.0.0.1', () => {
  const { port } = server.address();
  const address = `http://127.0.0.1:${port}`;
  const provider = startProvider(options.issuer || address);
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    const match = /^\/interaction\/([\w-]+)$/.exec(req.url.split('?')[0]);
    if (!match) {
      callback(req, res);
      return;
    }
    interaction(provider, req, res, match[1]).catch((error) => {
      console.error(error);
      if (!res.headersSent) {
        send(res, 500, page('Provider error', `<p>${escape(error.message)}</p>`));
      }
    });
  });
  console.log(`listening ${address}`);
});

if (options['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
