/**
 * The socket event log drawn as a sequence diagram (src/lib/conversation/sequence-diagram.ts):
 * for the hand-written logs in tests/lib/fixtures/ and every recorded log in
 * examples/_recordings/*.events.json, the SVG is well-formed XML with a title and a description,
 * draws every event exactly once, puts every arrow's ends on the right lifelines, and is the
 * same bytes every time. The framing, failure and datagram cases are drawn as such. No arrow
 * crosses a label and no label covers another (boxes from the layout's own text estimate), the
 * rows keep the table's order and times, and the legend explains exactly the kinds drawn.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { EVENT_LOG_FORMAT, eventLogSchema, type EventLog, type SocketEvent } from '../../src/lib/conversation/event-log.ts';
import { boxOf, crosses, overlaps, placeTexts, type Anchor, type Place, type Segment } from '../../src/lib/conversation/diagram-layout.ts';
import { notations } from '../../src/lib/conversation/legend.ts';
import { escapeXml, sequenceDiagram, type DiagramRow } from '../../src/lib/conversation/sequence-diagram.ts';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');
const recordings = join(root, 'examples', '_recordings');

const logFiles = [
	...readdirSync(fixtures)
		.filter((f) => f.endsWith('.events.json'))
		.sort()
		.map((f) => ({ name: `fixture ${f}`, path: join(fixtures, f) })),
	...(existsSync(recordings) ? readdirSync(recordings) : [])
		.filter((f) => f.endsWith('.events.json'))
		.sort()
		.map((f) => ({ name: `recorded ${f}`, path: join(recordings, f) })),
];
const readLog = (path: string): EventLog => eventLogSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
const fixture = (name: string) => readLog(join(fixtures, `${name}.events.json`));
const draw = (log: EventLog, idPrefix = 'sd') => sequenceDiagram(log, { idPrefix, title: `${log.example} (${log.language})` });

// ---- A strict XML check: htmlparser2 forgives what a browser's XML parser would refuse ----

const NAME = '[A-Za-z_][\\w.:-]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

/** Throws on anything that is not well-formed XML: unbalanced or crossed tags, a raw `<` or `&`, unquoted or repeated attributes. */
function assertWellFormedXml(xml: string): void {
	const noRawAmp = (text: string, where: string) => {
		const rest = text.replace(ENTITY, '');
		if (rest.includes('&')) throw new Error(`raw & in ${where}: ${JSON.stringify(text.slice(0, 80))}`);
	};
	const stack: string[] = [];
	let roots = 0;
	let at = 0;
	const tag = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);
	while (at < xml.length) {
		const lt = xml.indexOf('<', at);
		const text = xml.slice(at, lt < 0 ? xml.length : lt);
		if (text.includes('>') && /\]\]>/.test(text)) throw new Error('"]]>" in text');
		noRawAmp(text, 'text');
		if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${JSON.stringify(text.slice(0, 40))}`);
		if (lt < 0) break;
		const m = tag.exec(xml.slice(lt));
		if (!m) throw new Error(`not a well-formed tag at ${lt}: ${JSON.stringify(xml.slice(lt, lt + 60))}`);
		const [whole, close, name, attrs, selfClose] = m as unknown as [string, string, string, string, string];
		if (close) {
			if (attrs.trim() !== '' || selfClose) throw new Error(`bad end tag </${name}>`);
			const open = stack.pop();
			if (open !== name) throw new Error(`</${name}> closes <${open ?? 'nothing'}>`);
		} else {
			if (stack.length === 0) roots += 1;
			const seen = new Set<string>();
			for (const a of attrs.matchAll(new RegExp(`(${NAME})\\s*=\\s*("[^"]*"|'[^']*')`, 'g'))) {
				if (seen.has(a[1]!)) throw new Error(`<${name}> repeats ${a[1]}`);
				seen.add(a[1]!);
				noRawAmp(a[2]!, `attribute ${a[1]} of <${name}>`);
			}
			if (!selfClose) stack.push(name);
		}
		at = lt + whole.length;
	}
	if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
	if (roots !== 1) throw new Error(`${roots} root elements`);
}

// ---- Reading the SVG back ----

