/** A start-up failure of the embedded PostgreSQL, with a message that says how to fix it. */
export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

/** Another live process owns the data folder. */
export class DataDirInUse extends EmbeddedPostgresError {
  override name = "DataDirInUse";
}
