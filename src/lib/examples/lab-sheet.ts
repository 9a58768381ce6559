/**
 * What an example's printable lab sheet (`/examples/<name>/lab/`, src/routes/lab-sheet.astro)
 * holds, derived from the example itself: its address and sections, the "Try this" part of its
 * README, and the key lines of each twin's main program (the first file it shows: the server,
 * or the peer), which are the lines that make each Berkeley socket call, found in the source
 * when the site is built so they follow the code. A program where no socket call can be found
 * fails the build, naming its file.
 */
import render from 'dom-serializer';
import { isTag } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';
import { examplePagePath, type PageHeading } from './example-page.ts';
import { languageInfo, type Language } from './languages.ts';
import type { ExampleEntry, ExampleFile } from './schema.ts';

/** Python first: it is the course's language; Node.js is the twin that also runs in the sandbox. */
export const LAB_SHEET_LANGUAGES: readonly Language[] = ['python', 'node'];

/** Site-root path of an example's lab sheet. */
export const labSheetPath = (name: string) => `${examplePagePath(name)}lab/`;

export const labSheetTitle = (exampleTitle: string) => `Lab sheet: ${exampleTitle}`;

/** html-validate's long-title limit, about where search results cut a title. */
const MAX_TITLE = 70;

/**
 * The `<title>`: search results cut titles after about 70 characters, so a long one goes without
 * the site's name, then says "(lab)" after the example's title, shortened if it must be (the
 * page's h1 still says all of it).
 */
export function labSheetDocumentTitle(exampleTitle: string, siteTitle: string): string {
	const candidates = [`${labSheetTitle(exampleTitle)} | ${siteTitle}`, labSheetTitle(exampleTitle), `${exampleTitle} (lab)`];
	return candidates.find((title) => title.length <= MAX_TITLE) ?? `${exampleTitle.slice(0, MAX_TITLE - ' (lab)'.length - 1).trimEnd()}… (lab)`;
}

/** The h2 sections of a lab sheet, in order. */
export const LAB_SHEET_HEADINGS = {
	task: { depth: 2, slug: 'the-task', text: 'The task' },
	run: { depth: 2, slug: 'run-it', text: 'Run it' },
	keyLines: { depth: 2, slug: 'key-lines', text: 'Key lines of code' },
	tryThis: { depth: 2, slug: 'things-to-try', text: 'Things to try' },
	exercises: { depth: 2, slug: 'exercises', text: 'Exercises' },
	addresses: { depth: 2, slug: 'addresses', text: 'Addresses' },
} as const satisfies Record<string, PageHeading>;

interface SocketCall {
	call: string;
	pattern: Record<Language, RegExp>;
}