function parse(svg: string) {
	assertWellFormedXml(svg);
	const doc = parseDocument(svg, { xmlMode: true });
	const all = DomUtils.findAll(() => true, doc.children);
	const svgEl = all.find((e) => e.name === 'svg');
	assert.ok(svgEl, 'an <svg> root');
	const classes = (e: Element) => (e.attribs['class'] ?? '').split(/\s+/);
	const has = (e: Element, cls: string) => classes(e).includes(cls);
	const lanes = new Map<string, number>();
	for (const line of all.filter((e) => e.name === 'line' && has(e, 'lifeline'))) {
		lanes.set(line.attribs['data-process']!, Number(line.attribs['x1']));
		assert.equal(line.attribs['x1'], line.attribs['x2'], 'lifelines are vertical');
	}
	const events = all.filter((e) => e.name === 'g' && has(e, 'event'));
	const within = (g: Element) => DomUtils.findAll(() => true, g.children);
	const arrows = (g: Element) => within(g).filter((e) => e.name === 'line' && has(e, 'arrow-line'));
	/** The y of a mark on a lifeline (its centre). */
	const markY = (g: Element) => {
		const mark = within(g).find((e) => e.name === 'rect' && has(e, 'mark'));
		assert.ok(mark, `event ${g.attribs['data-event']} has a mark`);
		return Number(mark.attribs['y']) + Number(mark.attribs['height']) / 2;
	};
	const texts = (g: Element) => within(g).filter((e) => e.name === 'text').map((e) => DomUtils.textContent(e));
	return { doc, all, svgEl, lanes, events, within, arrows, markY, texts, has };
}

const near = (a: number, b: number, message: string) => assert.ok(Math.abs(a - b) < 0.051, `${message}: ${a} ≠ ${b}`);

describe('the sequence diagram of a socket event log', () => {
	assert.ok(logFiles.length >= 5, 'the fixtures are there');

	for (const { name, path } of logFiles) {
		describe(name, () => {
			const log = readLog(path);
			const { svg, rows } = draw(log, 'seq-x');
			const d = parse(svg);

			it('is well-formed XML with role="img", a title and a description it is labelled by, and a size that scales', () => {
				assert.equal(d.svgEl.attribs['role'], 'img');
				assert.equal(d.svgEl.attribs['xmlns'], 'http://www.w3.org/2000/svg');
				const ids = (d.svgEl.attribs['aria-labelledby'] ?? '').split(' ');
				assert.deepEqual(ids, ['seq-x-title', 'seq-x-desc']);
				const title = d.svgEl.children.find((c) => (c as Element).name === 'title') as Element | undefined;
				const desc = d.svgEl.children.find((c) => (c as Element).name === 'desc') as Element | undefined;
				assert.equal(title?.attribs['id'], 'seq-x-title');
				assert.equal(desc?.attribs['id'], 'seq-x-desc');
				assert.equal(DomUtils.textContent(title!), `${log.example} (${log.language})`);
				assert.match(DomUtils.textContent(desc!), /socket events? between/);
				const [x, y, w, h] = (d.svgEl.attribs['viewBox'] ?? '').split(' ').map(Number);
				assert.deepEqual([x, y], [0, 0]);
				assert.equal(Number(d.svgEl.attribs['width']), w);
				assert.equal(Number(d.svgEl.attribs['height']), h);
			});

			it('needs nothing from the Content-Security-Policy: no style attribute, <style>, script or event handler', () => {
				for (const e of d.all) {
					assert.notEqual(e.name, 'style');
					assert.notEqual(e.name, 'script');
					for (const attr of Object.keys(e.attribs)) assert.ok(attr !== 'style' && !attr.startsWith('on'), `<${e.name} ${attr}>`);
				}
			});

			it('draws every event exactly once, in order, as g.event.event-<type> with its index', () => {
				assert.equal(d.events.length, log.events.length);
				d.events.forEach((g, i) => {
					assert.equal(g.attribs['data-event'], String(i));
					assert.ok(d.has(g, `event-${log.events[i]!.type}`), `event ${i} is a ${log.events[i]!.type}`);
				});
				assert.equal(rows.length, log.events.length);
				rows.forEach((row, i) => {
					assert.equal(row.event, i);
					assert.equal(row.type, log.events[i]!.type);
					assert.equal(row.bytes, log.events[i]!.bytes);
				});
			});

			it('has one lifeline per program, and every arrow starts and ends on the lifelines it names', () => {
				assert.deepEqual([...d.lanes.keys()].sort(), [...new Set([...log.processes.map((p) => p.id), ...log.events.map((e) => e.process)])].sort());
				d.events.forEach((g, i) => {
					const e = log.events[i]!;
					for (const line of d.arrows(g)) {
						const from = line.attribs['data-from'];
						const to = line.attribs['data-to'];
						if (from !== undefined) near(Number(line.attribs['x1']), d.lanes.get(from)!, `event ${i} starts on ${from}`);
						if (to !== undefined) near(Number(line.attribs['x2']), d.lanes.get(to)!, `event ${i} ends on ${to}`);
						// A message leaves its own program; a reset arrives at it.
						if (e.type === 'reset') assert.equal(to, e.process, `reset ${i} arrives at its program`);
						else assert.equal(from, e.process, `event ${i} leaves its program`);
					}
				});
			});

			it('joins each TCP send to the reads of the same bytes: an arrow ends at every such read', () => {
				const peerOf = new Map<string, string>();
				for (const e of log.events) if (e.protocol === 'tcp' && e.peer !== undefined) peerOf.set(e.socket, e.peer).set(e.peer, e.socket);
				const offsets = new Map<string, number>();
				const spans = log.events.map((e) => {
					if (e.protocol !== 'tcp' || (e.type !== 'send' && e.type !== 'receive')) return undefined;
					const key = `${e.type}:${e.socket}`;
					const start = offsets.get(key) ?? 0;
					offsets.set(key, start + (e.bytes ?? 0));
					return { start, end: start + (e.bytes ?? 0) };
				});
				log.events.forEach((e, i) => {
					if (e.type !== 'send' || e.protocol !== 'tcp' || (e.bytes ?? 0) === 0) return;
					const s = spans[i]!;
					const reads = log.events
						.map((r, j) => ({ r, j, span: spans[j] }))
						.filter(({ r, span }) => r.type === 'receive' && r.socket === peerOf.get(e.socket) && span !== undefined && span.start < s.end && s.start < span.end);
					const lines = d.arrows(d.events[i]!);
					if (reads.length === 0) return;
					assert.equal(lines.length, reads.length, `send ${i} has an arrow per read`);
					reads.forEach(({ j }, k) => near(Number(lines[k]!.attribs['y2']), d.markY(d.events[j]!), `send ${i} reaches read ${j}`));
				});
			});

			it('is the same bytes every time', () => {
				const again = draw(structuredClone(log), 'seq-x');
				assert.equal(again.svg, svg);
				assert.deepEqual(again.rows, rows);
			});
		});
	}
});

