// Filled in by the testkit work (issue 10).
export {};
