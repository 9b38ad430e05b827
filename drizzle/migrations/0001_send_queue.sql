ALTER TABLE "wa_sent_messages" ALTER COLUMN "state" SET DEFAULT 'queued';--> statement-breakpoint
ALTER TABLE "wa_sent_messages" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "wa_sent_messages" ADD COLUMN "text" text;--> statement-breakpoint
ALTER TABLE "wa_sent_messages" ADD COLUMN "typing" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "wa_sent_messages" ADD COLUMN "error" text;--> statement-breakpoint
CREATE INDEX "wa_sent_messages_queued_idx" ON "wa_sent_messages" USING btree ("session_id","seq") WHERE "wa_sent_messages"."state" = 'queued';