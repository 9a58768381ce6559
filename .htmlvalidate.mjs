// html-validate's configuration for the built pages (tests/site/html-valid.test.ts; also picked
// up by `npx html-validate dist`). Every rule of the recommended preset is on, except where a
// finding is in markup Starlight or Expressive Code renders and we cannot change; each such
// exception says why.
import { defineConfig } from 'html-validate';

export default defineConfig({
	root: true,
	extends: ['html-validate:recommended'],
	elements: [
		'html5',
		{
			// Expressive Code renders each line of a code block as a <div> inside <code>, and an
			// empty <div> (the icon) inside its copy button. Allow exactly that, instead of turning
			// element-permitted-content off for every element.
			code: { permittedContent: ['@phrasing', 'div'] },
			button: { permittedContent: ['@phrasing', 'div'] },
		},
	],
	rules: {
		// Pure style (<br> or <br />), and mixed in what we cannot change: Astro writes <meta />,
		// Expressive Code <link>, MDX <br />.
		'void-style': 'off',
		// Starlight's skip-link target is id="_top": valid HTML, only the strict (CSS-friendly) form forbids it.
		'valid-id': ['error', { relaxed: true }],
		// Starlight's mobile and desktop tables of contents (only one is visible at a time) are both
		// <nav aria-label="On this page">, and its right-sidebar <aside> has no label.
		'unique-landmark': 'off',
		// Expressive Code's copy button and Starlight's menu button have no type attribute; ours all do.
		'no-implicit-button-type': 'off',
		// Expressive Code's copy button is named by its title attribute only (axe, in the browser
		// tests, accepts that and checks every button's accessible name).
		'text-content': 'off',
	},
});
