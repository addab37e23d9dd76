/**
 * A progress bar on stderr: redrawn in place on a terminal, a line every 10 % otherwise
 * (so a log file stays short).
 */

/** A running progress bar. */
export interface ProgressBar {
  /** Adds `n` units done. */
  tick(n: number): void;
  /** Draws the final state and ends the line. */
  done(): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Starts a bar for `total` units named `unit`, labelled `label`. */
export function progressBar(label: string, total: number, unit: string): ProgressBar {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  const width = 30;
  let done = 0;
  let lastDecile = -1;
  let lastDraw = 0;
  const line = () => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const secs = (performance.now() - started) / 1000;
    const filled = Math.round(frac * width);
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 && done < total ? ` · ETA ${((total - done) / rate).toFixed(0)} s` : '';
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)} % ${fmt(done)}/${fmt(total)} ${unit} · ${secs.toFixed(1)} s · ${fmt(rate)}/s${eta}`;
  };
  const draw = (final: boolean) => {
    if (tty) {
      const now = performance.now();
      if (!final && now - lastDraw < 100) return;
      lastDraw = now;
      process.stderr.write(`\r\x1b[2K${line()}${final ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((done / Math.max(1, total)) * 10);
    if ((final && lastDecile < 10) || decile > lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${line()}\n`);
    }
  };
  draw(false);
  return {
    tick(n) {
      done += n;
      draw(false);
    },
    done() {
      draw(true);
    },
  };
}
