// The app's timestamps are `timestamp(3)` without time zone, written by Prisma in UTC.
// node-postgres reads and writes those in the process's local zone by default; the bench
// compares instants, so it pins both directions to UTC. Imported once, for its effect.
import pg from "pg";

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;
pg.types.setTypeParser(TIMESTAMP_WITHOUT_TIME_ZONE, (value) => new Date(`${value.replace(" ", "T")}Z`));
pg.defaults.parseInputDatesAsUTC = true;
