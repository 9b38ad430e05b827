ALTER TABLE "agent_settings" ADD COLUMN "tools" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_settings" ADD COLUMN "tools_secret" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "needs_human_since" timestamp with time zone;