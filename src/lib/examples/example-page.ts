/**
 * What the examples' own pages are called and which sections they have: for the pages
 * themselves (src/routes/), the sidebar and the instructors' table of addresses. Also where
 * each exercise lives: a section of its example's page, `/examples/<name>/#exercise-<exercise>`.
 */
import type { ExampleEntry } from './schema.ts';

/** `/examples/`, the list of every example. */
export const EXAMPLES_INDEX = { title: 'All examples', path: '/examples/' } as const;

/** `/exercises/`, the list of every exercise, with this browser's progress. */
export const EXERCISES_INDEX = { title: 'All exercises', path: '/exercises/' } as const;

/** Site-root path of an example's own page. */
export const examplePagePath = (name: string) => `${EXAMPLES_INDEX.path}${name}/`;

/** The id of an exercise's heading on its example's page. */
export const exerciseAnchor = (exercise: string) => `exercise-${exercise}`;

/** Site-root path of an exercise: its section of the example's page. */
export const exercisePath = (example: string, exercise: string) => `${examplePagePath(example)}#${exerciseAnchor(exercise)}`;

/** What an exercise's section is called, on its page and in the table of addresses. */
export const exerciseLabel = (title: string) => `Exercise: ${title}`;

export interface PageHeading {
	depth: 2 | 3;
	slug: string;
	text: string;
}

export interface ExamplePageHeadings {
	shows: PageHeading;
	inCourse: PageHeading;
	/** The example block itself (`#example-<name>`). */
	run: PageHeading;
	/** "Exercises" (h2), then one h3 per exercise; empty if it has none. */
	exercises: PageHeading[];
}

/** The sections of `/examples/<name>/`, in order. */
export function examplePageHeadings(example: Pick<ExampleEntry, 'name' | 'sandbox' | 'exercises'>): ExamplePageHeadings {
	return {
		shows: { depth: 2, slug: 'what-it-shows', text: 'What it shows' },
		inCourse: { depth: 2, slug: 'in-the-course', text: 'In the course' },
		run: { depth: 2, slug: `example-${example.name}`, text: example.sandbox ? 'Code, output and sandbox' : 'Code and output' },
		exercises:
			example.exercises.length === 0
				? []
				: [
						{ depth: 2, slug: 'exercises', text: 'Exercises' },
						...example.exercises.map((exercise): PageHeading => ({ depth: 3, slug: exerciseAnchor(exercise.name), text: exerciseLabel(exercise.title) })),
					],
	};
}

/** The headings in page order, for Starlight's "On this page". */
export const headingsInOrder = ({ shows, inCourse, run, exercises }: ExamplePageHeadings): PageHeading[] => [shows, inCourse, run, ...exercises];
