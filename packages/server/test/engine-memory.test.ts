// The engine contract against the in-memory engine (the default).
import { MemoryEngine } from '../src/engines/memory.js';
import { engineContract } from './engine-contract.js';
import { lifecycleContract } from './engine-lifecycle-contract.js';

engineContract('memory', () => new MemoryEngine(), { overflowNotice: true });
lifecycleContract('memory', () => new MemoryEngine());
