/**
 * One line of progress on stderr: redrawn in place on a terminal (at most ten times a second), a plain
 * line every ten percent or five seconds otherwise (a log file or CI keeps every line it is given).
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  let lastAt = 0;
  let lastTenth = -1;
  let last = { share: 0, detail: '' };

  function draw() {
    const percent = `${(last.share * 100).toFixed(tty ? 1 : 0).padStart(tty ? 5 : 3)}%`;
    if (!tty) return stream.write(`${percent} ${last.detail}\n`);
    const width = 30;
    const filled = Math.round(last.share * width);
    stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent} ${last.detail}\x1b[K`);
  }

  return {
    update(done: number, total: number, detail: string) {
      last = { share: total > 0 ? Math.min(1, done / total) : 1, detail };
      const now = Date.now();
      const tenth = Math.floor(last.share * 10);
      const due = tty ? now - lastAt >= 100 : tenth !== lastTenth || now - lastAt >= 5000;
      if (!due) return;
      draw();
      lastAt = now;
      lastTenth = tenth;
    },
    /** The final state, whatever the throttle held back. */
    finish() {
      draw();
      if (tty) stream.write('\n');
    },
  };
}
