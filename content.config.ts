import { defineCollection } from 'astro:content';
import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { examplesLoader } from './src/lib/examples/loader.ts';
import { exampleEntrySchema } from './src/lib/examples/schema.ts';

// With srcDir './' (see astro.config.mjs) this file sits at the project root and
// docsLoader() reads the top-level content/docs/ folder, i18nLoader() content/i18n/.
export const collections = {
	docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
	// Starlight reads its UI strings' overrides from here. content/i18n/en.json overrides none
	// (Starlight's English stands); it exists because Astro warns about a collection with no entry.
	i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
	examples: defineCollection({ loader: examplesLoader(), schema: exampleEntrySchema }),
};
