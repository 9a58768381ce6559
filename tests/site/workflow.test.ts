/**
 * The GitHub Pages workflow (.github/workflows/deploy.yml) cannot run here, so it is checked
 * as a file: valid against the GitHub workflow JSON schema (SchemaStore's, as bundled in
 * @action-validator/core), and built the way this project needs: tested by `.ci/run` itself
 * (never a copy of its commands that could drift), then built with the repository's name as
 * the base path, and the folder Astro writes uploaded and deployed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateWorkflow, type ValidationError } from '@action-validator/core';
import { parse } from 'yaml';
import { siteSettings } from '../../src/site-settings.ts';
import { projectRoot } from '../support/builds.ts';

interface Step {
	name?: string;
	id?: string;
	uses?: string;
	run?: string;
	with?: Record<string, string | number | boolean>;
	env?: Record<string, string>;
}
interface Job {
	'runs-on'?: string;
	needs?: string | string[];
	permissions?: Record<string, string>;
	environment?: string | { name: string; url?: string };
	steps?: Step[];
}
interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	concurrency?: { group: string; 'cancel-in-progress'?: boolean };
	jobs: Record<string, Job>;
}

const workflowPath = '.github/workflows/deploy.yml';
const source = readFileSync(join(projectRoot, workflowPath), 'utf8');
const workflow = parse(source) as Workflow;
const ciRun = readFileSync(join(projectRoot, '.ci/run'), 'utf8');

function job(name: string): Job {
	const found = workflow.jobs[name];
	assert.ok(found, `${workflowPath} has no job "${name}"`);
	return found;
}
const steps = (name: string): Step[] => job(name).steps ?? [];
const usesAction = (step: Step, action: string) => step.uses?.split('@')[0] === action;

/** The index of the one step of `jobName` that `matches`, failing unless there is exactly one. */
function stepIndex(jobName: string, what: string, matches: (step: Step) => boolean): number {
	const indexes = steps(jobName).flatMap((step, i) => (matches(step) ? [i] : []));
	assert.equal(indexes.length, 1, `the ${jobName} job should have exactly one step that ${what}; found ${indexes.length}`);
	return indexes[0]!;
}

const runsCiScript = (step: Step) => /(^|[\s;&|])(bash\s+)?(\.\/)?\.ci\/run(\s|$)/m.test(step.run ?? '');
const runsAstroBuild = (step: Step) => /\bastro\s+build\b/.test(step.run ?? '');

/** A validation error and those of its `oneOf` branches, one line each. */
function describeErrors(errors: ValidationError[], indent = ''): string[] {
	return errors.flatMap((error) => [
		`${indent}${'path' in error ? error.path : ''} ${error.title}${error.detail ? `: ${error.detail}` : ''}`,
		...('states' in error && error.states ? error.states.flatMap((state) => describeErrors(state.errors, `${indent}  `)) : []),
	]);
}

test('the workflow is valid against the GitHub workflow JSON schema', () => {
	const { actionType, errors } = validateWorkflow(source);
	assert.equal(actionType, 'workflow');
	assert.deepEqual(describeErrors(errors), []);
});

test('the schema check really rejects a broken workflow (a misspelt key, a wrong value)', () => {
	assert.notDeepEqual(validateWorkflow(source.replace(/^(\s+)runs-on:/m, '$1runs_on:')).errors, []);
	assert.notDeepEqual(validateWorkflow(source.replace(/cancel-in-progress: \w+/, 'cancel-in-progress: sometimes')).errors, []);
});

test('it runs on every push to main and by hand', () => {
	assert.deepEqual(Object.keys(workflow.on).sort(), ['push', 'workflow_dispatch']);
	assert.deepEqual(workflow.on['push'], { branches: ['main'] });
});

test('it has least-privilege permissions and one Pages deployment at a time', () => {
	assert.deepEqual(workflow.permissions, { contents: 'read' }, 'the default token only reads');
	assert.equal(job('build').permissions, undefined, 'the build job needs no more than reading the repository');
	assert.deepEqual(job('deploy').permissions, { pages: 'write', 'id-token': 'write' });
	assert.equal(workflow.concurrency?.group, 'pages');
	assert.equal(workflow.concurrency?.['cancel-in-progress'], false, 'a deployment under way is never cancelled halfway');
});

test('it has a build job and a deploy job that needs it', () => {
	assert.deepEqual(Object.keys(workflow.jobs).sort(), ['build', 'deploy']);
	assert.equal(job('build')['runs-on'], 'ubuntu-latest');
	assert.deepEqual([job('deploy').needs].flat(), ['build']);
	const environment = job('deploy').environment;
	assert.equal(typeof environment === 'string' ? environment : environment?.name, 'github-pages');
	const deploy = stepIndex('deploy', 'uses actions/deploy-pages', (step) => usesAction(step, 'actions/deploy-pages'));
	if (typeof environment === 'object' && environment.url) {
		assert.match(environment.url, new RegExp(`steps\\.${steps('deploy')[deploy]!.id}\\.outputs\\.page_url`));
	}
});

test('it uses current major versions of the actions', () => {
	const minimum: Record<string, number> = {
		'actions/checkout': 6,
		'actions/setup-node': 6,
		'actions/upload-pages-artifact': 5,
		'actions/deploy-pages': 5,
	};
	const used = Object.values(workflow.jobs).flatMap((j) => (j.steps ?? []).flatMap((step) => (step.uses ? [step.uses] : [])));
	assert.deepEqual(used.map((uses) => uses.split('@')[0]).sort(), Object.keys(minimum).sort(), 'only the four official actions');
	for (const uses of used) {
		const [action, ref] = uses.split('@') as [string, string | undefined];
		const major = Number(/^v(\d+)$/.exec(ref ?? '')?.[1]);
		assert.ok(major >= minimum[action]!, `${uses}: expected ${action}@v${minimum[action]} or newer`);
	}
});

