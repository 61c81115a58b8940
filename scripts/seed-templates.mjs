// The demo tenant's templates: three of the starter templates, each at version 1. Idempotent: a
// template is keyed on (tenant, name), so re-running adds nothing and edits made in the dashboard
// survive (the version row is only written together with a template this run inserted).
import { newId } from '../worker/lib/ids.ts';
import { DEMO_STARTER_IDS, starterById } from '../worker/mail/starters/index.ts';
import { lit } from './lib/sql.mjs';

/** SQL statements seeding the templates of the tenant with this slug. */
export function templatesSql(slug, now = Date.now()) {
  return DEMO_STARTER_IDS.flatMap((starterId) => {
    const s = starterById(starterId);
    const id = newId('tpl', now);
    return [
      `INSERT INTO templates (id, tenant_id, name, category, editor, subject, preheader, html, version, created_at, updated_at)
SELECT ${lit(id)}, t.id, ${lit(s.name)}, ${lit(s.category)}, 'code', ${lit(s.subject)}, ${lit(s.preheader)}, ${lit(s.html)}, 1, ${now}, ${now} FROM tenants t
WHERE t.slug = ${lit(slug)} AND NOT EXISTS (SELECT 1 FROM templates x WHERE x.tenant_id = t.id AND x.name = ${lit(s.name)});`,
      `INSERT INTO template_versions (id, tenant_id, template_id, version, name, subject, preheader, html, created_at)
SELECT ${lit(newId('tpv', now))}, tp.tenant_id, tp.id, 1, tp.name, tp.subject, tp.preheader, tp.html, tp.created_at FROM templates tp WHERE tp.id = ${lit(id)}
ON CONFLICT (template_id, version) DO NOTHING;`,
    ];
  });
}
