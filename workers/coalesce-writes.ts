import type { ChannelModel } from 'amqplib';

const COALESCED = Symbol('hub.coalesced');
type Muxer = { _readIncoming(): void; [COALESCED]?: true };
type Internals = { connection?: { muxer?: Muxer; stream?: { cork(): void; uncork(): void } } };

/** Whether `coalesceWrites` took hold of this connection (tests hold the hub's connections to it). */
export function isCoalesced(model: ChannelModel): boolean {
  return (model as unknown as Internals).connection?.muxer?.[COALESCED] === true;
}

/**
 * amqplib writes each frame it has queued to the socket on its own (a publish of a message over 2 KB is
 * two writes), so a relay batch of N messages cost 2N system calls. Corking the socket while amqplib's
 * multiplexer empties its queues makes them a few writevs (the multiplexer pauses at the socket's 16 KB
 * high-water mark and resumes on 'drain'). Returns whether the internals were found (a
 * test holds amqplib to it; the hub warns when they are not, and package.json pins amqplib's version).
 * Connection-level frames (heartbeats, close) go to the socket directly and are never corked; the cork
 * lasts one synchronous pass, so nothing waits for a later turn.
 */
export function coalesceWrites(model: ChannelModel): boolean {
  const connection = (model as unknown as Internals).connection;
  const muxer = connection?.muxer;
  const socket = connection?.stream;
  if (!muxer || typeof muxer._readIncoming !== 'function' || !socket || typeof socket.cork !== 'function')
    return false;
  if (muxer[COALESCED]) return true;
  const readIncoming = muxer._readIncoming.bind(muxer);
  muxer._readIncoming = () => {
    socket.cork();
    try {
      readIncoming();
    } finally {
      socket.uncork();
    }
  };
  muxer[COALESCED] = true;
  return true;
}
