/**
 * The one teardown style of Kuiper's tests: whatever a test starts registers its own teardown
 * (`onCleanup`), and the steps run after each test, newest first — clients before the servers
 * they talk to. `startKuiper` and `newClient` register themselves; a test file writes no
 * `afterEach` of its own.
 */
import { afterEach } from 'vitest';

/** Collects teardown steps; `run()` executes them newest first and rethrows the first failure. */
export class Cleanup {
  private readonly steps: Array<() => unknown> = [];

  add(step: () => unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}

/**
 * The test file's cleanup. Vitest evaluates the testkit once per test file, while it collects that
 * file, so this `afterEach` belongs to the file's root suite. Steps added in a test (or in a
 * `beforeEach`) run after that test; add nothing from `beforeAll` — that would end at the first test.
 */
export const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Registers a teardown step for the current test. */
export function onCleanup(step: () => unknown): void {
  cleanup.add(step);
}
