// The demo tenant's campaigns: one sent (its messages are in the mail sink) and one draft. Made
// through the running API rather than in SQL, so the sent one really went through the delivery
// engine — the fan-out, the send queue, the governor, DKIM — like any campaign. Idempotent: a
// tenant that has campaigns already is left alone.

const SENT = {
  name: 'November product update',
  subject: 'What’s new this month, {{ first_name | default: "friend" }}',
  list: 'Product updates',
};
const DRAFT = { name: 'Holiday sale (draft)', subject: 'Our holiday sale starts Friday' };

async function api(base, path, { token, body, method } = {}) {
  const res = await fetch(base + path, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method ?? 'GET'} ${path}: ${res.status} ${json?.detail ?? ''}`);
  return json;
}

/** Logs in as the demo owner, and if the workspace has no campaign yet, sends one to a list and saves a draft. */
export async function seedCampaigns({ apiUrl, login, log = () => {} }) {
  const { token } = await api(apiUrl, '/v1/auth/login', { body: { email: login.email, password: login.password } });
  const existing = await api(apiUrl, '/v1/campaigns?limit=1', { token });
  if (existing.data.length) return false;
  const [templates, lists] = await Promise.all([api(apiUrl, '/v1/templates?limit=50', { token }), api(apiUrl, '/v1/lists?limit=50', { token })]);
  const template = templates.data[0];
  const list = lists.data.find((l) => l.name === SENT.list);
  if (!template || !list) throw new Error('seed the demo audience and templates first');
  const sent = await api(apiUrl, '/v1/campaigns', { token, body: { name: SENT.name, template_id: template.id, subject: SENT.subject, audience: { lists: [list.id] } } });
  await api(apiUrl, `/v1/campaigns/${sent.id}/send`, { token, method: 'POST' });
  await api(apiUrl, '/v1/campaigns', { token, body: { name: DRAFT.name, template_id: template.id, subject: DRAFT.subject, audience: { all: true } } });
  log(`Seeded two demo campaigns: “${SENT.name}” is being sent to the ${SENT.list} list, “${DRAFT.name}” is a draft.`);
  return true;
}