describe('what the diagram makes visible', () => {
	it('tcp-framing: two sends read as one are two arrows meeting at one read; one send read in two parts forks', () => {
		const log = fixture('tcp-framing');
		const d = parse(draw(log).svg);
		const sends = log.events.flatMap((e, i) => (e.type === 'send' && e.process === 'p2' ? [i] : []));
		const reads = log.events.flatMap((e, i) => (e.type === 'receive' && e.process === 'p1' ? [i] : []));
		assert.equal(sends.length, 2);
		assert.equal(reads.length, 1);
		assert.equal(log.events[reads[0]!]!.bytes, log.events[sends[0]!]!.bytes! + log.events[sends[1]!]!.bytes!);
		const readY = d.markY(d.events[reads[0]!]!);
		const serverX = d.lanes.get('p1')!;
		const sendYs = sends.map((i) => {
			const [line, ...more] = d.arrows(d.events[i]!);
			assert.equal(more.length, 0);
			near(Number(line!.attribs['y2']), readY, `send ${i} ends at the read`);
			near(Number(line!.attribs['x2']), serverX, `send ${i} ends on the server`);
			return Number(line!.attribs['y1']);
		});
		assert.ok(sendYs[0]! < sendYs[1]! && sendYs[1]! < readY, 'the sends come one after the other, before the read');
		assert.match(d.texts(d.events[reads[0]!]!).join(' '), /read 18 B \(2 sends\)/);

		// The echo: one send of 18 bytes, read by the client as 11 + 7.
		const echo = log.events.findIndex((e) => e.type === 'send' && e.process === 'p1');
		const parts = log.events.flatMap((e, i) => (e.type === 'receive' && e.process === 'p2' ? [i] : []));
		const lines = d.arrows(d.events[echo]!);
		assert.equal(lines.length, 2);
		lines.forEach((line, k) => near(Number(line.attribs['y2']), d.markY(d.events[parts[k]!]!), `part ${k + 1}`));
		assert.match(d.texts(d.events[parts[0]!]!).join(' '), /part of a send/);
	});

	it('failures: a refused connect ends in a cross short of the server, a reset is a red arrow with RST, an error is marked', () => {
		const log = fixture('failures');
		const d = parse(draw(log).svg);
		const refused = log.events.findIndex((e) => e.type === 'connect-failed');
		const g = d.events[refused]!;
		const [line] = d.arrows(g);
		assert.ok(line && d.has(line, 'arrow-refused'));
		assert.equal(line.attribs['data-to'], undefined, 'the refused connect reaches no program');
		const clientX = d.lanes.get('p2')!;
		const serverX = d.lanes.get('p1')!;
		const endX = Number(line.attribs['x2']);
		near(Number(line.attribs['x1']), clientX, 'it leaves the client');
		assert.ok(Math.min(clientX, serverX) < endX && endX < Math.max(clientX, serverX), 'it stops between the lifelines');
		const cross = d.within(g).find((e) => e.name === 'path' && d.has(e, 'cross'));
		assert.ok(cross, 'it ends in a cross');
		near(Number(/^M([\d.]+) /.exec(cross.attribs['d']!)?.[1]), endX - 5, 'the cross is at the end');
		assert.ok(d.texts(g).includes('ECONNREFUSED'));
		assert.ok(d.texts(g).some((t) => t.includes('127.0.0.1:34631')), 'it names the port it tried');

		const reset = log.events.findIndex((e) => e.type === 'reset');
		const r = d.events[reset]!;
		const [rst] = d.arrows(r);
		assert.ok(rst && d.has(rst, 'arrow-reset'), 'the reset is drawn as a reset arrow (red, dashed)');
		assert.equal(rst.attribs['data-from'], 'p1', 'it comes from the server, which aborted');
		assert.equal(rst.attribs['data-to'], 'p2');
		const abort = log.events.findLastIndex((e, i) => i < reset && e.type === 'close' && e.process === 'p1');
		near(Number(rst.attribs['y1']), Number(d.within(d.events[abort]!).find((e) => d.has(e, 'mark-close'))!.attribs['d']!.split(' ')[1]!.replace(/h.*/, '')), 'it leaves where the server closed');
		assert.ok(d.within(r).some((e) => d.has(e, 'bolt')), 'with a lightning bolt');
		assert.ok(d.texts(r).includes('RST') && d.texts(r).includes('ECONNRESET'));
		assert.ok(!d.has(d.arrows(d.events[log.events.findIndex((e) => e.type === 'send')]!)[0]!, 'arrow-reset'), 'a send looks different');

		const error = d.events[log.events.findIndex((e) => e.type === 'error')]!;
		assert.ok(d.within(error).some((e) => d.has(e, 'cross')));
		assert.ok(d.texts(error).includes('error EADDRINUSE'));
	});

	it('udp-echo: a lost datagram ends in the middle with a cross and "lost"; the others reach their datagram-received', () => {
		const log = fixture('udp-echo');
		const d = parse(draw(log).svg);
		const lost = log.events.findIndex((e) => e.type === 'datagram-sent' && e.lost === true);
		const g = d.events[lost]!;
		const [line] = d.arrows(g);
		assert.ok(line && d.has(line, 'arrow-lost'));
		assert.equal(line.attribs['data-to'], undefined);
		const [a, b] = [d.lanes.get('p1')!, d.lanes.get('p2')!];
		near(Number(line.attribs['x2']), (a + b) / 2, 'it stops half-way');
		assert.ok(d.within(g).some((e) => d.has(e, 'cross')));
		assert.ok(d.texts(g).includes('lost'));
		for (const [i, e] of log.events.entries()) {
			if (e.type !== 'datagram-sent' || e.lost === true) continue;
			const [l] = d.arrows(d.events[i]!);
			assert.ok(l?.attribs['data-to'], `datagram ${i} arrives`);
			const received = log.events.findIndex((r, j) => j > i && r.type === 'datagram-received' && r.socket === e.peer && r.preview === e.preview);
			near(Number(l.attribs['y2']), d.markY(d.events[received]!), `datagram ${i} ends at its datagram-received`);
		}
		assert.match(draw(log).rows[lost]!.what, /lost/);
	});

	it('peer-to-peer: three lifelines told apart by their arguments, the ring closes from C back to A', () => {
		const log = fixture('peer-to-peer');
		const { svg, rows } = draw(log);
		const d = parse(svg);
		assert.equal(d.lanes.size, 3);
		const names = d.all.filter((e) => d.has(e, 'lane-name')).map((e) => DomUtils.textContent(e));
		assert.deepEqual(names, ['peer.js --name A', 'peer.js --name B', 'peer.js --name C']);
		const lastConnect = log.events.findLastIndex((e) => e.type === 'connect');
		const [line] = d.arrows(d.events[lastConnect]!);
		assert.equal(line?.attribs['data-from'], 'p3');
		assert.equal(line?.attribs['data-to'], 'p1');
		assert.equal(rows[lastConnect]!.from, 'peer.js --name C');
		assert.equal(rows[lastConnect]!.to, 'peer.js --name A');
	});

	it('tcp-echo: a description in words, and table rows with time, from, to, what, bytes and preview', () => {
		const log = fixture('tcp-echo');
		const { svg, rows } = draw(log);
		const d = parse(svg);
		const desc = DomUtils.textContent(d.all.find((e) => e.name === 'desc')!);
		assert.match(desc, /client\.js connects to server\.js, sends 63 bytes to server\.js in 3 writes, receives 63 bytes from server\.js in 2 reads, half-closes its sending side, closes its socket\./);
		assert.match(desc, /server\.js listens on 127\.0\.0\.1:36691, accepts 1 connection/);
		const send = rows.find((r) => r.type === 'send')!;
		assert.deepEqual({ ...send }, { event: 3, type: 'send', t: 42, time: '42.0', from: 'client.js', to: 'server.js', what: 'sends', bytes: 6, preview: 'hello⏎' });
		const read = rows[8]!;
		assert.equal(read.from, 'client.js');
		assert.equal(read.to, 'server.js');
		assert.equal(read.what, 'receives 2 sends in one read');
		assert.equal(rows[0]!.to, '');
	});

	it('rows say as data what the legend explains: sends joined in one read, a send read in parts, a refused connect, a reset, a lost datagram', () => {
		const framing = draw(fixture('tcp-framing')).rows;
		const joined = framing.filter((r) => r.joinedSends !== undefined);
		assert.deepEqual(joined.map((r) => [r.type, r.joinedSends, r.what]), [['receive', 2, 'receives 2 sends in one read']]);
		const parts = framing.filter((r) => r.partOfSend === true);
		assert.deepEqual(parts.map((r) => [r.type, r.what]), [['receive', 'receives part of a send'], ['receive', 'receives part of a send']]);
		const failures = draw(fixture('failures')).rows.filter((r) => r.failure !== undefined);
		assert.deepEqual(failures.map((r) => [r.type, r.failure]), [['connect-failed', 'refused'], ['error', 'error'], ['reset', 'reset']]);
		const lost = draw(fixture('udp-echo')).rows.filter((r) => r.failure !== undefined);
		assert.deepEqual(lost.map((r) => [r.type, r.failure]), [['datagram-sent', 'lost'], ['error', 'error']]);
		assert.ok(draw(fixture('tcp-echo')).rows.every((r) => r.failure === undefined && r.partOfSend === undefined));
	});

	it('pairs nothing itself: a datagram the log does not pair with its arrival reaches no datagram-received, whatever its bytes', () => {
		const log = fixture('udp-echo');
		const sent = log.events.findIndex((e) => e.type === 'datagram-sent' && e.counterpart !== undefined);
		const arrival = log.events[sent]!.counterpart!;
		delete log.events[sent]!.counterpart;
		delete log.events[arrival]!.counterpart;
		const d = parse(draw(log).svg);
		const [line] = d.arrows(d.events[sent]!);
		assert.ok(line && d.has(line, 'arrow-unread'), 'drawn as not read, level to the lifeline of its peer');
		assert.equal(line.attribs['y2'], line.attribs['y1']);
		assert.notEqual(Number(line.attribs['y2']), d.markY(d.events[arrival]!));
	});

	it('escapes previews, names and the title, and leaves out characters XML cannot carry', () => {
		const log = fixture('tcp-echo');
		const nasty = '<b>&"x"\'</b>\u0001';
		log.processes[1]!.name = 'client<&>.js';
		(log.events[3] as SocketEvent).preview = nasty;
		const { svg, rows } = sequenceDiagram(log, { idPrefix: 'a"b', title: 'Echo <&> "quoted"' });
		assertWellFormedXml(svg);
		assert.ok(!svg.includes('<b>') && !svg.includes('client<&>'));
		assert.ok(svg.includes('&lt;b&gt;&amp;&quot;x&quot;&apos;&lt;/b&gt;·'));
		assert.ok(svg.includes('client&lt;&amp;&gt;.js'));
		assert.ok(svg.includes('<title id="a&quot;b-title">Echo &lt;&amp;&gt; &quot;quoted&quot;</title>'));
		const d = parse(svg);
		assert.ok(d.texts(d.events[3]!).join('').includes('“<b>&"x"\'</b>·”'), 'the text reads back as it was');
		assert.equal(rows[3]!.preview, nasty, 'the table rows keep the text; the component escapes it');
		assert.equal(escapeXml('a<b>&"c\''), 'a&lt;b&gt;&amp;&quot;c&apos;');
	});

	it('the strict XML check itself refuses what it should', () => {
		for (const bad of ['<svg><g></svg>', '<svg><g></g>', '<svg>a < b</svg>', '<svg>a & b</svg>', '<svg a="&"/>', '<svg a=b/>', '<svg a="1" a="2"/>', '<svg/><svg/>', '<svg><g></a></g></svg>']) {
			assert.throws(() => assertWellFormedXml(bad), Error, bad);
		}
		assertWellFormedXml('<svg a="&amp;&#10;"><g>x &lt; y &amp;&#x41;</g><line/></svg>');
	});

	it('draws a log with one program, events of a program not in the list, and a send nobody reads', () => {
		const log: EventLog = {
			format: EVENT_LOG_FORMAT,
			example: 'lonely',
			language: 'python',
			sourceHash: 'x',
			recordedAt: '2026-01-01T00:00:00Z',
			processes: [{ id: 'p1', name: 'python/client.py', args: [] }],
			events: [
				{ t: 0, process: 'p1', socket: 's1', protocol: 'tcp', type: 'connect', local: '127.0.0.1:5000', remote: '10.0.0.1:80' },
				{ t: 1, process: 'p1', socket: 's1', protocol: 'tcp', type: 'send', bytes: 5, preview: 'GET /' },
				{ t: 2000, process: 'p1', socket: 's1', protocol: 'tcp', type: 'reset', error: 'ECONNRESET' },
				{ t: 2001, process: 'p9', socket: 's2', protocol: 'udp', type: 'datagram-sent', remote: '10.0.0.2:53', bytes: 0, lost: true },
			],
			limitations: 'Python: reads are not recorded.',
		};
		const { svg, rows } = draw(log);
		const d = parse(svg);
		assert.equal(d.events.length, 4);
		assert.equal(d.lanes.size, 2);
		assert.ok(d.all.some((e) => e.name === 'g' && d.has(e, 'pause')), 'the 2-second pause is marked');
		assert.equal(rows[1]!.to, '10.0.0.1:80');
	});
});

