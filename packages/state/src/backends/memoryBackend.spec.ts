import { memoryBackend } from '@streamweave/state';
import { backendConformance } from '../../test/backendConformance';

backendConformance('memory', () => memoryBackend());
