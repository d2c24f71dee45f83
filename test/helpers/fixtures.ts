import path from 'node:path';

/** shared/ lies beside the checkout, for developers and for CI alike. */
export const timmVitFixtures = path.resolve(__dirname, '../../../shared/fixtures/timm-vit');
