import { ACCENT, band, button, detailsTable, emailDocument, FONT, heading, paragraph, row, type StarterTemplate } from './layout';

export const eventInvitation: StarterTemplate = {
  id: 'event-invitation',
  name: 'Event invitation',
  category: 'event',
  description: 'Invite people to an event or webinar: what, when and where at a glance, a button to register.',
  subject: '{{ first_name | default: "You" }}, you’re invited: our spring meetup',
  preheader: 'Thursday, 14 May at 18:00 — talks, demos and drinks. Seats are limited.',
  html: emailDocument({
    title: 'You are invited',
    rows: [
      band(),
      row(`<p style="margin:0 0 8px 0;font-family:${FONT};font-size:14px;line-height:20px;font-weight:700;letter-spacing:1px;text-transform:uppercase;color:${ACCENT};">You are invited</p>
${heading('Spring meetup at {{ tenant.name }}')}`, '32px 40px 16px 40px'),
      row(paragraph('{Hi|Hello} {{ first_name | default: "there" }}, join us for an evening of short talks, live demos and good conversation with people who do what you do.')),
      row(detailsTable([
        ['Date', 'Thursday, 14 May'],
        ['Time', '18:00 – 21:00'],
        ['Place', 'Our office, 1 Example Street'],
        ['Price', 'Free'],
      ])),
      row(button('Reserve your seat', 'https://example.com/event'), '8px 40px 16px 40px'),
      row(paragraph('Can’t make it? <a href="https://example.com/event/recording" style="color:{{ accent }};">Get the recording</a> instead.', { muted: true, size: 14, margin: '0' }), '0 40px 32px 40px'),
    ],
  }),
};
