-- Hand-written (drizzle cannot express these): accent-free stemming for the knowledge base's search.
-- unaccent and pg_trgm are on Neon, in PGlite and in PostgreSQL's contrib; the configurations are
-- the stock portuguese and english ones with accents removed before stemming, so "entrega",
-- "entregam" and "Entregámos" meet, and so do "cartao" and "cartão".
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION knowledge_pt (COPY = portuguese);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION knowledge_pt ALTER MAPPING FOR hword, hword_part, word WITH unaccent, portuguese_stem;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION knowledge_en (COPY = english);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION knowledge_en ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;--> statement-breakpoint
CREATE TABLE "knowledge_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"source_type" text NOT NULL,
	"text" text NOT NULL,
	"chunks" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_passages" (
	"document_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"search_text" text NOT NULL,
	"tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('knowledge_pt'::regconfig, search_text) || to_tsvector('knowledge_en'::regconfig, search_text)) STORED NOT NULL,
	"embedding" real[],
	CONSTRAINT "knowledge_passages_document_id_position_pk" PRIMARY KEY("document_id","position")
);
--> statement-breakpoint
ALTER TABLE "knowledge_passages" ADD CONSTRAINT "knowledge_passages_document_id_knowledge_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."knowledge_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "knowledge_documents_recent" ON "knowledge_documents" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);