import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { actorOf } from '../domain/audit';
import { fileTooLarge, importFile, saveUpload, startContactImport } from '../domain/contact-import';
import { CONTACT_TARGETS } from '../domain/import-mapping';
import { MAX_IMPORT_BYTES } from '../domain/import-files';
import { Problem, validationProblem } from '../lib/problem';
import type { App, AppEnv } from '../types';
import { scopeOf } from './context';
import { defineRoute } from './define';
import { JobView, jobView } from './jobs';
import { Problem as ProblemSchema, errors, json } from './schemas';

const Target = z
  .string()
  .regex(new RegExp(`^(${CONTACT_TARGETS.join('|')}|custom\\.[a-z][a-z0-9_]{0,39})$`), `must be one of ${CONTACT_TARGETS.join(', ')} or custom.<field key>`)
  .openapi({ example: 'first_name' });
const Mapping = z
  .record(z.string().max(200), Target.nullable())
  .refine((m) => Object.keys(m).length <= 500, 'at most 500 columns')
  .openapi({ description: 'Column header → contact field (null ignores the column); overrides the suggested mapping for the headers given.', example: { 'E-Mail': 'email', Vorname: 'first_name', Notes: null } });
const ImportOptions = z
  .object({
    mapping: Mapping.optional(),
    existing: z.enum(['update', 'skip']).default('skip').openapi({ description: 'What to do with addresses that are contacts already: update their fields (never their status) or skip them.' }),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).optional().openapi({ description: 'Tags every imported contact gets, besides those of a tags column.' }),
    list_ids: z.array(z.string().min(3).max(64)).max(50).optional().openapi({ description: 'Lists the imported contacts join (contacts that cannot be mailed are not added).' }),
    consent_source: z.string().trim().min(1).max(100).optional().openapi({ description: "Recorded as the consent source of created contacts; default 'import'." }),
  })
  .strict();
const ImportBody = ImportOptions.extend({ upload_id: z.string().min(3).max(64).openapi({ example: 'upl_01hx…' }) }).strict();

const Upload = z
  .object({
    upload_id: z.string(),
    filename: z.string(),
    bytes: z.number().int(),
    format: z.enum(['csv', 'xlsx']),
    delimiter: z.enum([',', ';', '\t']).nullable(),
    encoding: z.string().nullable().openapi({ example: 'utf-8-bom' }),
    headers: z.array(z.string()),
    sample_rows: z.array(z.array(z.string())).openapi({ description: 'The first five data rows, one cell per header.' }),
    suggested_mapping: z.record(z.string(), Target.nullable()),
    rows_estimate: z.number().int().nullable(),
  })
  .openapi('ImportUpload');

const FileField = { type: 'string', format: 'binary', description: `CSV (comma, semicolon or tab; UTF-8, UTF-16 or windows-1252) or XLSX (first worksheet), at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB` } as const;
const tooLarge = { description: 'The file is larger than 50 MB', content: { 'application/problem+json': { schema: ProblemSchema } } };

const tags = ['Contacts'];
const routes = {
  upload: defineRoute({
    method: 'post', path: '/v1/contacts/import/uploads', access: 'contacts:write', tags,
    summary: 'Upload a CSV or XLSX file to import: returns its columns, first rows and a suggested mapping',
    request: { body: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: FileField } } } } } },
    responses: { 201: json(Upload, 'Stored; import it with POST /v1/contacts/import'), 400: errors[400], 403: errors[403], 413: tooLarge, 415: errors[415] },
  }),
  start: defineRoute({
    method: 'post', path: '/v1/contacts/import', access: 'contacts:write', tags,
    summary: 'Import an upload (or, as multipart/form-data, a file in one go) as a background job',
    request: {
      body: {
        // Either content type; the route's content-type check makes one of them required.
        required: false,
        content: {
          'application/json': { schema: ImportBody },
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['file'],
              properties: {
                file: FileField,
                mapping: { type: 'string', description: 'The mapping as a JSON object' },
                existing: { type: 'string', enum: ['update', 'skip'] },
                tags: { type: 'array', items: { type: 'string' }, description: 'Repeated fields, or one comma-separated field' },
                list_ids: { type: 'array', items: { type: 'string' } },
                consent_source: { type: 'string' },
              },
            },
          },
        },
      },
    },
    responses: { 202: json(JobView, 'Started: poll GET /v1/jobs/{id}'), 400: errors[400], 403: errors[403], 404: errors[404], 409: errors[409], 413: tooLarge, 415: errors[415] },
  }),
};

async function formOf(c: Context<AppEnv>) {
  try {
    return await c.req.raw.formData();
  } catch {
    throw new Problem('validation-error', 'The body is not valid multipart/form-data.');
  }
}

function fileOf(form: FormData): File {
  const file = form.get('file');
  if (!(file instanceof File)) throw validationProblem([{ field: 'file', message: 'attach the CSV or XLSX file as the form field "file"' }]);
  if (file.size > MAX_IMPORT_BYTES) throw fileTooLarge();
  return file;
}

/** Form fields as the JSON body would have them: lists as repeated fields, one comma-separated field or a JSON array; the mapping as JSON. */
function formOptions(form: FormData) {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const parseJson = (name: string, value: string) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw validationProblem([{ field: name, message: 'is not valid JSON' }]);
    }
  };
  const list = (name: string) => {
    const values = form.getAll(name).filter((v): v is string => typeof v === 'string');
    if (values.length === 1 && values[0]!.trim().startsWith('[')) return parseJson(name, values[0]!);
    const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    return items.length ? items : undefined;
  };
  const mapping = text('mapping');
  const parsed = ImportOptions.safeParse({
    mapping: mapping === undefined ? undefined : parseJson('mapping', mapping),
    existing: text('existing'),
    tags: list('tags'),
    list_ids: list('list_ids'),
    consent_source: text('consent_source'),
  });
  if (!parsed.success) throw validationProblem(parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'body', message: i.message })));
  return parsed.data;
}

const isMultipart = (c: Context<AppEnv>) => (c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');

export function registerContactImport(app: App) {
  app.openapi(routes.upload, async (c) => c.json(await saveUpload(c.env, scopeOf(c), fileOf(await formOf(c))), 201));
  app.openapi(routes.start, async (c) => {
    const scope = scopeOf(c);
    const p = c.get('principal');
    const [actor, createdBy] = [actorOf(p), p.kind === 'user' ? p.userId : null];
    let job;
    if (isMultipart(c)) {
      const form = await formOf(c);
      job = await importFile(c.env, scope, fileOf(form), formOptions(form), actor, createdBy);
    } else {
      // Validated by the route's JSON schema; the input type of a body with two content types is not inferred.
      job = await startContactImport(c.env, scope, c.req.valid('json' as never) as z.infer<typeof ImportBody>, actor, createdBy);
    }
    return c.json(jobView(job), 202);
  });
}
