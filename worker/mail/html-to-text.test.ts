import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-to-text';

describe('plain text from email HTML', () => {
  it('keeps headings and paragraphs apart and breaks lines at <br>', () => {
    expect(htmlToText('<h1>Title</h1><p>First   paragraph,\n wrapped.</p><p>Line one<br>Line two</p>')).toBe('Title\n\nFirst paragraph, wrapped.\n\nLine one\nLine two');
  });

  it('writes lists with bullets and numbers, nested lists indented', () => {
    expect(htmlToText('<ul><li>One</li><li>Two<ul><li>Two A</li></ul></li></ul><ol><li>First</li><li>Second</li></ol>')).toBe('- One\n- Two\n  - Two A\n\n1. First\n2. Second');
  });

  it('writes links as text (url), once when the text is the url, and image alt text', () => {
    expect(htmlToText('<p><a href="https://x.example/a">Read more</a> · <a href="https://x.example">https://x.example</a> · <a href="mailto:hi@x.example">hi@x.example</a> · <a href="#top">Top</a></p>')).toBe(
      'Read more (https://x.example/a) · https://x.example · hi@x.example · Top',
    );
    expect(htmlToText('<a href="https://x.example/shop"><img src="b.png" alt="Shop now"></a><img src="spacer.gif" alt="">')).toBe('Shop now (https://x.example/shop)');
  });

  it('reads tables row by row', () => {
    expect(htmlToText('<table><tr><td>Item</td><td>€10.00</td></tr><tr><td>Total</td><td>€12.00</td></tr></table>')).toBe('Item €10.00\nTotal €12.00');
  });

  it('skips the head, styles, scripts, hidden preheaders and Outlook-only markup', () => {
    const html = '<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body><div style="display: none; max-height:0">Preheader</div><!--[if mso]><p>Outlook only</p><![endif]--><p>Visible</p></body></html>';
    expect(htmlToText(html)).toBe('Visible');
  });

  it('decodes entities and keeps Liquid for the merge that follows', () => {
    expect(htmlToText('<p>Hi {{ first_name | default: "there" }} &amp; welcome&nbsp;back</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>')).toBe(
      'Hi {{ first_name | default: "there" }} & welcome back\n\nUnsubscribe ({{ unsubscribe_url }})',
    );
  });
});
