import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CONTACTS_XLSX, EXCEL_WINDOWS_1252_CSV, MESSY_UTF8_BOM_CSV, TAB_DELIMITED_CSV, fixtureBytes } from '../../test/fixtures/imports/fixtures';
import { Problem } from '../lib/problem';
import { detectDelimiter, detectEncoding, detectFormat, headerNames, previewFile, readRows, type FileLayout, type SheetRow } from './import-files';

const blob = (data: Uint8Array | string) => new Blob([typeof data === 'string' ? data : new Uint8Array(data)]);

/** Reads a whole file the way the import job does (streamed), with the layout its preview found. */
async function rowsOf(bytes: Uint8Array | string, layout?: FileLayout) {
  const found = layout ?? (await previewFile(blob(bytes)));
  const rows: SheetRow[] = [];
  await readRows(blob(bytes).stream(), found, async (batch) => {
    rows.push(...batch);
  });
  return rows;
}

const csv = (delimiter: FileLayout['delimiter'], encoding: FileLayout['encoding'] = 'utf-8'): FileLayout => ({ format: 'csv', delimiter, encoding });

describe('delimiter detection', () => {
  it('tells comma, semicolon and tab apart, even with the others inside quoted cells', () => {
    expect(detectDelimiter('email,name\na@x.com,"Doe; Jane"\nb@x.com,Bo')).toBe(',');
    expect(detectDelimiter('email;name;city\na@x.com;"Doe, Jane";Köln\nb@x.com;Bo;Bonn')).toBe(';');
    expect(detectDelimiter('email\tname\na@x.com\tJane, Doe\nb@x.com\tBo')).toBe('\t');
  });

  it('falls back to a comma for a single column', () => {
    expect(detectDelimiter('email\na@x.com\nb@x.com')).toBe(',');
  });
});

describe('encoding detection', () => {
  it('recognizes byte order marks', async () => {
    expect(await detectEncoding(blob(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])))).toBe('utf-8-bom');
    expect(await detectEncoding(blob(new Uint8Array([0xff, 0xfe, 0x61, 0x00])))).toBe('utf-16le');
    expect(await detectEncoding(blob(new Uint8Array([0xfe, 0xff, 0x00, 0x61])))).toBe('utf-16be');
  });

  it('takes valid UTF-8 as UTF-8 and anything else as windows-1252 (Excel on Windows)', async () => {
    expect(await detectEncoding(blob('email,name\nz@x.com,Zoë'))).toBe('utf-8');
    expect(await detectEncoding(blob(fixtureBytes(EXCEL_WINDOWS_1252_CSV)))).toBe('windows-1252');
  });

  it('finds invalid UTF-8 far into a large file, and a multi-byte character split across read chunks is fine', async () => {
    const line = 'someone@example.com,Zoë Ünal\n';
    const valid = line.repeat(40_000);
    expect(await detectEncoding(blob(valid))).toBe('utf-8');
    expect(await detectEncoding(new Blob([valid, new Uint8Array([0x52, 0xe9, 0x0a])]))).toBe('windows-1252');
  });
});

describe('format detection', () => {
  it('refuses legacy .xls and binary files with advice instead of garbage rows', () => {
    expect(() => detectFormat(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1]))).toThrow(/\.xlsx or CSV/);
    expect(() => detectFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]))).toThrow(Problem);
    expect(detectFormat(fixtureBytes(CONTACTS_XLSX))).toBe('xlsx');
    expect(detectFormat(strToU8('email\nada@example.com'))).toBe('csv');
  });
});

describe('header names', () => {
  it('are trimmed, blank ones named after their column, repeats numbered, trailing blanks dropped', () => {
    expect(headerNames([' Email ', '', 'Name', 'name', 'Email', '', ''])).toEqual(['Email', 'Column B', 'Name', 'name (2)', 'Email (2)']);
  });
});

