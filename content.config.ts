import { defineCollection } from 'astro:content';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';

// With srcDir './' (see astro.config.mjs) this file sits at the project root and
// docsLoader() reads the top-level content/docs/ folder.
export const collections = {
	docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
};