test('the build job takes Node from .nvmrc, a version the project supports', () => {
	const setup = steps('build')[stepIndex('build', 'uses actions/setup-node', (step) => usesAction(step, 'actions/setup-node'))]!;
	assert.equal(setup.with?.['node-version-file'], '.nvmrc');
	assert.equal(setup.with?.['node-version'], undefined, 'one source of the version: .nvmrc');
	const nvmrc = readFileSync(join(projectRoot, '.nvmrc'), 'utf8').trim();
	const [major = 0, minor = 0] = nvmrc.replace(/^v/, '').split('.').map(Number);
	const engines = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
	const [, wantMajor = '0', wantMinor = '0'] = /^>=\s*(\d+)\.?(\d+)?/.exec(engines) ?? [];
	assert.ok(
		major > Number(wantMajor) || (major === Number(wantMajor) && minor >= Number(wantMinor)),
		`.nvmrc (${nvmrc}) does not satisfy package.json engines (${engines})`
	);
});

test('the build job tests with .ci/run itself, and repeats none of its commands', () => {
	const ciStep = stepIndex('build', 'runs .ci/run', runsCiScript);
	const checkout = stepIndex('build', 'uses actions/checkout', (step) => usesAction(step, 'actions/checkout'));
	const setupNode = stepIndex('build', 'uses actions/setup-node', (step) => usesAction(step, 'actions/setup-node'));
	assert.ok(checkout < setupNode && setupNode < ciStep, 'checkout, then Node, then .ci/run');
	assert.equal(steps('build')[checkout]!.with?.['fetch-depth'], 0, 'the whole history, for the "Last updated" dates');

	// The commands of .ci/run that install and test the project (env assignments before them allowed).
	const projectCommands = [...ciRun.matchAll(/^[ \t]*(?:\w+=\S*[ \t]+)*(npm[ \t]+(ci|install|i|test|t|run[ \t]+[\w:-]+)\b.*)$/gm)].map(
		(match) => match[2]!.replace(/[ \t]+/g, ' ')
	);
	assert.ok(projectCommands.includes('ci') && projectCommands.includes('test'), `.ci/run should run npm ci and npm test; found ${projectCommands}`);
	const runs = Object.entries(workflow.jobs).flatMap(([name, j]) => (j.steps ?? []).flatMap((step) => (step.run ? [{ name, run: step.run }] : [])));
	for (const { name, run } of runs) {
		for (const command of projectCommands) {
			assert.doesNotMatch(run, new RegExp(`\\bnpm\\s+${command.replace(' ', '\\s+')}\\b`), `the ${name} job runs "npm ${command}" itself; leave it to .ci/run`);
		}
		assert.doesNotMatch(run, /\bnpm\s+(ci|install|i|test|t|run)\b|\bplaywright\b|\bnode\s+--test\b/, `the ${name} job installs or tests outside .ci/run: ${run}`);
	}
});

test('the Pages build uses the repository name as base path, and the folder it writes is uploaded', () => {
	const ciStep = stepIndex('build', 'runs .ci/run', runsCiScript);
	const build = stepIndex('build', 'runs astro build', runsAstroBuild);
	const upload = stepIndex('build', 'uses actions/upload-pages-artifact', (step) => usesAction(step, 'actions/upload-pages-artifact'));
	assert.ok(ciStep < build && build < upload, '.ci/run (whose npm test also builds dist/ at /), then the Pages build, then the upload');
	const buildStep = steps('build')[build]!;

	// What GitHub puts in the expressions, for a project site "netcourse-demo" of "Some-Owner".
	const context: Record<string, string> = {
		'github.event.repository.name': 'netcourse-demo',
		'github.repository_owner': 'Some-Owner',
		'github.repository': 'Some-Owner/netcourse-demo',
		'github.server_url': 'https://github.com',
		'github.ref_name': 'main',
	};
	const expand = (text: string) =>
		text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (expression, name: string) => {
			assert.ok(name in context, `${expression} is not an expression this test knows`);
			return context[name]!;
		});
	const run = expand(buildStep.run!);
	const env = Object.fromEntries(Object.entries(buildStep.env ?? {}).map(([key, value]) => [key, expand(String(value))]));
	const flag = (name: string) => /^["']?([^"'\s]+)["']?$/.exec(new RegExp(`--${name}[ =](\\S+)`).exec(run)?.[1] ?? '')?.[1];
	assert.ok(
		[buildStep.run, ...Object.values(buildStep.env ?? {})].some((text) => /\$\{\{\s*github\.event\.repository\.name\s*\}\}/.test(String(text))),
		'the base path comes from ${{ github.event.repository.name }}'
	);

	// The settings astro.config.mjs reads (src/site-settings.ts), with any command-line flag on top.
	const settings = siteSettings(env);
	assert.equal(flag('base') ?? settings.base, '/netcourse-demo/');
	assert.equal(flag('site') ?? settings.site, 'https://Some-Owner.github.io');
	if (settings.editBaseUrl !== siteSettings({}).editBaseUrl) {
		assert.equal(settings.editBaseUrl, 'https://github.com/Some-Owner/netcourse-demo/edit/main/');
	}
	const outDir = flag('outDir') ?? settings.outDir;
	const folder = (path: string) => path.replace(/^\.\//, '').replace(/\/+$/, '');
	// Without a path the action uploads _site/, which Astro never writes.
	const uploaded = steps('build')[upload]!.with?.['path'];
	assert.equal(typeof uploaded, 'string', 'upload-pages-artifact is given the path to upload');
	assert.equal(folder(String(uploaded)), folder(outDir), 'upload-pages-artifact uploads the folder astro build writes');
});