describe('no arrow crosses a label', () => {
	/** Each arrow of the SVG as straight segments: its lines, and the three legs of a loop. */
	function segmentsOf(d: ReturnType<typeof parse>): Segment[] {
		const segments: Segment[] = [];
		for (const e of d.all.filter((e) => d.has(e, 'arrow-line'))) {
			if (e.name === 'line') segments.push({ x1: Number(e.attribs['x1']), y1: Number(e.attribs['y1']), x2: Number(e.attribs['x2']), y2: Number(e.attribs['y2']) });
			else {
				const [x, y, h, v] = /^M([\d.]+) ([\d.]+)h([\d.-]+)V([\d.]+)h/.exec(e.attribs['d']!)!.slice(1).map(Number) as [number, number, number, number];
				segments.push({ x1: x, y1: y, x2: x + h, y2: y }, { x1: x + h, y1: y, x2: x + h, y2: v }, { x1: x + h, y1: v, x2: x, y2: v });
			}
		}
		return segments;
	}

	/** Each text of the events as the box its words take (the layout's own estimate from its length). */
	function labelBoxes(d: ReturnType<typeof parse>) {
		return d.events.flatMap((g) =>
			d
				.within(g)
				.filter((e) => e.name === 'text')
				.map((t) => {
					const preview = DomUtils.findOne((e) => d.has(e, 'preview'), t.children);
					const label = preview ? { text: DomUtils.textContent(t).slice(0, -DomUtils.textContent(preview).length - 1), preview: DomUtils.textContent(preview) } : { text: DomUtils.textContent(t) };
					return { what: `event ${g.attribs['data-event']} "${DomUtils.textContent(t)}"`, box: boxOf(Number(t.attribs['x']), Number(t.attribs['y']), t.attribs['text-anchor'] as Anchor, label) };
				})
		);
	}

	for (const { name, path } of logFiles) {
		it(`${name}: every label's box is clear of every arrow and of every other label`, () => {
			const d = parse(draw(readLog(path)).svg);
			const segments = segmentsOf(d);
			const labels = labelBoxes(d);
			assert.ok(segments.length > 0 && labels.length > 0);
			for (const [k, { what, box }] of labels.entries()) {
				for (const s of segments) assert.ok(!crosses(s, box), `${what} is crossed by the arrow ${JSON.stringify(s)}`);
				for (const other of labels.slice(k + 1)) assert.ok(!overlaps(box, other.box), `${what} overlaps ${other.what}`);
			}
		});
	}

	it('the check sees a crossing: a label moved onto its own arrow fails it', () => {
		const d = parse(draw(fixture('tcp-echo')).svg);
		const [line] = d.arrows(d.events[3]!);
		const box = boxOf(Number(line!.attribs['x1']) - 20, Number(line!.attribs['y1']) + 4, 'start', { text: '6 B' });
		assert.ok(segmentsOf(d).some((s) => crosses(s, box)));
	});

	it('a label whose only clear place is too narrow for its preview goes there without it, and only where dropping previews is allowed', () => {
		const label = { text: '131,072 B', preview: '“0123456789012345678901…”' };
		const frame = { left: 60, top: 0, right: 800, bottom: 400 };
		// Its first place is crossed by an arrow; its second, left of the lifeline at x 200, fits only the short label.
		const places: Place[] = [
			{ x: 210, baseline: 74, anchor: 'start' },
			{ x: 188, baseline: 104, anchor: 'end' },
		];
		const arrow = { x1: 200, y1: 60, x2: 600, y2: 140 };
		const kept = placeTexts([{ label, places }], [arrow], [], frame);
		assert.equal(kept.clean, false);
		assert.deepEqual(kept.labels, [label]);
		const dropped = placeTexts([{ label, places }], [arrow], [], frame, true);
		assert.equal(dropped.clean, true);
		assert.deepEqual(dropped.labels, [{ text: '131,072 B' }]);
		assert.deepEqual(dropped.places, [places[1]]);
	});
});

