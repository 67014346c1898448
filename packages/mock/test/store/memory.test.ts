import { MemoryStore } from '../../src/sandbox/store/memory.js';
import { storeContract } from './contract.js';

storeContract('memory store', async (timings, limits) => new MemoryStore(timings, limits));
