import assert from 'node:assert/strict';
import { test } from 'node:test';
import { embeddedExamples } from '../../src/lib/examples/embedded.ts';

test('embeddedExamples finds every <Example name> of a page, in order, and skips MDX comments', () => {
	const mdx = [
		`import Example from '../../../src/components/Example.astro';`,
		`<Example name="tcp-echo" level={4} />`,
		`{/* <Example name="commented-out" /> */}`,
		`<Example level={3} name='udp-echo' />`,
		`<Example name={"rpc"} />`,
		'A sentence about <Example>, not an embed.',
	].join('\n');
	assert.deepEqual(embeddedExamples(mdx), ['tcp-echo', 'udp-echo', 'rpc']);
});
