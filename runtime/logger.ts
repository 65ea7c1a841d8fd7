import pino, { type Logger } from 'pino';

/**
 * Personal data (names, ID numbers, case facts) never reaches the logs: bodies are not logged, and these
 * paths are censored wherever an object carrying them is logged by mistake.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  '*.caseTeam',
  '*.caseSummary',
  '*.name',
  '*.idNumber',
  '*.facts',
  'submission',
  'payload',
  'envelope.payload',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
