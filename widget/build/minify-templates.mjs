// @ts-check
/**
 * A small Rollup plugin that minifies the static text of Lit's css`…`, html`…` and svg`…`
 * templates (terser leaves template text alone). Whitespace runs that contain a line break are
 * what a browser renders as one space anyway, so they become one space in markup; CSS also loses
 * comments and the spaces around its punctuation. Expressions (`${…}`) are kept as they are.
 */

/** @param {string} text */
function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}');
}

/** @param {string} text */
function minifyMarkup(text) {
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * Finds the end of the template literal that starts after `start` (just past the backtick),
 * returning the static chunks' ranges, skipping `${…}` expressions (which may hold templates).
 * @param {string} code
 * @param {number} start
 */
function scanTemplate(code, start) {
  /** @type {Array<[number, number]>} */
  const chunks = [];
  let i = start;
  let chunkStart = start;
  while (i < code.length) {
    const ch = code[i];
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '`') {
      chunks.push([chunkStart, i]);
      return { end: i + 1, chunks };
    }
    if (ch === '$' && code[i + 1] === '{') {
      chunks.push([chunkStart, i]);
      i = skipExpression(code, i + 2);
      chunkStart = i;
      continue;
    }
    i++;
  }
  throw new Error('unterminated template literal');
}

/** Skips a `${…}` expression body, returning the index just past its closing brace. */
function skipExpression(/** @type {string} */ code, /** @type {number} */ i) {
  let depth = 1;
  while (i < code.length) {
    const ch = code[i];
    if (ch === '`') {
      i = scanTemplate(code, i + 1).end;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const quote = ch;
      i++;
      while (i < code.length && code[i] !== quote) i += code[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (ch === '{') depth++;
    if (ch === '}' && --depth === 0) return i + 1;
    i++;
  }
  throw new Error('unterminated template expression');
}

/** @returns {import('rollup').Plugin} */
export function minifyTemplates() {
  return {
    name: 'minify-lit-templates',
    transform(code, id) {
      if (!/[\\/]widget[\\/]src[\\/]/.test(id)) return null;
      // Every tagged template, nested ones included (they sit inside expressions, which are
      // never edited), gives the ranges of its static text.
      const tag = /\b(css|html|svg) *`/g;
      /** @type {Array<[number, number, string]>} */
      const edits = [];
      let match;
      while ((match = tag.exec(code))) {
        const start = match.index + match[0].length;
        const minify = match[1] === 'css' ? minifyCss : minifyMarkup;
        for (const [a, b] of scanTemplate(code, start).chunks) {
          edits.push([a, b, minify(code.slice(a, b))]);
        }
        tag.lastIndex = start;
      }
      edits.sort((x, y) => x[0] - y[0]);
      let out = '';
      let pos = 0;
      for (const [a, b, text] of edits) {
        if (a < pos) continue;
        out += code.slice(pos, a) + text;
        pos = b;
      }
      return { code: out + code.slice(pos), map: null };
    },
  };
}
