/** The setting that names the port a listen failure is about. */
export type ListenPlace = { host: string; port: number; setting: 'PORT' | 'WORKERS_HEALTH_PORT' };

/**
 * What an operator can cause when a process listens — the port taken, a port this user may not open, a
 * HOST that is not this machine's — as one line that says what to change; undefined for anything else.
 */
export function listenFailure(error: unknown, { host, port, setting }: ListenPlace): string | undefined {
  const where = `cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return `${where}: another process listens there; stop it, or set ${setting} to a free port`;
    case 'EACCES':
      return `${where}: this user may not open that port (below 1024 needs privileges); set ${setting} to another`;
    case 'EADDRNOTAVAIL':
      return `${where}: ${host} is not an address of this machine; set HOST`;
    default:
      return undefined;
  }
}

/**
 * Listens; when that fails for a reason `listenFailure` names, prints it (no stack trace), stops what the
 * process had started (within `timeoutMs`: a broker that does not answer must not hold the exit) and exits
 * 1. Any other failure is thrown as it is.
 */
export async function listenOrExit<T>(
  listen: () => Promise<T>,
  place: ListenPlace,
  stop: () => Promise<unknown>,
  timeoutMs: number,
): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const reason = listenFailure(error, place);
    if (!reason) throw error;
    console.error(reason);
    // A signal that arrives meanwhile shares `stop` (once) and exits with this code, not 0.
    process.exitCode = 1;
    await Promise.race([
      stop().catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
    process.exit(1);
  }
}
