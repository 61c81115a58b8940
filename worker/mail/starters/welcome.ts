import { band, button, emailDocument, heading, markedList, paragraph, row, type StarterTemplate } from './layout';

export const welcome: StarterTemplate = {
  id: 'welcome',
  name: 'Welcome',
  category: 'welcome',
  description: 'A warm first email: a personal greeting, three first steps and one button to get started.',
  subject: 'Welcome to {{ tenant.name }}, {{ first_name | default: "friend" }}!',
  preheader: 'Three quick steps to get the most out of your first week.',
  html: emailDocument({
    title: 'Welcome to {{ tenant.name }}',
    rows: [
      band(),
      row(heading('Welcome aboard, {{ first_name | default: "friend" }}!'), '32px 40px 16px 40px'),
      row(paragraph('We are glad you are here. These three steps take about five minutes and make everything after them easier.')),
      row(markedList([
        { marker: '1', title: 'Complete your profile', body: 'Tell us a little about yourself so we can tailor what we send you.' },
        { marker: '2', title: 'Explore the basics', body: 'A short tour of the things most people use every day.' },
        { marker: '3', title: 'Say hello', body: 'Reply to this email with any question — a real person reads every answer.' },
      ], 'outlined')),
      row(button('Get started', 'https://example.com/start'), '0 40px 32px 40px'),
      row(paragraph('Welcome,<br>The {{ tenant.name }} team', { margin: '0' }), '0 40px 32px 40px'),
    ],
  }),
};
