import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection } from 'astro:content';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { ExampleEntry } from '../lib/examples/schema.ts';

/** `/examples/<name>.zip`: the example folder, to run on your own machine with `npm start`. */
export const getStaticPaths = (async () => {
	const examples = await getCollection('examples');
	return examples.map((entry) => ({ params: { name: entry.id }, props: { example: entry.data } }));
}) satisfies GetStaticPaths;

// A fixed timestamp keeps the zip byte-identical between builds of the same files.
const FILE_DATE = new Date('2026-01-01T00:00:00Z');

export const GET: APIRoute<{ example: ExampleEntry }> = ({ props }) => {
	const { name, files } = props.example;
	const tree: Zippable = Object.fromEntries(
		files.map((file) => [`${name}/${file.path}`, [strToU8(file.content), { mtime: FILE_DATE }]])
	);
	return new Response(zipSync(tree, { level: 9 }), {
		headers: { 'Content-Type': 'application/zip' },
	});
};