/** The Berkeley calls, in the order a program makes them, and how each twin's code makes it. */
const SOCKET_CALLS: readonly SocketCall[] = [
	{
		call: 'socket()',
		pattern: {
			python: /socket\.socket\(|socket\.create_connection\(|ThreadingTCPServer\(|asyncio\.start_server\(/,
			node: /net\.createServer\(|dgram\.createSocket\(/,
		},
	},
	{ call: 'bind()', pattern: { python: /\.bind\(/, node: /\.bind\(/ } },
	{ call: 'listen()', pattern: { python: /\.listen\(/, node: /\.listen\(/ } },
	{ call: 'accept()', pattern: { python: /\.accept\(\)/, node: /\.on\('connection'|net\.createServer\(.*\(socket\)/ } },
	{ call: 'connect()', pattern: { python: /\.connect\(|create_connection\(|open_connection\(/, node: /net\.connect\(|net\.createConnection\(/ } },
	{ call: 'recv()', pattern: { python: /\.recv(?:from)?\(|\.readline\(/, node: /\.on\('(?:data|message)'/ } },
	{ call: 'send()', pattern: { python: /\.send(?:all|to)?\(|\.write\(/, node: /\.write\(|\.send\(/ } },
	{ call: 'shutdown()', pattern: { python: /\.shutdown\(/, node: /\.end\(/ } },
	{ call: 'close()', pattern: { python: /\.close\(\)/, node: /\.close\(\)|\.destroy\(\)/ } },
];

export interface KeyLine {
	/** 1-based line number in the file. */
	line: number;
	/** The Berkeley calls this line makes, such as `socket(), accept()`. */
	calls: string[];
	/** The line's code, without its indentation. */
	code: string;
}

export interface TwinKeyLines {
	language: Language;
	/** The program's file, relative to the example folder. */
	file: string;
	lines: KeyLine[];
}

/** For each twin (Python first), the first line of its main program that makes each socket call, in file order. */
export function keyLines(example: { name: string; files: ExampleFile[]; twins: Record<Language, { shownFiles: string[] }> }): TwinKeyLines[] {
	return LAB_SHEET_LANGUAGES.map((language) => {
		const file = example.twins[language].shownFiles[0];
		const source = example.files.find((f) => f.path === file)?.content;
		if (file === undefined || source === undefined) {
			throw new Error(`examples/${example.name}: the ${languageInfo[language].label} twin shows no program file to take key lines from`);
		}
		const code = codeLines(source, language);
		const byLine = new Map<number, KeyLine>();
		for (const { call, pattern } of SOCKET_CALLS) {
			const index = code.findIndex((line) => line !== undefined && pattern[language].test(line));
			if (index === -1) continue;
			const found = byLine.get(index + 1) ?? { line: index + 1, calls: [], code: code[index]!.trim() };
			found.calls.push(call);
			byLine.set(index + 1, found);
		}
		if (byLine.size === 0) throw new Error(`examples/${example.name}/${file}: no line makes a socket call (socket(), bind(), connect()…)`);
		return { language, file, lines: [...byLine.values()].sort((a, b) => a.line - b.line) };
	});
}

/**
 * The file's lines with comments and docstrings blanked (`undefined`), so a call named in a
 * comment is never taken for the call itself. Line by line: enough for the examples' style
 * (block comments and docstrings open and close on lines of their own or on one line).
 */
function codeLines(source: string, language: Language): (string | undefined)[] {
	let inBlock = false;
	return source.split('\n').map((line) => {
		const text = line.trim();
		if (language === 'node') {
			if (inBlock) {
				inBlock = !text.includes('*/');
				return undefined;
			}
			if (text.startsWith('/*')) {
				inBlock = !text.includes('*/');
				return undefined;
			}
			return text.startsWith('//') ? undefined : line;
		}
		const quotes = text.split('"""').length - 1;
		if (inBlock) {
			if (quotes % 2 === 1) inBlock = false;
			return undefined;
		}
		if (quotes > 0) {
			inBlock = quotes % 2 === 1;
			return undefined;
		}
		return text.startsWith('#') ? undefined : line;
	});
}

/**
 * The "Try this" section of the example's README (its rendered notes), without its heading:
 * the exercises of the lab sheet. Every example's README has one (the loader's template too).
 */
export function tryThisHtml(example: Pick<ExampleEntry, 'name' | 'notesHtml'>): string {
	const nodes = parseDocument(example.notesHtml).children;
	const start = nodes.findIndex((node) => isTag(node) && node.name === 'h2' && DomUtils.textContent(node).trim() === 'Try this');
	if (start === -1) throw new Error(`examples/${example.name}/README.md: no "## Try this" section for the lab sheet`);
	const end = nodes.findIndex((node, index) => index > start && isTag(node) && /^h[12]$/.test(node.name));
	return render(nodes.slice(start + 1, end === -1 ? undefined : end));
}

/** The commands of the "Run it" section, Python first. */
export const runCommands = () => LAB_SHEET_LANGUAGES.map((language) => ({ language, label: languageInfo[language].label, command: languageInfo[language].command }));
