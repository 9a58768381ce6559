/**
 * The outline of a course page for the instructors' table (src/lib/links/page-outline.ts):
 * Astro's headings and the page's examples in source order, with code blocks, MDX comments
 * and front matter not taken for headings or examples, and a clear error naming the file when
 * the source's headings do not match Astro's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageOutline } from '../../src/lib/links/page-outline.ts';

const source = [
	'---',
	'title: Sockets',
	'# not a heading: YAML',
	'---',
	'',
	"import Example from '../../src/components/Example.astro';",
	'',
	'## Two kinds of socket',
	'',
	'```python',
	'# a comment, not a heading',
	'<Example name="in-code" />',
	'```',
	'',
	'<Example name="tcp-echo" level={3} />',
	'',
	'{/* <Example name="commented-out" /> and',
	'## not a heading either */}',
	'### Datagrams',
	'',
	'  ~~~~',
	'  ## inside a tilde fence',
	'  ~~~~',
	'<Example',
	'  name="udp-echo"',
	'/>',
].join('\n');

const headings = [
	{ depth: 2, slug: 'two-kinds-of-socket', text: 'Two kinds of socket' },
	{ depth: 3, slug: 'datagrams', text: 'Datagrams' },
];

test('headings and examples in the order they appear, code and comments left out', () => {
	assert.deepEqual(pageOutline(source, headings, 'content/docs/course/sockets.mdx'), [
		{ kind: 'section', ...headings[0]! },
		{ kind: 'example', name: 'tcp-echo' },
		{ kind: 'section', ...headings[1]! },
		{ kind: 'example', name: 'udp-echo' },
	]);
});

test("headings that do not match Astro's fail, naming the file", () => {
	assert.throws(() => pageOutline(source, headings.slice(0, 1), 'content/docs/course/sockets.mdx'), /^Error: content\/docs\/course\/sockets\.mdx: the page's headings/);
	assert.throws(() => pageOutline(source, [...headings, { depth: 2, slug: 'more', text: 'More' }], 'x.mdx'), /x\.mdx: .*2 up to the end of the file.*Astro's 3/);
	assert.throws(() => pageOutline(source, [headings[1]!, headings[0]!], 'x.mdx'), /x\.mdx: .*"## Two kinds of socket"/);
});
