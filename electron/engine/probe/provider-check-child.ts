/**
 * Entry of the child process that tries each execution provider. A provider's native code may
 * print to stderr or abort outright; in a child neither reaches the user's terminal or process.
 */
import { checkProviders } from './providers.js';

const statuses = await checkProviders();
process.stdout.write(JSON.stringify(statuses));
