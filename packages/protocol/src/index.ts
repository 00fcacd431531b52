// Filled in by the protocol-package work (issue 10).
export {};