describe('the diagram and its table show the same events in the same order at the same times', () => {
	/** The y of the row an event is drawn on: where its arrow starts (a reset: ends), or its mark's centre. */
	function eventY(d: ReturnType<typeof parse>, g: Element): number {
		const parts = d.within(g);
		const reset = parts.find((e) => e.name === 'line' && d.has(e, 'arrow-reset'));
		if (reset) return Number(reset.attribs['y2']);
		const dot = parts.find((e) => e.name === 'circle');
		if (dot) return Number(dot.attribs['cy']);
		const rect = parts.find((e) => e.name === 'rect');
		if (rect) return Number(rect.attribs['y']) + Number(rect.attribs['height']) / 2;
		const path = parts.find((e) => e.name === 'path')!;
		const y = Number(/^M[\d.]+ ([\d.]+)/.exec(path.attribs['d']!)![1]);
		return d.has(path, 'cross') ? y + 5 : y;
	}

	for (const { name, path } of logFiles) {
		it(`${name}: one time per row, going down in the table's order, each event on the row of its own time`, () => {
			const { svg, rows } = draw(readLog(path));
			const d = parse(svg);
			const times = d.all.filter((e) => e.name === 'text' && d.has(e, 'time'));
			assert.deepEqual(times.map((t) => DomUtils.textContent(t)), rows.map((r) => r.time));
			const ys = d.events.map((g) => eventY(d, g));
			ys.forEach((y, i) => {
				near(y + 4, Number(times[i]!.attribs['y']), `event ${i} (${rows[i]!.type}) is on the row of ${rows[i]!.time} ms`);
				if (i > 0) assert.ok(y > ys[i - 1]!, `event ${i} is below event ${i - 1}`);
			});
		});
	}

	// Which of the two a run logs first is a race between two processes; the tcp-framing fixture
	// (a real run, kept) caught the server's accept first.
	it('an accept logged before its connect is drawn above it, the handshake arrow going up to it', () => {
		const log = readLog(join(fixtures, 'tcp-framing.events.json'));
		const accept = log.events.findIndex((e) => e.type === 'accept');
		const connect = log.events.findIndex((e) => e.type === 'connect');
		assert.ok(accept < connect && log.events[accept]!.t < log.events[connect]!.t, 'the fixture has the accept first');
		const { svg, rows } = draw(log);
		const d = parse(svg);
		assert.deepEqual([rows[accept]!.type, rows[connect]!.type], ['accept', 'connect']);
		const [line] = d.arrows(d.events[connect]!);
		near(Number(line!.attribs['y2']), eventY(d, d.events[accept]!), 'the connect arrow ends at the accept');
		assert.ok(Number(line!.attribs['y1']) > Number(line!.attribs['y2']), 'and goes up to it');
	});
});

