import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { Problem } from '../lib/problem';

export const PASSWORD_MIN_LENGTH = 10;
/** PBKDF2 cost grows with length; 128 characters is more than any passphrase needs. */
export const PASSWORD_MAX_LENGTH = 128;
/** zxcvbn score 0–4; 3 means "safely unguessable: moderate protection from offline slow-hash attacks". */
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
function zxcvbn() {
  // Building the dictionaries costs tens of milliseconds: do it once per isolate, on first use.
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return estimator;
}

/**
 * Refuses short, common and pattern-based passwords with a message that says why and how to fix it.
 * `context` are words an attacker would try first: the email, names, the company.
 */
export function assertStrongPassword(password: string, context: string[] = []): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw weak(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw weak(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  const inputs = context.flatMap((c) => c.toLowerCase().split(/[@.\s_-]+/)).filter((w) => w.length >= 3);
  const result = zxcvbn().check(password, inputs);
  if (result.score < MIN_SCORE) {
    const why = result.feedback.warning ?? 'This password would be easy to guess.';
    const how = result.feedback.suggestions.join(' ') || 'Add more words or characters that are not a common pattern.';
    throw weak(`${why} ${how}`.trim());
  }
}

function weak(detail: string) {
  return new Problem('weak-password', detail, { extensions: { errors: [{ field: 'password', message: detail }] } });
}
