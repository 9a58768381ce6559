import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection } from 'astro:content';
import type { ExampleEntry } from '../lib/examples/schema.ts';
import { sandboxRequest } from '../lib/sandbox/project.ts';

/** `/sandbox/<name>.json`: the project a "Run in sandbox" click sends to StackBlitz. */
export const getStaticPaths = (async () => {
	const examples = await getCollection('examples', (entry) => entry.data.sandbox);
	return examples.map((entry) => ({ params: { name: entry.id }, props: { example: entry.data } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ example: ExampleEntry }> = ({ props }) =>
	new Response(JSON.stringify(sandboxRequest(props.example)), {
		headers: { 'Content-Type': 'application/json; charset=utf-8' },
	});
