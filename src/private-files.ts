/**
 * What Decoy writes on disk (the SQLite database, the secret, the hit journal, reports, exports,
 * certificates) holds personal data and secrets: directories it creates and files it writes are
 * this user's only, whatever the umask. Existing directories and files keep their modes.
 */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;
