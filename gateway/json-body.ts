import type { FastifyInstance } from 'fastify';
import { HubError } from '../schemas/errors.js';

/** Thrown by the reviver: the body parsed, but names a key that could reach a prototype. */
class PoisonedKey extends Error {}

/**
 * Arrays and objects nested deeper than this are refused: no command of the hub nests past a handful, and
 * recursive code (canonical JSON, the reviver) would overflow the stack at a few thousand levels.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in `text` (brackets inside strings do not count). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Parses a JSON body as fastify's own parser does (prototype poisoning refused), but tells the two
 * refusals apart: fastify answers "Body is not valid JSON" for a valid body with a `__proto__` key.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new HubError('VALIDATION_FAILED', 'the body is empty; send a JSON object');
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw new HubError(
      'VALIDATION_FAILED',
      `the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  try {
    // A key can only be `__proto__` or `constructor` if the text holds that word or a \u escape (JSON
    // escapes nothing else in them): without either, the reviver could refuse nothing, and JSON.parse
    // without one is several times faster (the reviver cost ~35 µs of the event loop a transfer).
    if (!text.includes('__proto__') && !text.includes('constructor') && !text.includes('\\u'))
      return JSON.parse(text);
    // JSON.parse defines `__proto__` as an own property (no pollution here); later code that copies or
    // merges the object could still pollute a prototype, so the key is refused as fastify refuses it.
    return JSON.parse(text, (key, value) => {
      if (key === '__proto__') throw new PoisonedKey('__proto__');
      if (
        key === 'constructor' &&
        value !== null &&
        typeof value === 'object' &&
        Object.hasOwn(value, 'prototype')
      )
        throw new PoisonedKey('constructor.prototype');
      return value;
    });
  } catch (error) {
    if (error instanceof PoisonedKey)
      throw new HubError('JSON_KEY_REFUSED', undefined, { key: error.message });
    throw new HubError('VALIDATION_FAILED', 'the body is not valid JSON');
  }
}

export function registerJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      // A route that takes no body (an ack, say) takes an empty one too: clients often send the JSON
      // content type on every request.
      if ((body as string).length === 0 && !request.routeOptions.schema?.body) return done(null, undefined);
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
