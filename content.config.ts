import { defineCollection } from 'astro:content';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { examplesLoader } from './src/lib/examples/loader.ts';
import { exampleEntrySchema } from './src/lib/examples/schema.ts';

// With srcDir './' (see astro.config.mjs) this file sits at the project root and
// docsLoader() reads the top-level content/docs/ folder.
export const collections = {
	docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
	examples: defineCollection({ loader: examplesLoader(), schema: exampleEntrySchema }),
};
