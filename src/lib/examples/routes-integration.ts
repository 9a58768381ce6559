import type { AstroIntegration } from 'astro';

/** Adds the per-example routes: the example's page, its lab sheet, the index of examples, the index of exercises, the sandbox request JSON and the folder zip. */
export function exampleRoutes(): AstroIntegration {
	return {
		name: 'netcourse:example-routes',
		hooks: {
			'astro:config:setup': ({ injectRoute }) => {
				injectRoute({ pattern: '/sandbox/[name].json', entrypoint: './src/routes/sandbox-request.ts', prerender: true });
				injectRoute({ pattern: '/examples/', entrypoint: './src/routes/examples-index.astro', prerender: true });
				injectRoute({ pattern: '/exercises/', entrypoint: './src/routes/exercises-index.astro', prerender: true });
				injectRoute({ pattern: '/examples/[name]/', entrypoint: './src/routes/example-page.astro', prerender: true });
				injectRoute({ pattern: '/examples/[name]/lab/', entrypoint: './src/routes/lab-sheet.astro', prerender: true });
				injectRoute({ pattern: '/examples/[name].zip', entrypoint: './src/routes/example-zip.ts', prerender: true });
			},
		},
	};
}
