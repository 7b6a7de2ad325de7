import { memoryBackend } from '@streamweave/state';
import { backendConformance } from '../../test/backendConformance.js';

backendConformance('memory', () => memoryBackend());
