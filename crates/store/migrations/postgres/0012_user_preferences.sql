-- Each user's interface language (`es` or `en`), chosen on their account page.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'es';
