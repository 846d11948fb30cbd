const DATABASE = `Database (default: DATABASE_URL if set, else TIDELOG_DB, else ./data/tidelog.sqlite):
  --db FILE             a SQLite file
  --database-url URL    PostgreSQL, e.g. postgres://user@host:5432/db
  --schema NAME         the PostgreSQL schema (default: TIDELOG_PG_SCHEMA or "tidelog")`;

const EXITS = `Exit codes: 0 ok, 1 bad data (a fault found, a file refused), 2 usage, 3 database error.`;

/** `--help` of each command, and of the CLI. */
export const HELP = {
  main: `tidelog: tools for a Tidelog server's event log

Usage: tidelog <command> [options]

Commands:
  export   write a space's events as JSONL to stdout, with a checksum line
  import   append a JSONL export from stdin to a space (idempotent)
  verify   check a database (or an export file) for gaps, version breaks, repeated ids
  stats    spaces, events, streams, head and size
  dead-letters   list consumers' dead letters, or ask for a retry of one

Run "tidelog <command> --help" for its options.
${EXITS}`,
  export: `Usage: tidelog export --space S [--after N] [database options]

Writes the events of space S after position N (default 0) to stdout, one JSON envelope
per line in position order, then {"checksum":"sha256:<hex>","events":<n>}: the SHA-256 of
every byte before that line ("head -n -1 file | sha256sum" prints the same hex).
Progress goes to stderr.

${DATABASE}
${EXITS}`,
  import: `Usage: tidelog import --space S [database options] < file.jsonl

Appends an export's events to space S, keeping their positions. The whole file is checked
first (checksum, positions without gaps, versions, ids); a file that fails, or that does
not continue the space (the space holds other events at its positions), is refused and
nothing is written. Events the space already holds are skipped, so importing twice is
harmless. A SQLite file is created if missing. Import into a space nobody writes to.

${DATABASE}
${EXITS}`,
  verify: `Usage: tidelog verify [--space S] [database options]
       tidelog verify --file FILE     (an export file; "-" reads stdin)

Checks that positions run 1, 2, 3 … without a gap, each stream's versions run 1, 2, 3 …,
and no id appears twice, in space S or in every space; an export file is also checked
against its checksum line. Names the first bad position (and line, for a file).

${DATABASE}
${EXITS}`,
  stats: `Usage: tidelog stats [--json] [database options]

Prints each space's events, streams and head, and the database's size on disk.

${DATABASE}
${EXITS}`,
  'dead-letters': `Usage: tidelog dead-letters [--consumer NAME] [--json] [database options]
       tidelog dead-letters --retry ID [database options]

Lists the batches consumers parked after their handler kept failing (id, consumer, space,
positions, attempts, last error), or marks dead letter ID for a retry: the process that
drives its consumer hands the batch to the handler again and, if it succeeds, deletes it.
Exit code 1 when there is no such dead letter.

${DATABASE}
${EXITS}`,
} as const;
