import { LANGUAGES, type Language } from '../examples/languages.ts';

/** Where the reader's choice of example language (Node.js or Python) is remembered. */
export const LANGUAGE_STORAGE_KEY = 'netcourse-language';
/** Dispatched on `document` when the shown language changes. */
export const LANGUAGE_CHANGE_EVENT = 'netcourse:language';

/** The language shown until the reader picks one: the first twin, Python. */
export const DEFAULT_LANGUAGE: Language = LANGUAGES[0];

/**
 * Runs inline in <head> before the page is drawn: marks <html> with the remembered language
 * (Python until the reader picks one), so CSS shows only that language's code from the first
 * paint, with no flash of both. Without JavaScript there is no mark and both languages are shown.
 */
export const LANGUAGE_HEAD_SCRIPT = `(function(){var l=${JSON.stringify(DEFAULT_LANGUAGE)};try{l=localStorage.getItem(${JSON.stringify(LANGUAGE_STORAGE_KEY)})||l}catch(e){}document.documentElement.dataset.language=l})()`;
