import { describe, expect, test } from 'vitest';
import { emailDocument, insertAt, parseRecipients, previewDocument } from './template-draft';

describe('insertAt', () => {
  test('replaces the selection and puts the caret after the inserted text', () => {
    expect(insertAt('Hello world', 6, 11, '{{ contact.first_name }}')).toEqual({ value: 'Hello {{ contact.first_name }}', caret: 30 });
  });

  test('inserts at a collapsed caret, and clamps positions outside the text to its ends', () => {
    expect(insertAt('Hi !', 3, 3, 'Ada')).toEqual({ value: 'Hi Ada!', caret: 6 });
    expect(insertAt('Hi', 99, 120, ' there')).toEqual({ value: 'Hi there', caret: 8 });
    expect(insertAt('Hi', -5, -1, '> ')).toEqual({ value: '> Hi', caret: 2 });
  });
});

describe('previewDocument', () => {
  const DARK = '<meta name="color-scheme" content="dark"><style>:root{color-scheme:dark}</style>';

  test('leaves HTML without colour-scheme queries untouched in light mode', () => {
    const html = '<html><head><title>x</title></head><body>Hi</body></html>';
    expect(previewDocument(html, { dark: false })).toBe(html);
  });

  test('puts the dark colour-scheme hints first in the head, whatever its attributes', () => {
    expect(previewDocument('<!doctype html><HTML><HEAD lang="en"><title>x</title></HEAD><body>Hi</body></HTML>', { dark: true })).toBe(
      `<!doctype html><HTML><HEAD lang="en">${DARK}<title>x</title></HEAD><body>Hi</body></HTML>`,
    );
  });

  test('adds a head when the document has none, and prefixes a fragment', () => {
    expect(previewDocument('<html lang="en"><body>Hi</body></html>', { dark: true })).toBe(`<html lang="en"><head>${DARK}</head><body>Hi</body></html>`);
    expect(previewDocument('<p>Hi</p>', { dark: true })).toBe(`${DARK}<p>Hi</p>`);
  });

  test("answers the template's colour-scheme queries for the scheme previewed, not the viewer's", () => {
    const css = '<style>@media (prefers-color-scheme: dark) { a { color: white } } @media (prefers-color-scheme:LIGHT) { a { color: black } }</style>';
    expect(previewDocument(css, { dark: false })).toBe('<style>@media (max-width: 0px) { a { color: white } } @media (min-width: 0px) { a { color: black } }</style>');
    expect(previewDocument(css, { dark: true })).toBe(
      `${DARK}<style>@media (min-width: 0px) { a { color: white } } @media (max-width: 0px) { a { color: black } }</style>`,
    );
  });

  test('is not fooled by a <header> element', () => {
    expect(previewDocument('<header>Top</header><p>Hi</p>', { dark: true })).toBe(`${DARK}<header>Top</header><p>Hi</p>`);
  });
});

describe('emailDocument', () => {
  test('wraps exported body content in a whole document with charset and viewport', () => {
    const doc = emailDocument('<table><tr><td style="color:red">Hi</td></tr></table>');
    expect(doc).toMatch(/^<!DOCTYPE html>/);
    expect(doc).toContain('<meta charset="utf-8">');
    expect(doc).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(doc).toContain('<body><table><tr><td style="color:red">Hi</td></tr></table></body>');
  });

  test('keeps a body element the export already has, with its attributes', () => {
    const doc = emailDocument('<body style="margin:0"><p>Hi</p></body>');
    expect(doc).toContain('<body style="margin:0"><p>Hi</p></body>');
    expect(doc.match(/<body/g)).toHaveLength(1);
  });

  test('leaves a whole document as it is', () => {
    const doc = '<html><body>Hi</body></html>';
    expect(emailDocument(doc)).toBe(doc);
  });
});

describe('parseRecipients', () => {
  test('splits on commas, semicolons and whitespace, dropping blanks and repeats (any case)', () => {
    expect(parseRecipients(' ada@example.com,\nBob@example.com; bob@EXAMPLE.com  carol@example.com,, ')).toEqual([
      'ada@example.com',
      'Bob@example.com',
      'carol@example.com',
    ]);
  });

  test('keeps more than the limit, so the API can say what is wrong', () => {
    expect(parseRecipients('a@x.io b@x.io c@x.io d@x.io e@x.io f@x.io')).toHaveLength(6);
  });
});
