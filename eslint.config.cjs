// ESLint flat config for the player's JS (src/scormkit/player/static): `npm run lint`.
// The sources of one shipped script (static/bundles.json) share one function scope once concatenated
// (player/__init__.py script), so each source may use what the other sources of its scripts declare at top level.
'use strict';
const fs = require('fs');
const path = require('path');
const espree = require('espree');
const js = require('@eslint/js');
const globals = require('globals');

const STATIC = 'src/scormkit/player/static';
// player/page.js stops the player on a page without course data: a return at its top level.
const PARSER_OPTIONS = { ecmaVersion: 5, sourceType: 'script', ecmaFeatures: { globalReturn: true } };
const bundles = JSON.parse(fs.readFileSync(path.join(__dirname, STATIC, 'bundles.json'), 'utf8'));

/* The names a source declares at its top level: function declarations and var statements. */
function declared(source) {
  const tree = espree.parse(fs.readFileSync(path.join(__dirname, STATIC, source), 'utf8'), PARSER_OPTIONS);
  const names = [];
  tree.body.forEach(function (node) {
    if (node.type === 'FunctionDeclaration') names.push(node.id.name);
    if (node.type === 'VariableDeclaration') node.declarations.forEach(function (d) { names.push(d.id.name); });
  });
  return names;
}

const sources = [...new Set(Object.values(bundles).flat())];
const names = Object.fromEntries(sources.map(function (s) { return [s, declared(s)]; }));

/* What `source` may use from the other sources it is shipped with. */
function shared(source) {
  const out = {};
  Object.values(bundles).filter(function (b) { return b.includes(source); }).forEach(function (bundle) {
    bundle.filter(function (s) { return s !== source; }).forEach(function (s) {
      names[s].forEach(function (n) { out[n] = 'writable'; });
    });
  });
  // Its own names are its own, not a redeclared global.
  names[source].forEach(function (n) { delete out[n]; });
  return out;
}

module.exports = [
  {
    files: [STATIC + '/**/*.js'],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 5,
      sourceType: 'script',
      globals: { ...globals.browser, Promise: 'readonly', Uint8Array: 'readonly' }
    },
    rules: {
      ...js.configs.recommended.rules,
      // Top-level names are shared with the other sources of a script, and a catch may ignore its error.
      'no-unused-vars': ['error', { vars: 'local', args: 'none', caughtErrors: 'none' }],
      // Shipped, every top-level name is local to the script's function: it may reuse a browser global's name.
      'no-redeclare': ['error', { builtinGlobals: false }]
    }
  },
  { files: [STATIC + '/player/page.js'], languageOptions: { parserOptions: { ecmaFeatures: { globalReturn: true } } } },
  ...sources.map(function (source) {
    return { files: [STATIC + '/' + source], languageOptions: { globals: shared(source) } };
  })
];
