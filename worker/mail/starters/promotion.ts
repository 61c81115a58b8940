import { ACCENT, band, button, emailDocument, FONT, heading, MUTED, paragraph, row, TEXT, type StarterTemplate } from './layout';

export const promotion: StarterTemplate = {
  id: 'promotion',
  name: 'Seasonal sale',
  category: 'promotion',
  description: 'A bold offer with a coupon code, one clear button and the fine print underneath.',
  subject: '{{ first_name | default: "Friend" }}, 25% off everything ends Sunday',
  preheader: 'Use code SAVE25 at checkout — our biggest sale of the season.',
  html: emailDocument({
    title: 'Our seasonal sale',
    rows: [
      band(),
      row(`<p style="margin:0 0 8px 0;font-family:${FONT};font-size:14px;line-height:20px;font-weight:700;letter-spacing:1px;text-transform:uppercase;color:${ACCENT};">Seasonal sale</p>
${heading('{Save|Take} 25% on everything', 32)}`, '36px 40px 16px 40px'),
      row(paragraph('{{ first_name | default: "Hi there" }}, for one week only everything in our shop is a quarter off. No exceptions, no minimum order.')),
      row(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
<tr>
<td align="center" class="rule" style="padding:20px;border:2px dashed ${ACCENT};border-radius:8px;">
<p class="muted" style="margin:0 0 4px 0;font-family:${FONT};font-size:13px;line-height:18px;color:${MUTED};">Your code</p>
<p class="fg" style="margin:0;font-family:'Courier New',Courier,monospace;font-size:28px;line-height:36px;font-weight:700;letter-spacing:4px;color:${TEXT};">SAVE25</p>
</td>
</tr>
</table>`),
      row(button('Shop the sale', 'https://example.com/shop', { align: 'center' }), '8px 40px 32px 40px'),
      row(paragraph('The offer ends Sunday at midnight. It cannot be combined with other discounts and does not apply to gift cards.', { muted: true, size: 13, margin: '0' }), '0 40px 32px 40px'),
    ],
  }),
};
