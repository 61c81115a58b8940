import type { SegmentGroup } from './api-types';
import { field } from './form-action.server';

/** The segment as the builder posted it: the rules travel as JSON in one hidden field. */
export function submittedSegment(form: FormData): { name: string; description: string | null; rules: SegmentGroup } {
  let rules: SegmentGroup;
  try {
    rules = JSON.parse(field(form, 'rules')) as SegmentGroup;
  } catch {
    throw new Response('The conditions could not be read. Reload the page and try again.', { status: 400 });
  }
  return { name: field(form, 'name'), description: field(form, 'description') || null, rules };
}