describe('CSV files', () => {
  it('a UTF-8 file with BOM, semicolons, CRLF, a quoted line break, blank lines and trailing delimiters', async () => {
    const bytes = fixtureBytes(MESSY_UTF8_BOM_CSV);
    const preview = await previewFile(blob(bytes));
    expect(preview).toMatchObject({ format: 'csv', delimiter: ';', encoding: 'utf-8-bom', rowsEstimate: 7 });
    // The BOM is not part of the first header.
    expect(preview.headers).toEqual(['E-Mail-Adresse', 'Vorname', 'Nachname', 'Firma', 'Tags']);
    expect(preview.sampleRows[0]!.slice(0, 4)).toEqual(['anna@example.com', 'Anna', 'Schmidt', 'ACME\r\nGmbH']);
    const rows = await rowsOf(bytes);
    // Row numbers as a spreadsheet shows them: the quoted line break stays in row 2, the blank row 3 counts.
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4, 5, 6, 7, 8, 9]);
    expect(rows[2]!.cells[0]).toBe('  Bernd@Example.COM ');
    expect(rows[5]!.cells[0]).toBe('=HYPERLINK("http://evil.example","click")');
  });

  it('a windows-1252 export from Excel keeps its accents and curly apostrophes', async () => {
    const rows = await rowsOf(fixtureBytes(EXCEL_WINDOWS_1252_CSV));
    expect(rows[0]!.cells).toEqual(['Courriel', 'Prénom', 'Nom', 'Société', 'Ville']);
    expect(rows.map((r) => r.cells[1])).toEqual(['Prénom', 'René', 'Zoë', 'Jürgen', 'Conor']);
    expect(rows[2]!.cells[3]).toBe('Café "Le Zéphyr"');
    expect(rows[4]!.cells[2]).toBe('O’Brien');
  });

  it('a tab-delimited file with LF line ends and blank lines at the end', async () => {
    const preview = await previewFile(blob(fixtureBytes(TAB_DELIMITED_CSV)));
    expect(preview).toMatchObject({ delimiter: '\t', encoding: 'utf-8', headers: ['Email Address', 'First Name', 'Surname', 'Organisation', 'Score'], rowsEstimate: 2 });
    expect(preview.sampleRows[1]).toEqual(['alan@example.com', 'Alan', 'Turing', 'Bletchley\tPark', '10']);
  });

  it('UTF-16 "Unicode text" from Excel', async () => {
    const text = 'email\tname\r\nzoe@example.com\tZoë\r\n';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) bytes[2 + i * 2] = text.charCodeAt(i);
    const rows = await rowsOf(bytes);
    expect(rows.map((r) => r.cells)).toEqual([['email', 'name'], ['zoe@example.com', 'Zoë']]);
  });

  it('streams a large file in batches with row numbers right across chunk boundaries', async () => {
    const lines = ['email,note'];
    for (let i = 0; i < 20_000; i++) lines.push(i % 1000 === 0 ? `p${i}@example.com,"multi\nline ""quoted"" note"` : i % 777 === 0 ? '' : `p${i}@example.com,Zoë ${i}`);
    const rows = await rowsOf(lines.join('\n'), csv(','));
    const data = rows.slice(1);
    expect(data.length).toBe(20_000 - Math.floor(19_999 / 777) - 1 + 1);
    expect(data.every((r) => r.line === Number(/^p(\d+)@/.exec(r.cells[0]!)![1]) + 2)).toBe(true);
    expect(data.find((r) => r.cells[0] === 'p5000@example.com')!.cells[1]).toBe('multi\nline "quoted" note');
  });

  it('estimates the rows of a file larger than the sample', async () => {
    const text = ['email,name', ...Array.from({ length: 30_000 }, (_, i) => `person${i}@example.com,Name ${i}`)].join('\n');
    const preview = await previewFile(blob(text));
    expect(preview.rowsEstimate).toBeGreaterThan(27_000);
    expect(preview.rowsEstimate).toBeLessThan(33_000);
    expect(preview.sampleRows).toHaveLength(5);
  });

  it('refuses an empty file and one with nothing but blank lines', async () => {
    await expect(previewFile(blob(''))).rejects.toThrow(/empty/);
    await expect(previewFile(blob('\n\n  \n'))).rejects.toThrow(/header/);
  });
});

