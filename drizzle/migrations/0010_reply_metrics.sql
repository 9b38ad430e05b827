ALTER TABLE "messages" ADD COLUMN "compose_ms" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "handed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_reply_metrics" ON "messages" USING btree ("created_at") WHERE "messages"."reply_to" is not null and "messages"."part" = 0;