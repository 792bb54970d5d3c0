// Learning Locker's xapi-validation (npm) over statements given as a JSON array on stdin.
// Prints a JSON array with one entry per statement: [] when valid, else the problems found.
'use strict';
const path = require('path');
const validate = require(path.join(__dirname, '..', '..', 'node_modules', 'xapi-validation')).default;

function describe(warnings) {
  // The validator returns a list of rulr warnings (it does not throw): one per problem, each with a path.
  return warnings.map((w) => {
    const where = Array.isArray(w.path) ? w.path.join('.') : '';
    const what = w.typeName ? `${w.name} (${w.typeName})` : w.name || 'Error';
    return `${where}: ${what}${w.data !== undefined ? ' ' + JSON.stringify(w.data) : ''}`;
  });
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const statements = JSON.parse(input);
  const out = statements.map((statement) => {
    try { return describe(validate(statement) || []); } catch (error) { return [`crashed: ${error}`]; }
  });
  process.stdout.write(JSON.stringify(out));
});