describe('XLSX files', () => {
  it('reads the first worksheet: shared and rich-text strings, numbers, booleans, dates, formula results, skipped cells', async () => {
    const bytes = fixtureBytes(CONTACTS_XLSX);
    const preview = await previewFile(blob(bytes));
    expect(preview).toMatchObject({ format: 'xlsx', delimiter: null, encoding: null, rowsEstimate: 4 });
    expect(preview.headers).toEqual(['Email', 'First Name', 'Last Name', 'Company', 'Score', 'VIP', 'Birthday', 'Tags', 'Greeting']);
    const rows = await rowsOf(bytes);
    expect(rows[1]).toEqual({ line: 2, cells: ['ada@example.com', 'Ada', 'Lovelace', 'Analytical Engines', '42', 'true', '1990-12-10', 'vip, math', 'Ada Lovelace'] });
    expect(rows[2]!.cells.slice(4, 7)).toEqual(['7.5', 'false', '1986-12-09']);
    // C4 and B4 were never written: the cell references put "Linux Foundation" in column D.
    expect(rows[3]).toEqual({ line: 4, cells: ['linus@example.com', '', '', 'Linux Foundation', '', '', '', 'kernel'] });
    expect(rows.flatMap((r) => r.cells)).not.toContain('ignored@example.com');
  });

  it('reads inline strings, namespace prefixes, entities, phonetic guides and a first sheet that is not sheet1.xml', async () => {
    const part = (xml: string) => strToU8(`<?xml version="1.0" encoding="UTF-8"?>${xml}`);
    const zip = zipSync({
      'xl/workbook.xml': part('<x:workbook xmlns:x="main" xmlns:r="rel"><x:sheets><x:sheet name="Export" sheetId="7" r:id="rId2"/><x:sheet name="Old" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'),
      'xl/_rels/workbook.xml.rels': part('<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="/xl/worksheets/export.xml"/></Relationships>'),
      'xl/sharedStrings.xml': part('<x:sst><x:si><x:t>名前</x:t><x:rPh sb="0" eb="2"><x:t>ナマエ</x:t></x:rPh></x:si></x:sst>'),
      'xl/worksheets/sheet1.xml': part('<x:worksheet><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>wrong sheet</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>'),
      'xl/worksheets/export.xml': part(
        '<x:worksheet><x:sheetData>' +
          '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>E-mail</x:t></x:is></x:c><x:c r="B1" t="s"><x:v>0</x:v></x:c></x:row>' +
          '<x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t xml:space="preserve"> tom&amp;jerry@example.com </x:t></x:is></x:c><x:c r="C3" t="inlineStr"><x:is><x:r><x:t>Line_x000D_</x:t></x:r><x:r><x:t>&#10;two &lt;b&gt;</x:t></x:r></x:is></x:c></x:row>' +
          '<x:row r="4"/>' +
          '</x:sheetData></x:worksheet>',
      ),
    });
    const rows = await rowsOf(zip, { format: 'xlsx', delimiter: null, encoding: null });
    expect(rows).toEqual([
      { line: 1, cells: ['E-mail', '名前'] },
      { line: 3, cells: [' tom&jerry@example.com ', '', 'Line\r\ntwo <b>'] },
    ]);
  });

  it('refuses a ZIP that is not a workbook and a damaged one', async () => {
    await expect(previewFile(blob(zipSync({ 'readme.txt': strToU8('hi') })))).rejects.toThrow(/not an Excel workbook/);
    await expect(previewFile(blob(fixtureBytes(CONTACTS_XLSX).slice(0, 2000)))).rejects.toThrow(/damaged/);
  });
});
