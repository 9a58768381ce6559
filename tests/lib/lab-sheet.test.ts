/**
 * The lab sheet's key lines (src/lib/examples/lab-sheet.ts) are found in the examples' real
 * sources: the line that makes each socket call, never a comment or docstring that names it;
 * a program with no socket call fails, naming its file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyLines, labSheetDocumentTitle, tryThisHtml } from '../../src/lib/examples/lab-sheet.ts';

const examplesDir = join(import.meta.dirname, '../../examples');

function twinsOf(name: string, python: string, node: string) {
	const files = [python, node].map((path) => ({ path, content: readFileSync(join(examplesDir, name, path), 'utf8') }));
	return { name, files, twins: { python: { shownFiles: [python] }, node: { shownFiles: [node] } } };
}

/** The 1-based line of `file` that `text` starts (after indentation), as a person would look it up. */
function lineOf(name: string, file: string, text: string): number {
	const index = readFileSync(join(examplesDir, name, file), 'utf8')
		.split('\n')
		.findIndex((line) => line.trimStart().startsWith(text));
	assert.notEqual(index, -1, `${file} has a line starting ${text}`);
	return index + 1;
}

test('tcp-echo: Python first, each call on the line that makes it, not in the header comment that names it', () => {
	const [python, node] = keyLines(twinsOf('tcp-echo', 'python/server.py', 'server.js'));
	assert.equal(python!.language, 'python');
	assert.equal(node!.language, 'node');
	const at = (twin: typeof python, call: string) => twin!.lines.find((line) => line.calls.includes(call))?.line;
	assert.equal(at(python, 'socket()'), lineOf('tcp-echo', 'python/server.py', 'server = socket.socket('));
	assert.equal(at(python, 'bind()'), lineOf('tcp-echo', 'python/server.py', 'server.bind('));
	assert.equal(at(python, 'accept()'), lineOf('tcp-echo', 'python/server.py', 'conn, (peer_host, peer_port) = server.accept()'));
	// server.js's header comment names net.createServer() on an earlier line.
	assert.equal(at(node, 'socket()'), lineOf('tcp-echo', 'server.js', 'const server = net.createServer('));
	assert.equal(at(node, 'listen()'), lineOf('tcp-echo', 'server.js', 'server.listen('));
	for (const twin of [python!, node!]) {
		assert.deepEqual(twin.lines.map((line) => line.line), [...twin.lines.map((line) => line.line)].sort((a, b) => a - b), 'in file order');
		for (const { line, code } of twin.lines) assert.equal(code, readFileSync(join(examplesDir, 'tcp-echo', twin.file), 'utf8').split('\n')[line - 1]!.trim());
	}
});

test('rpc: a call named in the Python docstring is not taken for the call', () => {
	const [python] = keyLines(twinsOf('rpc', 'python/server.py', 'server.js'));
	const docstringEnd = readFileSync(join(examplesDir, 'rpc/python/server.py'), 'utf8').split('\n').findIndex((line, index) => index > 0 && line.includes('"""'));
	for (const { line } of python!.lines) assert.ok(line > docstringEnd + 1, `line ${line} is after the module docstring`);
});

test('a program without any socket call fails, naming its file', () => {
	const example = {
		name: 'quiet',
		files: [
			{ path: 'python/server.py', content: '# sock.bind((host, port)) in a comment only\nprint("hello")\n' },
			{ path: 'server.js', content: 'console.log(1);\n' },
		],
		twins: { python: { shownFiles: ['python/server.py'] }, node: { shownFiles: ['server.js'] } },
	};
	assert.throws(() => keyLines(example), /examples\/quiet\/python\/server\.py: no line makes a socket call/);
});

test('the "Try this" section is taken from the README notes without its heading, up to the next section', () => {
	const notesHtml = '<h2 id="a">Run it</h2><p>run</p><h2 id="b">Try this</h2><ul><li>one</li></ul><h3>More</h3><p>more</p><h2 id="c">Later</h2><p>no</p>';
	assert.equal(tryThisHtml({ name: 'x', notesHtml }), '<ul><li>one</li></ul><h3>More</h3><p>more</p>');
	assert.throws(() => tryThisHtml({ name: 'x', notesHtml: '<h2>Run it</h2>' }), /examples\/x\/README\.md: no "## Try this"/);
});

test('a lab sheet\'s <title> is never longer than 70 characters, and keeps the site\'s name when it fits', () => {
	assert.equal(labSheetDocumentTitle('TCP echo', 'Network Programming'), 'Lab sheet: TCP echo | Network Programming');
	const long = 'When the network fails: refused, in use, timeout, reset, half-close'; // 67 characters
	for (const title of [long, `${long} and more`, 'x'.repeat(80)]) {
		const documentTitle = labSheetDocumentTitle(title, 'Network Programming');
		assert.ok(documentTitle.length <= 70, `${documentTitle} (${documentTitle.length})`);
		assert.match(documentTitle, /lab/i);
	}
});
