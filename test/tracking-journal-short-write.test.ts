/**
 * The hit journal when the disk cuts a write short: a real short write, made by the kernel (a
 * file size limit set on the process with prlimit, the way a full disk or quota ends a write
 * part-way), in a child process so that the limit is its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

const hasPrlimit = (() => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

it.skipIf(!hasPrlimit)('a batch whose write fails part-way leaves nothing in the file: the next batches are read back whole, now and at recovery', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'decoy-journal-short-'));
  try {
    const script = path.join(dir, 'child.mjs');
    writeFileSync(
      script,
      `
      import { execFileSync } from 'node:child_process';
      import { readFileSync } from 'node:fs';
      const { HitJournal, journalLine, parseJournal } = await import(${JSON.stringify(path.resolve('src/core/tracking/journal.ts'))});
      // With a handler, the kernel's SIGXFSZ does not end the process: the write fails with EFBIG.
      process.on('SIGXFSZ', () => {});
      const j = new HitJournal(${JSON.stringify(path.join(dir, 'journal'))});
      j.append(journalLine(1, 0, ['first']));
      const before = j.size;
      // From here on no file of this process may grow past 2,000 bytes.
      execFileSync('prlimit', ['--pid', String(process.pid), '--fsize=2000:2000']);
      let failed = '';
      try {
        j.append(journalLine(2, 0, ['x'.repeat(5000)]));
      } catch (err) {
        failed = err.code;
      }
      const afterFailure = readFileSync(j.file).length;
      const start = j.size;
      j.append(journalLine(3, 0, ['third']));
      const text = readFileSync(j.file, 'utf8');
      console.log(JSON.stringify({ failed, before, afterFailure, start, size: j.size, fileSize: Buffer.byteLength(text), range: text.slice(start, j.size), seqs: parseJournal(text).map((l) => l.seq) }));
      `,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(r.failed).toBe('EFBIG');
    // What the failed write left was cut off again.
    expect(r.afterFailure).toBe(r.before);
    expect(r.start).toBe(r.before);
    expect(r.fileSize).toBe(r.size);
    expect(JSON.parse(r.range)).toEqual([3, 0, 'third']);
    expect(r.seqs).toEqual([1, 3]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
