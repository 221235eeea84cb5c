-- The tables pekko-persistence-jdbc reads and writes, with the column names of its default
-- configuration. Every statement can run again on an existing database. H2 keeps a table's rows
-- in a B-tree keyed by its primary key when that is one BIGINT column, so "ordering" is the
-- primary key and (persistence_id, sequence_number) a unique constraint: every insert writes two
-- B-trees. The plugin's own script (composite primary key, "ordering" unique, and a second unique
-- index on it) writes four.
CREATE TABLE IF NOT EXISTS PUBLIC."event_journal" (
  "ordering" BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  "deleted" BOOLEAN DEFAULT false NOT NULL,
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "writer" VARCHAR NOT NULL,
  "write_timestamp" BIGINT NOT NULL,
  "adapter_manifest" VARCHAR NOT NULL,
  "event_payload" BLOB NOT NULL,
  "event_ser_id" INTEGER NOT NULL,
  "event_ser_manifest" VARCHAR NOT NULL,
  "meta_payload" BLOB,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  CONSTRAINT "event_journal_persistence_id_sequence_number" UNIQUE ("persistence_id", "sequence_number")
);
CREATE TABLE IF NOT EXISTS PUBLIC."event_tag" (
  "event_id" BIGINT NOT NULL,
  "tag" VARCHAR NOT NULL,
  PRIMARY KEY ("event_id", "tag"),
  CONSTRAINT "fk_event_journal" FOREIGN KEY ("event_id") REFERENCES PUBLIC."event_journal" ("ordering") ON DELETE CASCADE
);
-- pekko-persistence-jdbc reads events by tag with a join that H2 starts from "event_tag": without
-- this index each poll of each projection reads every tagged row; with it, only the rows of its tag.
CREATE INDEX IF NOT EXISTS "event_tag_tag" ON PUBLIC."event_tag" ("tag", "event_id");
CREATE TABLE IF NOT EXISTS PUBLIC."snapshot" (
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "created" BIGINT NOT NULL,
  "snapshot_ser_id" INTEGER NOT NULL,
  "snapshot_ser_manifest" VARCHAR NOT NULL,
  "snapshot_payload" BLOB NOT NULL,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  "meta_payload" BLOB,
  PRIMARY KEY ("persistence_id", "sequence_number")
);
-- Projection offsets, as pekko-projection-jdbc's H2 dialect reads them (lower-case names). A
-- projection's read model is written in the same transaction as its offset, so both live here.
-- Pekko's own script adds an index on "projection_name"; the primary key starts with it.
CREATE TABLE IF NOT EXISTS PUBLIC."pekko_projection_offset_store" (
  "projection_name" VARCHAR(255) NOT NULL,
  "projection_key" VARCHAR(255) NOT NULL,
  "current_offset" VARCHAR(255) NOT NULL,
  "manifest" VARCHAR(4) NOT NULL,
  "mergeable" BOOLEAN NOT NULL,
  "last_updated" BIGINT NOT NULL,
  PRIMARY KEY ("projection_name", "projection_key")
);
CREATE TABLE IF NOT EXISTS PUBLIC."pekko_projection_management" (
  "projection_name" VARCHAR(255) NOT NULL,
  "projection_key" VARCHAR(255) NOT NULL,
  "paused" BOOLEAN NOT NULL,
  "last_updated" BIGINT NOT NULL,
  PRIMARY KEY ("projection_name", "projection_key")
);
-- Read model of io.cairn.stream.StreamDirectory: every stream, for search.
CREATE TABLE IF NOT EXISTS PUBLIC."stream_directory" (
  "stream_id" VARCHAR(255) NOT NULL PRIMARY KEY,
  "owner" VARCHAR(42) NOT NULL,
  "description" VARCHAR NOT NULL,
  "deleted" BOOLEAN NOT NULL
);
CREATE INDEX IF NOT EXISTS "stream_directory_owner" ON PUBLIC."stream_directory" ("owner", "stream_id");
-- Read model of io.cairn.stream.PartitionIndex: the chain positions each page of a partition's
-- events holds, to find the first event of a resend without reading the pages before it. The
-- two tables of its first form, a row per event, are dropped.
DROP TABLE IF EXISTS PUBLIC."partition_index";
DROP TABLE IF EXISTS PUBLIC."partition_index_progress";
CREATE TABLE IF NOT EXISTS PUBLIC."partition_index_page" (
  "stream_partition" VARCHAR(255) NOT NULL,
  "first_sequence_nr" BIGINT NOT NULL,
  "last_sequence_nr" BIGINT NOT NULL,
  "lowest_timestamp" BIGINT NOT NULL,
  "lowest_sequence_number" INTEGER NOT NULL,
  "highest_timestamp" BIGINT NOT NULL,
  "highest_sequence_number" INTEGER NOT NULL,
  PRIMARY KEY ("stream_partition", "last_sequence_nr")
);
-- Read model of io.cairn.pinning.PinningJobDirectory: each pinning job's supporter, for a
-- supporter's list of jobs.
CREATE TABLE IF NOT EXISTS PUBLIC."pin_job_directory" (
  "job_id" VARCHAR(66) NOT NULL PRIMARY KEY,
  "supporter" VARCHAR(42) NOT NULL,
  "requested_at_ms" BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS "pin_job_directory_supporter" ON PUBLIC."pin_job_directory" ("supporter", "requested_at_ms");

-- Read model of io.cairn.pinning.ProviderDirectory: the registered providers selection draws from.
CREATE TABLE IF NOT EXISTS PUBLIC."pin_provider_directory" (
  "address" VARCHAR(42) NOT NULL PRIMARY KEY,
  "roles" VARCHAR(64) NOT NULL,
  "capacity_bytes" BIGINT NOT NULL,
  "operator" VARCHAR(255) NOT NULL,
  "region" VARCHAR(255) NOT NULL,
  "active" BOOLEAN NOT NULL
);
-- The provider's status (ACTIVE, OFFLINE, EXITED or DISQUALIFIED); "active" says whether it takes new work.
-- Added after the table, so databases made before get it too.
ALTER TABLE PUBLIC."pin_provider_directory" ADD COLUMN IF NOT EXISTS "status" VARCHAR(16) DEFAULT 'ACTIVE' NOT NULL;
-- The provider's scores (io.cairn.pinning.Reputation.Scores) as its last judgement left them:
-- what selection weighs it by. A new provider starts at 1 and is not vetted.
ALTER TABLE PUBLIC."pin_provider_directory" ADD COLUMN IF NOT EXISTS "storage_score" DOUBLE PRECISION DEFAULT 1 NOT NULL;
ALTER TABLE PUBLIC."pin_provider_directory" ADD COLUMN IF NOT EXISTS "performance" DOUBLE PRECISION DEFAULT 1 NOT NULL;
ALTER TABLE PUBLIC."pin_provider_directory" ADD COLUMN IF NOT EXISTS "attesting_score" DOUBLE PRECISION DEFAULT 1 NOT NULL;
ALTER TABLE PUBLIC."pin_provider_directory" ADD COLUMN IF NOT EXISTS "vetted" BOOLEAN DEFAULT FALSE NOT NULL;
-- Read model of io.cairn.pinning.PinningJobDirectory: which jobs each provider has a part in, for
-- an agent's tasks.
CREATE TABLE IF NOT EXISTS PUBLIC."pin_provider_jobs" (
  "provider" VARCHAR(42) NOT NULL,
  "job_id" VARCHAR(66) NOT NULL,
  PRIMARY KEY ("provider", "job_id")
);
-- Read model of io.cairn.pinning.ReplicaEarnings: where each replica's current earning period
-- stands (periods counted from its acceptance), and whether it is over (faulted or retired).
CREATE TABLE IF NOT EXISTS PUBLIC."pin_replica_earnings" (
  "replica" VARCHAR(80) NOT NULL PRIMARY KEY,
  "job_id" VARCHAR(66) NOT NULL,
  "slot" INT NOT NULL,
  "hoster" VARCHAR(42) NOT NULL,
  "witness" VARCHAR(42) NOT NULL,
  "accepted_at_ms" BIGINT NOT NULL,
  "period_no" BIGINT NOT NULL,
  "period_passed" INT NOT NULL,
  "period_misses" INT NOT NULL,
  "period_failed" BOOLEAN NOT NULL,
  "closed" BOOLEAN NOT NULL
);
CREATE INDEX IF NOT EXISTS "pin_replica_earnings_job" ON PUBLIC."pin_replica_earnings" ("job_id");
-- What pinning owes and paid (io.cairn.pinning.Settlements): one row per replica period, seal fee
-- and job close, written with the projection's offset and paid through the ledger in seq order.
-- state: DUE, SETTLED, REFUSED (the ledger said no: reason) or UNEARNED (a period that failed).
CREATE TABLE IF NOT EXISTS PUBLIC."pin_settlements" (
  "seq" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  "settlement_id" VARCHAR(66) NOT NULL UNIQUE,
  "job_id" VARCHAR(66) NOT NULL,
  "slot" INT NOT NULL,
  "kind" VARCHAR(8) NOT NULL,
  "period_no" BIGINT NOT NULL,
  "fraction_ppm" INT NOT NULL,
  "payee" VARCHAR(42) NOT NULL,
  "state" VARCHAR(12) NOT NULL,
  "paid" NUMERIC(78, 0) NOT NULL,
  "held" NUMERIC(78, 0) NOT NULL,
  "burned" NUMERIC(78, 0) NOT NULL,
  "reason" VARCHAR(512) NOT NULL,
  "at_ms" BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS "pin_settlements_due" ON PUBLIC."pin_settlements" ("state", "seq");
CREATE INDEX IF NOT EXISTS "pin_settlements_job" ON PUBLIC."pin_settlements" ("job_id");
-- Read model of io.cairn.pinning.ServiceCheckDirectory: the service check open on each replica and
-- its attester, for the attester's tasks.
CREATE TABLE IF NOT EXISTS PUBLIC."pin_service_checks" (
  "entity_id" VARCHAR(80) NOT NULL PRIMARY KEY,
  "attester" VARCHAR(42) NOT NULL
);
CREATE INDEX IF NOT EXISTS "pin_service_checks_attester_idx" ON PUBLIC."pin_service_checks" ("attester");
