/**
 * Starlight's virtual module with its `pagefind` option, as Starlight writes it
 * (integrations/vite-virtual-modules.js: the option's object, `{}` when it is `true` or unset).
 */
declare module 'virtual:starlight/pagefind-config' {
	import type { StarlightUserConfig } from '@astrojs/starlight/types';
	export const pagefindUserConfig: Exclude<NonNullable<StarlightUserConfig['pagefind']>, boolean>;
}
