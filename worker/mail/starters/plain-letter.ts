import { emailDocument, paragraph, row, type StarterTemplate } from './layout';

export const plainLetter: StarterTemplate = {
  id: 'plain-letter',
  name: 'Plain letter',
  category: 'plain',
  description: 'Looks like a personal email: no banner, no buttons, just well-set text. Often the best performer.',
  subject: 'A quick note from {{ tenant.name }}',
  preheader: 'Just a few lines — no images, no fuss.',
  html: emailDocument({
    title: 'A note from {{ tenant.name }}',
    card: false,
    rows: [
      row(paragraph('{Hi|Hello} {{ first_name | default: "there" }},'), '8px 8px 0 8px'),
      row(paragraph('Write this the way you would write to one person. Say why you are writing, what you think they will find useful, and what you would like them to do — in that order.'), '0 8px 0 8px'),
      row(paragraph('Short paragraphs read best. Links work too, <a href="https://example.com" style="color:{{ accent }};">like this one</a>.'), '0 8px 0 8px'),
      row(paragraph('If you have a question, just reply — it comes straight to us.'), '0 8px 0 8px'),
      row(paragraph('Best,<br>The {{ tenant.name }} team', { margin: '0' }), '0 8px 24px 8px'),
    ],
  }),
};
