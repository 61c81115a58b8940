import { ACCENT, band, button, columns, divider, emailDocument, FONT, heading, MUTED, paragraph, row, subheading, type StarterTemplate } from './layout';

const story = (kicker: string, title: string, body: string, link: string) => `<p class="muted" style="margin:0 0 6px 0;font-family:${FONT};font-size:12px;line-height:16px;font-weight:700;letter-spacing:1px;text-transform:uppercase;color:${MUTED};">${kicker}</p>
${subheading(title)}
${paragraph(body, { size: 15, margin: '0 0 8px 0' })}
<a href="${link}" style="font-family:${FONT};font-size:15px;line-height:22px;font-weight:700;color:${ACCENT};text-decoration:none;">Read more →</a>`;

export const newsletter: StarterTemplate = {
  id: 'newsletter',
  name: 'Monthly newsletter',
  category: 'newsletter',
  description: 'A lead story with a button, two shorter stories side by side (stacked on phones) and a sign-off.',
  subject: '{{ tenant.name }} — what’s new this month',
  preheader: 'Our top story, two quick reads and what’s coming next.',
  html: emailDocument({
    title: '{{ tenant.name }} newsletter',
    rows: [
      band(),
      row(`<p class="muted" style="margin:0 0 8px 0;font-family:${FONT};font-size:13px;line-height:20px;color:${MUTED};">The monthly newsletter</p>
${heading('This month at {{ tenant.name }}')}`, '32px 40px 16px 40px'),
      row(paragraph('{Hi|Hello} {{ first_name | default: "there" }}, here is what we have been working on — and a few things we think you will like.')),
      row(`${subheading('Our top story')}
${paragraph('Tell the one story your readers should not miss this month. Two or three sentences are enough: what happened, why it matters to them, and what they can do next.')}
${button('Read the story', 'https://example.com/blog')}`),
      divider(),
      row(columns(
        story('Product', 'A smaller thing we shipped', 'One or two sentences about an improvement people asked for.', 'https://example.com/changelog'),
        story('Community', 'From our customers', 'A short story or quote from someone who uses your product.', 'https://example.com/stories'),
      ), '0 40px 8px 40px'),
      divider(),
      row(paragraph('Thanks for reading,<br>The {{ tenant.name }} team', { margin: '0' }), '0 40px 32px 40px'),
    ],
  }),
};
