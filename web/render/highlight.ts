/**
 * @module render/highlight
 * Syntax highlighting for answers' code blocks: highlight.js with a few common languages, as a
 * Marked extension (this chunk does not import marked itself, so marked stays in the widget's file). Its own chunk, loaded only once an answer has a code block (markdown.ts), so
 * the widget's first load does not carry it. Token classes are coloured by the stylesheet.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { markedHighlight } from 'marked-highlight';

for (const [name, language] of Object.entries({ bash, css, javascript, json, python, sql, typescript, xml, yaml }))
  hljs.registerLanguage(name, language);

/** A block whose language is not registered stays plain (escaped by marked-highlight). */
export const highlightExtension = () =>
  markedHighlight({
    emptyLangClass: 'hljs',
    langPrefix: 'hljs language-',
    highlight: (code, lang) => (lang && hljs.getLanguage(lang) ? hljs.highlight(code, { language: lang }).value : code),
  });
