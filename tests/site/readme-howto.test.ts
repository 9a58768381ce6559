/**
 * Follows README.md's "Adding a page or an example" as a new author would, in a copy of the
 * repository: runs the commands of the section's `sh` blocks in order (scaffold, record,
 * build), writes its `mdx` block to the page file the step names, and checks that the built
 * page shows the new example (its anchor, its code and its recorded output) and that the home
 * page lists it. Nothing is hard-coded from the section: change the README, and this test
 * follows the new text (or fails on a command it does not know how to follow).
 *
 * The copy holds the files `git ls-files` knows (tracked and untracked, not ignored), and this
 * repository's node_modules as hard links (a copy where the temporary folder is on another
 * disk). Not as a symbolic link: Vite follows it to the real path, outside the copy, and Astro
 * then mistakes a package's component for one at the copy's root ("No cached compile metadata
 * found for .../node_modules/@astrojs/starlight/..."). Build caches (node_modules/.astro,
 * .vite) are left out, so the copy's build never touches this repository's; only the
 * highlighted-code cache is copied in, as an author adding a page has built the site before.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import {
	copyFileSync,
	cpSync,
	existsSync,
	linkSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, test } from 'node:test';
import { HIGHLIGHT_CACHE_DIR } from '../../src/lib/examples/highlight-cache.ts';
import { lineAnchorPrefix } from '../../src/lib/examples/line-anchors.ts';
import { projectRoot } from '../support/builds.ts';

const SECTION = 'Adding a page or an example';
/** Build caches of the copy, kept out of the shared node_modules. */
const OWN_IN_COPY = new Set(['.astro', '.vite', '.cache']);
/** Set by this repository's scripts or a deployment; the copy builds with the defaults. */
const UNSET = ['BASE', 'OUT_DIR', 'SITE', 'EDIT_BASE_URL', 'EXAMPLES_DIR', 'HIGHLIGHT_CACHE_DIR'];

interface Block {
	lang: string;
	code: string;
	/** The section's text between the previous block and this one. */
	before: string;
}

/** The text of `## <title>` up to the next `## ` heading outside a code block. */
function readmeSection(markdown: string, title: string): string {
	const lines = markdown.split('\n');
	const start = lines.indexOf(`## ${title}`);
	assert.notEqual(start, -1, `README.md has no section "## ${title}"`);
	let fence: string | undefined;
	let end = lines.length;
	for (let i = start + 1; i < lines.length; i++) {
		const marker = /^\s*(`{3,})/.exec(lines[i]!)?.[1];
		if (marker && (fence === undefined || marker === fence)) fence = fence === undefined ? marker : undefined;
		else if (fence === undefined && /^## /.test(lines[i]!)) {
			end = i;
			break;
		}
	}
	return lines.slice(start + 1, end).join('\n');
}

/** The fenced code blocks of `markdown`, their indentation (as in a list item) removed. */
function fencedBlocks(markdown: string): Block[] {
	const blocks: Block[] = [];
	let text: string[] = [];
	let open: { indent: number; fence: string; lang: string; code: string[] } | undefined;
	for (const line of markdown.split('\n')) {
		const match = /^(\s*)(`{3,})(\S*)\s*$/.exec(line);
		if (!open && match) {
			open = { indent: match[1]!.length, fence: match[2]!, lang: match[3]!, code: [] };
		} else if (open && match && match[2] === open.fence && match[3] === '') {
			blocks.push({ lang: open.lang, code: `${open.code.join('\n')}\n`, before: text.join('\n') });
			open = undefined;
			text = [];
		} else if (open) {
			open.code.push(line.slice(Math.min(open.indent, /^\s*/.exec(line)![0].length)));
		} else {
			text.push(line);
		}
	}
	assert.equal(open, undefined, 'a code block of the section is never closed');
	return blocks;
}

