import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nginxHeaders } from '../../src/lib/security/nginx-headers.ts';

describe('the policy as an nginx snippet', () => {
	const policy = `default-src 'none'; style-src 'self' ${Array.from({ length: 200 }, (_, i) => `'sha256-${String(i).padStart(43, 'x')}='`).join(' ')}; base-uri 'self'`;

	it('cuts a policy longer than nginx takes in one parameter into variables that join to exactly the policy', () => {
		assert.ok(policy.length > 10_000);
		const snippet = nginxHeaders(policy);
		const pieces = [...snippet.matchAll(/^set \$netcourse_csp_(\d+) "([^"]*)";$/gm)];
		assert.ok(pieces.length >= 4);
		for (const [, , piece] of pieces) assert.ok(piece!.length + 2 <= 4096);
		const header = /^add_header Content-Security-Policy "((?:\$netcourse_csp_\d+)+)" always;$/m.exec(snippet)?.[1];
		assert.equal(header, pieces.map(([, n]) => `$netcourse_csp_${n}`).join(''));
		assert.equal(pieces.map(([, , piece]) => piece).join(''), policy);
		assert.match(snippet, /^add_header X-Content-Type-Options nosniff always;$/m);
	});

	it('refuses a policy with a character nginx would read as a variable or a quote', () => {
		assert.throws(() => nginxHeaders(`script-src 'self' "x"`), /nginx/);
		assert.throws(() => nginxHeaders(`script-src $x`), /nginx/);
	});
});
