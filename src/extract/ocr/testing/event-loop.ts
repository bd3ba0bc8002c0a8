import { Worker } from 'node:worker_threads';

/**
 * How freely this thread's event loop turned while some work ran, counted in ticks rather
 * than milliseconds, so a loaded machine does not change the answer. A metronome in a thread
 * of its own ticks every millisecond; a timer in this thread does the same. While this thread
 * is free the two counts grow alike; while it is blocked only the metronome's grows.
 */
export class LoopWatch {
  private readonly beats = new Int32Array(new SharedArrayBuffer(4));
  private readonly metronome: Worker;
  private loop = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.metronome = new Worker(
      "const { workerData } = require('node:worker_threads'); const beats = new Int32Array(workerData); setInterval(() => Atomics.add(beats, 0, 1), 1);",
      { eval: true, workerData: this.beats.buffer },
    );
    this.timer = setInterval(() => { this.loop++; }, 1);
  }

  /** Runs `work`, and says how many times this thread's timer fired per metronome beat meanwhile (1: never held up). */
  async measure<T>(work: () => Promise<T>): Promise<{ result: T; loopTicks: number; beats: number; share: number }> {
    const loopBefore = this.loop, beatsBefore = Atomics.load(this.beats, 0);
    const result = await work();
    const loopTicks = this.loop - loopBefore, beats = Atomics.load(this.beats, 0) - beatsBefore;
    return { result, loopTicks, beats, share: beats > 0 ? loopTicks / beats : 1 };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.metronome.terminate();
  }
}
