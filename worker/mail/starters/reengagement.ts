import { band, button, emailDocument, FONT, heading, MUTED, paragraph, row, type StarterTemplate } from './layout';

export const reengagement: StarterTemplate = {
  id: 're-engagement',
  name: 'We miss you',
  category: 'reengagement',
  description: 'Win back quiet subscribers: what changed since they last looked, one button back — and an easy way out.',
  subject: '{{ first_name | default: "Hey" }}, it’s been a while',
  preheader: 'A lot has changed since your last visit. Still interested?',
  html: emailDocument({
    title: 'We miss you',
    rows: [
      band(),
      row(heading('It’s been a while, {{ first_name | default: "friend" }}'), '32px 40px 16px 40px'),
      row(paragraph('We noticed you have not opened our emails for some time. No hard feelings — but in case you missed it, here is what is new:')),
      row(`<ul style="margin:0 0 16px 0;padding:0 0 0 20px;font-family:${FONT};font-size:16px;line-height:26px;" class="fg">
<li>What you improved since their last visit</li>
<li>A new feature or product line</li>
<li>A favourite of other customers</li>
</ul>`),
      row(button('Take a look', 'https://example.com/whats-new'), '0 40px 24px 40px'),
      row(`<p class="muted" style="margin:0;font-family:${FONT};font-size:14px;line-height:22px;color:${MUTED};">Prefer fewer emails? <a href="{{ preferences_url }}" style="color:{{ accent }};">Choose what you get</a>, or <a href="{{ unsubscribe_url }}" style="color:{{ accent }};">unsubscribe</a> with one click.</p>`, '0 40px 32px 40px'),
    ],
  }),
};
