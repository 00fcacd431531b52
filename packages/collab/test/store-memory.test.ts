// The store contract against the in-memory store.
import { MemoryStore } from '../src/index.js';
import { storeContract } from './store-contract.js';

storeContract('memory', { open: async () => new MemoryStore() });
