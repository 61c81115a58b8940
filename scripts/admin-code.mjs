// `npm run admin-code`: the current TOTP code of the seeded super-admin (ADMIN_TOTP_SECRET in
// .dev.vars), for signing in locally without an authenticator app. Add the secret to an app to
// get codes the usual way; the start banner prints it.
import { Secret, TOTP } from 'otpauth';
import { ensureDevVars } from './dev-vars.mjs';

const { vars } = ensureDevVars();
const totp = new TOTP({ issuer: 'Edgepost', label: 'admin@edgepost.test', secret: Secret.fromBase32(vars.ADMIN_TOTP_SECRET) });
const remaining = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${totp.generate()}  (valid ${remaining} s more; secret ${vars.ADMIN_TOTP_SECRET})`);
