ALTER TABLE "wa_sessions" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "wa_sessions" ADD COLUMN "added_at" timestamp with time zone;