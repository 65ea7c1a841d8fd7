import type { ChannelModel } from 'amqplib';

type Muxer = { _readIncoming(): void };
type Internals = { connection?: { muxer?: Muxer; stream?: { cork(): void; uncork(): void } } };

/**
 * amqplib writes each frame it has queued to the socket on its own (a publish of a message over 2 KB is
 * two writes), so a relay batch of N messages cost 2N system calls. Corking the socket while amqplib's
 * multiplexer empties its queues makes each turn one writev. Returns whether the internals were found (a
 * test holds amqplib to it).
 */
export function coalesceWrites(model: ChannelModel): boolean {
  const connection = (model as unknown as Internals).connection;
  const muxer = connection?.muxer;
  const socket = connection?.stream;
  if (!muxer || typeof muxer._readIncoming !== 'function' || !socket || typeof socket.cork !== 'function')
    return false;
  const readIncoming = muxer._readIncoming.bind(muxer);
  muxer._readIncoming = () => {
    socket.cork();
    try {
      readIncoming();
    } finally {
      socket.uncork();
    }
  };
  return true;
}
