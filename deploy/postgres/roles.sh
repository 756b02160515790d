#!/bin/sh
# Creates the PostgreSQL roles and the jobs' database of the deployment, or brings their passwords
# up to date: safe to run on every `docker compose up` (the postgres-roles service does).
#   temporal      may create databases; temporal-schema creates Temporal's two with it
#   durable_cron  owns the jobs' database (durable-cron setup migrates it; workers use it)
# Needs: PGHOST, POSTGRES_PASSWORD (the superuser's), TEMPORAL_DB_PASSWORD, JOBS_DB_PASSWORD.
set -eu
: "${PGHOST:?PGHOST must name the PostgreSQL host}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD (the superuser password) must be set}"
: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set}"
: "${JOBS_DB_PASSWORD:?JOBS_DB_PASSWORD must be set}"
export PGUSER="${PGUSER:-postgres}" PGDATABASE="${PGDATABASE:-postgres}" PGPASSWORD="$POSTGRES_PASSWORD"
TEMPORAL_ROLE="${TEMPORAL_DB_ROLE:-temporal}"
JOBS_ROLE="${JOBS_DB_ROLE:-durable_cron}"
JOBS_DB="${JOBS_DB_NAME:-durable_cron}"

# psql substitutes :'name' (a quoted literal) and :"name" (a quoted identifier); passwords never
# appear on a command line.
psql -v ON_ERROR_STOP=1 -q \
  -v temporal_role="$TEMPORAL_ROLE" -v jobs_role="$JOBS_ROLE" -v jobs_db="$JOBS_DB" \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" -v jobs_password="$JOBS_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'temporal_role')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'temporal_role') \gexec
ALTER ROLE :"temporal_role" WITH LOGIN CREATEDB PASSWORD :'temporal_password';
SELECT format('CREATE ROLE %I LOGIN', :'jobs_role')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'jobs_role') \gexec
ALTER ROLE :"jobs_role" WITH LOGIN NOCREATEDB PASSWORD :'jobs_password';
SELECT format('CREATE DATABASE %I OWNER %I', :'jobs_db', :'jobs_role')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'jobs_db') \gexec
SQL
echo "roles $TEMPORAL_ROLE and $JOBS_ROLE ready; database $JOBS_DB owned by $JOBS_ROLE"
