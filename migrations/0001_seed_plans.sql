-- Reference data: the plans every tenant is on. Limits can be overridden per tenant later.
INSERT INTO plans (id, name, max_contacts, monthly_emails, daily_emails, max_users, max_domains, api_rate_per_minute, send_rate_per_hour, custom_domains, sort_order) VALUES
  ('free',       'Free',       500,     1000,    200,    1,   0,  60,   50,     0, 0),
  ('starter',    'Starter',    10000,   25000,   5000,   3,   1,  300,  2000,   1, 1),
  ('pro',        'Pro',        100000,  250000,  50000,  10,  5,  1000, 20000,  1, 2),
  ('enterprise', 'Enterprise', 1000000, 5000000, 500000, 100, 50, 1000, 100000, 1, 3);
