ALTER TABLE "wa_sessions" ADD COLUMN "lease_owner_url" text;
