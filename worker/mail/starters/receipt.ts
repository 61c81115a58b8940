import { detailsTable, divider, emailDocument, FONT, heading, MUTED, paragraph, row, RULE, TEXT, type StarterTemplate } from './layout';

const line = (item: string, detail: string, amount: string) => `<tr>
<td class="rule" style="padding:12px 0;border-bottom:1px solid ${RULE};">
<p class="fg" style="margin:0;font-family:${FONT};font-size:15px;line-height:22px;font-weight:600;color:${TEXT};">${item}</p>
<p class="muted" style="margin:0;font-family:${FONT};font-size:13px;line-height:20px;color:${MUTED};">${detail}</p>
</td>
<td class="fg rule" align="right" valign="top" style="padding:12px 0;border-bottom:1px solid ${RULE};font-family:${FONT};font-size:15px;line-height:22px;color:${TEXT};">${amount}</td>
</tr>`;

export const receipt: StarterTemplate = {
  id: 'receipt',
  name: 'Receipt',
  category: 'transactional',
  description: 'A clean order receipt: order number, line items, totals and where to get help. No marketing.',
  subject: 'Your receipt from {{ tenant.name }} — order #10042',
  preheader: 'Thanks for your order. Here is your receipt for your records.',
  html: emailDocument({
    title: 'Your receipt',
    rows: [
      row(`<p class="muted" style="margin:0 0 8px 0;font-family:${FONT};font-size:13px;line-height:20px;color:${MUTED};">Order #10042 · 12 March</p>
${heading('Thanks for your order', 26)}`, '32px 40px 16px 40px'),
      row(paragraph('{{ first_name | default: "Hello" }}, we have received your payment. Keep this email for your records.')),
      row(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${line('Annual plan', 'Billed yearly, renews on 12 March next year', '€120.00')}
${line('Extra seats × 2', '€12.00 each', '€24.00')}
</table>`, '0 40px 8px 40px'),
      row(detailsTable([
        ['Subtotal', '€144.00'],
        ['VAT (19%)', '€27.36'],
      ]), '0 40px 0 40px'),
      row(detailsTable([['Total paid', '€171.36']], { bold: true }), '0 40px 24px 40px'),
      divider(),
      row(paragraph('Paid with Visa ending in 4242. Questions about this charge? Reply to this email or write to <a href="mailto:billing@example.com" style="color:{{ accent }};">billing@example.com</a>.', { muted: true, size: 14, margin: '0' }), '0 40px 32px 40px'),
    ],
  }),
};
