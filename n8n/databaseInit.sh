# The `n8n-database` container's script (n8n/database.ts): runs in n8n's image before n8n starts,
# and n8n starts only if it exits 0 (ECS `dependsOn` condition SUCCESS).
#
# 1. n8n's database and role (n8n/databaseSetup.js, passed as $1; its argument names the step).
# 2. Once, for a stack that ran n8n on SQLite in its EFS data directory: n8n's own commands copy
#    every entity (workflows, credentials still encrypted with N8N_ENCRYPTION_KEY, users, projects,
#    variables, tags, data tables) into PostgreSQL: `export:entities` reads the SQLite database
#    (DB_TYPE=sqlite, DB_SQLITE_DATABASE defaults to database.sqlite in the n8n folder) and
#    `import:entities` writes to the database this task's environment names, in one transaction,
#    and only into empty tables (n8n 2.41.1 packages/cli/src/commands/export/entities.ts,
#    commands/import/entities.ts, services/import.service.ts `importEntities`). Execution history is
#    left out (export:entities' default). Either command exits 1 on an error (base-command.ts
#    `finally`), which stops this script (`set -e`) before anything is marked done, so n8n never
#    starts on a half-moved database and the next start tries again. database.sqlite is read, never
#    changed: it stays as the way back.
set -eu
node -e "$1" setup
data="${N8N_USER_FOLDER:-/home/node}/.n8n"
work="$data/pluto-postgres-migration"
if [ -f "$data/database.sqlite" ] && [ ! -f "$work/done" ]; then
  echo "pluto: moving n8n's data from $data/database.sqlite to PostgreSQL"
  rm -rf "$work"
  mkdir -p "$work"
  DB_TYPE=sqlite n8n export:entities --outputDir="$work/export"
  # Any database command migrates n8n's schema first (base-command.ts `init`); listing is harmless.
  n8n list:workflow > /dev/null
  # n8n's migrations seed roles, scopes, settings and a shell owner, and import:entities skips
  # every table, exiting 0, unless all are empty ("Not all tables are empty, skipping import",
  # import.service.ts): so it must truncate. It may only where nobody's data is yet.
  held="$(node -e "$1" holds-data)"
  if [ "$held" = "yes" ]; then
    echo "pluto: n8n's PostgreSQL database already holds workflows, credentials or users: not moving $data/database.sqlite again"
  else
    node -e "$1" defer-foreign-keys
    n8n import:entities --inputDir="$work/export" --truncateTables=true --skipTogglingForeignKeyConstraints=true
    node -e "$1" restore-foreign-keys
    [ "$(node -e "$1" holds-data)" = "yes" ] || { echo "pluto: n8n's import left PostgreSQL without data; n8n is not started" >&2; exit 1; }
  fi
  date -u '+%Y-%m-%dT%H:%M:%SZ' > "$work/done"
  echo "pluto: n8n's data is in PostgreSQL; database.sqlite is kept unchanged"
fi
