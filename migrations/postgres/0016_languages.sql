-- Buyer-facing languages: each tenant's default and the languages its
-- pages offer; each sign-up remembers the language it was made in, so the
-- emails and texts that follow speak it too.
ALTER TABLE tenants ADD COLUMN default_language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE tenants ADD COLUMN offered_languages TEXT NOT NULL DEFAULT 'en,es,fr,de,pt-BR,ar';
ALTER TABLE notification_subscriptions ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