/** One command line of an `sh` block, without its comment, or '' if there is none. */
const commandOf = (line: string) => line.replace(/(^|\s)#.*$/, '').trim();

/** The commands this test knows how to follow; anything else in the section fails the test. */
const KNOWN_COMMANDS: { pattern: RegExp; kind: 'scaffold' | 'record' | 'build' }[] = [
	{ pattern: /^npm run new-example ([a-z0-9-]+)$/, kind: 'scaffold' },
	{ pattern: /^npm run record -- ([a-z0-9-]+)$/, kind: 'record' },
	{ pattern: /^npm run build$/, kind: 'build' },
];

/** A copy of the repository in `dir`: the files `git ls-files` lists, node_modules as hard links. */
function copyRepository(dir: string): void {
	const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: projectRoot, encoding: 'utf8' });
	for (const path of listed.split('\0').filter(Boolean)) {
		if (/^(node_modules|dist|dist-subpath|\.git)(\/|$)/.test(path)) continue;
		const from = join(projectRoot, path);
		if (!existsSync(from) || !lstatSync(from).isFile()) continue; // deleted but not yet committed
		mkdirSync(dirname(join(dir, path)), { recursive: true });
		cpSync(from, join(dir, path));
	}
	const modules = join(projectRoot, 'node_modules');
	for (const entry of readdirSync(modules)) {
		if (!OWN_IN_COPY.has(entry)) linkTree(join(modules, entry), join(dir, 'node_modules', entry));
	}
	// An author adding a page has built the site before: only the new example's code is highlighted afresh.
	const highlighted = relative(projectRoot, HIGHLIGHT_CACHE_DIR);
	if (existsSync(HIGHLIGHT_CACHE_DIR) && !highlighted.startsWith('..')) cpSync(HIGHLIGHT_CACHE_DIR, join(dir, highlighted), { recursive: true });
}

let hardLinks = true;
/** Recreates `from` at `to`: folders as folders, files as hard links (or copies), links as links. */
function linkTree(from: string, to: string): void {
	const stats = lstatSync(from);
	if (stats.isSymbolicLink()) {
		symlinkSync(readlinkSync(from), to);
	} else if (stats.isDirectory()) {
		mkdirSync(to, { recursive: true });
		for (const entry of readdirSync(from)) linkTree(join(from, entry), join(to, entry));
	} else if (hardLinks) {
		try {
			linkSync(from, to);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
			hardLinks = false; // another disk: copy instead
			copyFileSync(from, to);
		}
	} else {
		copyFileSync(from, to);
	}
}

/** Runs one README command line with a shell in `cwd`; resolves with its exit code and output. */
function runLine(line: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		execFile('sh', ['-c', line], { cwd, env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
			resolve({ code, output: `${stdout}${stderr}` });
		});
	});
}

/** The text of an HTML page: tags removed, character references decoded. */
function textOf(html: string): string {
	const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
	return html
		.replace(/<script\b[\s\S]*?<\/script>|<style\b[\s\S]*?<\/style>/g, '')
		.replace(/<[^>]*>/g, '')
		.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) =>
			ref.startsWith('#x') || ref.startsWith('#X')
				? String.fromCodePoint(parseInt(ref.slice(2), 16))
				: ref.startsWith('#')
					? String.fromCodePoint(Number(ref.slice(1)))
					: (named[ref] ?? whole)
		);
}

const copy = mkdtempSync(join(tmpdir(), 'netcourse-readme-howto-'));
after(() => rmSync(copy, { recursive: true, force: true }));

