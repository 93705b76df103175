// A standards-conforming OpenID provider for the browser tests: panva's oidc-provider (certified by
// the OpenID Foundation), not the project's own demo provider. Started by tests/e2e/test_oidc.py:
//   PORT=… REDIRECT_URI=… CLIENT_JWKS='{"keys":[…]}' [LISTEN_PORT=…] node server.js
// The issuer is http://127.0.0.1:PORT; it listens on LISTEN_PORT when given (the test's intercepting
// proxy then sits on PORT, in front of every endpoint).
// One client, "mpp-digital", authenticating with private_key_jwt (an EC key, as INApas registers
// clients); ID tokens signed ES256; the NIK in the "profile" scope. Its built-in development login
// form accepts any password; the login name picks the person below.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const listenPort = Number(process.env.LISTEN_PORT || port);
const issuer = `http://127.0.0.1:${port}`;

const people = {
  budi: { nik: '2171011508900003', name: 'Budi Santoso', birthdate: '1990-08-15' },
  siti: { nik: '2171055204950001', name: 'Siti Rahmawati', birthdate: '1995-04-12' },
  ani: { nik: '3471014101000001', name: 'Ani Lestari', birthdate: '2000-01-01' },
};

const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'mpp-digital',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      id_token_signed_response_alg: 'ES256',
      jwks: JSON.parse(process.env.CLIENT_JWKS),
      redirect_uris: [process.env.REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [{ ...signing, kid: 'uji-1', alg: 'ES256', use: 'sig' }] },
  claims: { openid: ['sub'], profile: ['name', 'birthdate', 'nik'] },
  pkce: { required: () => true },
  cookies: { keys: ['kunci-cookie-uji-saja'] },
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...person }; } };
  },
});

provider.listen(listenPort, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
