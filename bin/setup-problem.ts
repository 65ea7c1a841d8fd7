/**
 * What an operator's setup got wrong, as one line for the CLI to print before it exits 2: a database that
 * does not exist or is not migrated, a login refused, a service that does not answer. A stack trace is for
 * the hub's own bugs; these are the operator's to fix and the line says how. undefined for anything else.
 * The message names the setting, never its value (DATABASE_URL may carry a password).
 */
export function setupProblem(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, address, port } = error as {
    code?: unknown;
    message?: unknown;
    address?: unknown;
    port?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  switch (code) {
    case '3D000':
      return `${text}: check DATABASE_URL, or create and migrate it with: npm run hub -- migrate`;
    case '42P01':
      return `the database is not migrated (${text}): npm run hub -- migrate`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the login (${text}): check DATABASE_URL`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT': {
      const where = typeof address === 'string' ? `${address}${port === undefined ? '' : `:${port}`}` : text;
      return `nothing answers at ${where} (${code}): is the service up? (DATABASE_URL, AMQP_URL)`;
    }
    default:
      return undefined;
  }
}