describe('the legend', () => {
	/** What the SVG shows, read back from it: each kind of arrow, mark and preview character it has. */
	function shown(svg: string, rows: DiagramRow[]): Set<string> {
		const d = parse(svg);
		const kinds = new Set<string>();
		const byClass: Record<string, string> = {
			'arrow-connect': 'connect',
			'arrow-fin': 'fin',
			'arrow-refused': 'refused',
			'arrow-reset': 'reset',
			'arrow-lost': 'lost',
			'arrow-unread': 'unread',
			'mark-listen': 'listen',
			'mark-accept': 'accept',
			'mark-receive': 'read',
			'mark-eof': 'eof',
			'mark-close': 'close',
			'pause-mark': 'pause',
		};
		for (const e of d.all) for (const [cls, kind] of Object.entries(byClass)) if (d.has(e, cls)) kinds.add(kind);
		d.events.forEach((g, i) => {
			for (const line of d.arrows(g)) {
				if (Number(line.attribs['y2']) < Number(line.attribs['y1'])) kinds.add('upward');
				if (d.has(line, 'arrow-outside') && !d.has(line, 'arrow-reset')) kinds.add('outside');
				if (d.has(line, 'arrow-data') && !d.has(line, 'arrow-unread') && !d.has(line, 'arrow-outside')) kinds.add('data');
				if (d.has(line, 'arrow-datagram') && !d.has(line, 'arrow-lost')) kinds.add('datagram');
			}
			if (d.has(g, 'event-error')) kinds.add('error');
			if (rows[i]!.joinedSends !== undefined) kinds.add('joined');
			if (d.arrows(g).length > 1) kinds.add('forked');
		});
		for (const p of d.all.filter((e) => d.has(e, 'preview')).map((e) => DomUtils.textContent(e))) {
			if (p.includes('⏎')) kinds.add('newline');
			if (p.includes('·')) kinds.add('nonprintable');
		}
		return kinds;
	}

	for (const { name, path } of logFiles) {
		it(`${name}: explains every kind of arrow, mark and character the diagram shows, and no other`, () => {
			const { svg, rows, legend } = draw(readLog(path));
			assert.deepEqual(legend.map((e) => e.notation).sort(), [...shown(svg, rows)].sort());
		});
	}

	it('an entry is words that say what the sample looks like, beside a decorative sample drawn with the diagram’s classes only', () => {
		const seen = new Set<string>();
		for (const { path } of logFiles) {
			for (const entry of draw(readLog(path)).legend) {
				seen.add(entry.notation);
				const d = parse(entry.sample);
				assert.equal(d.svgEl.attribs['aria-hidden'], 'true');
				assert.ok(d.svgEl.attribs['class'] === 'legend-sample');
				for (const e of d.all) for (const attr of Object.keys(e.attribs)) assert.ok(attr !== 'style' && !attr.startsWith('on'), `<${e.name} ${attr}>`);
				assert.match(entry.text, /^\S.*[.)]$/, `${entry.notation}: a sentence`);
			}
		}
		// The recorded runs and fixtures between them show every kind but a send to a program outside the run.
		const outside: EventLog = {
			format: EVENT_LOG_FORMAT,
			example: 'outside',
			language: 'node',
			sourceHash: 'x',
			recordedAt: '2026-01-01T00:00:00Z',
			processes: [{ id: 'p1', name: 'client.js', args: [] }],
			events: [{ t: 0, process: 'p1', socket: 's1', protocol: 'tcp', type: 'send', remote: '10.0.0.1:80', bytes: 5, preview: 'GET /' }],
		};
		assert.deepEqual(draw(outside).legend.map((e) => e.notation), ['outside']);
		assert.deepEqual([...seen, 'outside'].sort(), [...notations].sort());
	});

	it('says in words what colour alone would: the reset is “red dashed … with a lightning bolt”, the refused connect ends in ✕', () => {
		const legend = draw(fixture('failures')).legend;
		assert.match(legend.find((e) => e.notation === 'reset')!.text, /dashed.*lightning bolt.*RST/);
		assert.match(legend.find((e) => e.notation === 'refused')!.text, /ending in ✕/);
		assert.ok(!draw(fixture('tcp-echo')).legend.some((e) => e.notation === 'reset'), 'a diagram without a reset does not explain one');
	});
});
