// The client tests' teardown is the testkit's: steps registered during a test run after it, newest
// first. Kept so files that import it from here need no change.
export { onCleanup } from '@kuiper/testkit';
