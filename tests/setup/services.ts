import 'vitest';

export type Services = { databaseUrl: string; amqpUrl: string; managementUrl: string; templateDb: string };

declare module 'vitest' {
  export interface ProvidedContext {
    services: Services;
  }
}

export const LOCAL_DEFAULTS = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
  managementUrl: 'http://guest:guest@127.0.0.1:15672',
};

export { adminQuery, withDatabase } from '../../db/connection.js';
