import { band, button, emailDocument, heading, markedList, paragraph, row, type StarterTemplate } from './layout';

export const announcement: StarterTemplate = {
  id: 'announcement',
  name: 'Product announcement',
  category: 'announcement',
  description: 'Introduce something new: a headline, three highlights with check marks and a button to try it.',
  subject: 'Introducing something new from {{ tenant.name }}',
  preheader: 'Three things it does for you — and how to try it today.',
  html: emailDocument({
    title: 'A new announcement',
    rows: [
      band(),
      row(heading('Say hello to our newest feature'), '32px 40px 16px 40px'),
      row(paragraph('{{ first_name | default: "Hi" }}, we built this because you asked for it. Here is what changes for you, starting today.')),
      row(markedList([
        { marker: '✓', title: 'Faster', body: 'Describe the first benefit in a sentence or two.' },
        { marker: '✓', title: 'Simpler', body: 'Describe the second benefit: what people no longer have to do.' },
        { marker: '✓', title: 'Yours', body: 'Describe the third benefit, or how it fits the way people already work.' },
      ], 'filled')),
      row(button('Try it now', 'https://example.com/new'), '0 40px 32px 40px'),
    ],
  }),
};
