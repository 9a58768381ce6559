// @ts-check
// Expressive Code's options live here rather than in astro.config.mjs because they hold
// functions: Starlight's `<Code>` component loads this file in the built site's bundle too.
import { createRenderer, defineEcConfig } from '@astrojs/starlight/expressive-code';
import { lineAnchorsPlugin } from './src/lib/examples/line-anchors.ts';
import { tokenClassesPlugin } from './src/lib/build/token-classes.ts';
import { withoutScrollTabindex } from './src/lib/build/drop-scroll-tabindex.ts';

// `astro dev` writes no token stylesheet (src/lib/build/finish-built-site-integration.ts runs after a
// build), so there tokens keep their style attributes.
const tokenClasses = process.env.NODE_ENV === 'production' ? [tokenClassesPlugin()] : [];

export default defineEcConfig({
	// Wrapped code never scrolls sideways on a phone, so there is nothing to reach by keyboard
	// and no unlabelled scroll region per code block (axe: landmark-unique).
	// A wrapped line goes on two columns further in than it started (plus its own indentation),
	// so its continuation never lines up like a statement of its own (course.css marks it too).
	defaultProps: { wrap: true, hangingIndent: 2 },
	// Shiki's WebAssembly (Oniguruma) engine: the same highlighting as its JavaScript
	// RegExp engine for our languages, and now that example code is highlighted once and
	// cached, the faster one (rebuilds 8.2-9.0 s against 9.4-10.3 s, cold 11.8 s against
	// 13.1 s): what remains is compiling grammars, which is cheap in WebAssembly.
	shiki: {
		engine: 'oniguruma',
		// Shiki stops tokenizing a line after 500 ms and leaves the rest plain; on a busy machine a
		// line that compiles a grammar's patterns crossed that, and the same code came out coloured
		// differently from one build to the next. No limit: our code has no pathological lines.
		transformers: [{ name: 'netcourse:no-tokenize-time-limit', preprocess: (_code, options) => void (options.tokenizeTimeLimit = 0) }],
	},
	// Our plugins are added here, not in `plugins`, so that they come after astro-expressive-code's
	// own (the last of `options.plugins`), whose stylesheet link the token stylesheet's follows.
	customCreateRenderer: async (options) =>
		withoutScrollTabindex(await createRenderer({ ...options, plugins: [...(options.plugins ?? []), lineAnchorsPlugin(), ...tokenClasses] })),
});
