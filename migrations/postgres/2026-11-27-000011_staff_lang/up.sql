-- The language a staff member reads the desk in: their reminders,
-- escalations and account emails are written in it. Set when the account
-- is made and again at each sign-in, from the language of the page.
ALTER TABLE staff_users ADD COLUMN lang TEXT NOT NULL DEFAULT 'ko';