test(`README.md's "${SECTION}", followed step by step in a copy of the repository, builds a page with the new example`, { timeout: 420_000 }, async () => {
	const blocks = fencedBlocks(readmeSection(readFileSync(join(projectRoot, 'README.md'), 'utf8'), SECTION));
	assert.ok(blocks.length > 0, `the section "${SECTION}" has no code blocks`);

	copyRepository(copy);
	const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };
	for (const name of UNSET) delete env[name];

	const done: string[] = [];
	let example: string | undefined;
	let page: string | undefined;
	for (const block of blocks) {
		if (block.lang === 'sh') {
			for (const line of block.code.split('\n').map(commandOf).filter(Boolean)) {
				const known = KNOWN_COMMANDS.find(({ pattern }) => pattern.test(line));
				assert.ok(known, `the section has a command this test does not know how to follow: ${line}`);
				if (known.kind === 'scaffold') example = known.pattern.exec(line)![1];
				if (known.kind === 'record') assert.equal(known.pattern.exec(line)![1], example, `"${line}" records another example than the one scaffolded`);
				const started = performance.now();
				const { code, output } = await runLine(line, copy, env);
				assert.equal(code, 0, `"${line}" failed (exit code ${code}) in ${copy}:\n${output}`);
				done.push(`${known.kind} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
			}
		} else if (block.lang === 'mdx') {
			const paths = [...block.before.matchAll(/`(content\/docs\/course\/[a-z0-9-]+\.mdx)`/g)].map((match) => match[1]!);
			assert.ok(paths.length > 0, `no content/docs/course/<slug>.mdx named before the mdx block:\n${block.before}`);
			page = paths.at(-1)!;
			assert.ok(!existsSync(join(copy, page)), `${page} exists already: pick a page name no course page has`);
			writeFileSync(join(copy, page), block.code);
			done.push(`page ${page}`);
		} else {
			assert.fail(`the section has a \`\`\`${block.lang} block this test does not know how to follow:\n${block.code}`);
		}
	}
	const kinds = done.map((step) => step.split(' ')[0]);
	assert.deepEqual(
		kinds.filter((kind) => kind !== 'record'),
		['scaffold', 'page', 'build'],
		`the steps should scaffold, write the page, then build; they: ${done.join(', ')}`
	);
	assert.ok(kinds.includes('record'), `no step records the example's output: ${done.join(', ')}`);
	assert.ok(example && page);

	const slug = page.replace(/^content\/docs\/|\.mdx$/g, '');
	const built = join(copy, 'dist', slug, 'index.html');
	assert.ok(existsSync(built), `the build wrote no ${built} (steps: ${done.join(', ')})`);
	const html = readFileSync(built, 'utf8');
	assert.match(html, new RegExp(`\\sid="example-${example}"`), `the page has no anchor example-${example}`);

	const text = textOf(html);
	const exampleDir = join(copy, 'examples', example);
	const frontMatter = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(exampleDir, 'README.md'), 'utf8'))![1]!;
	const shown = [...frontMatter.matchAll(/^(?:files|python): \[([^\]]*)\]/gm)].flatMap((match) => match[1]!.split(',').map((path) => path.trim()));
	assert.ok(shown.includes('server.js') && shown.includes('python/server.py'), `front matter: ${frontMatter}`);
	// The course page links to each file; the example's own page shows every line of it.
	const examplePage = join(copy, 'dist', 'examples', example, 'index.html');
	assert.ok(existsSync(examplePage), `the build wrote no page for the example: ${examplePage}`);
	const exampleText = textOf(readFileSync(examplePage, 'utf8'));
	for (const file of shown) {
		const anchor = `/examples/${example}/#${lineAnchorPrefix(example, file)}`;
		assert.ok(html.includes(`href="${anchor}"`), `${slug}: no link to ${anchor}`);
		const lines = readFileSync(join(exampleDir, file), 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
		const missing = lines.filter((line) => !exampleText.includes(line));
		assert.deepEqual(missing, [], `examples/${example}/: lines of ${example}/${file} not on the page`);
	}
	const recording = JSON.parse(readFileSync(join(copy, 'examples', '_recordings', `${example}.json`), 'utf8')) as {
		runs: Record<'node' | 'python', { output: string }>;
	};
	for (const [language, run] of Object.entries(recording.runs)) {
		const outputLine = run.output.split('\n').find((line) => line.startsWith('client: received'));
		assert.ok(outputLine && text.includes(outputLine), `${slug}: the recorded ${language} output is not on the page`);
	}
	assert.match(readFileSync(join(copy, 'dist', 'index.html'), 'utf8'), new RegExp(`data-example="${example}"`), 'the home page does not list the example');
	console.log(`followed the README in ${copy}: ${done.join(', ')}`);
});
