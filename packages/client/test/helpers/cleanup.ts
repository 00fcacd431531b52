/** Collects teardown steps in a test file and runs them after each test, last first. */
import { afterEach } from 'vitest';

const steps: (() => unknown)[] = [];

export function onCleanup(step: () => unknown): void {
  steps.push(step);
}

afterEach(async () => {
  while (steps.length > 0) {
    const step = steps.pop();
    await step?.();
  }
});
