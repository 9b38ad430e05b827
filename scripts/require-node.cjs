/*
 * Runs before every npm script, on whatever Node the user has: the project's .ts files run directly
 * with Node's built-in type stripping (unflagged since 22.18 and 23.6), and an older Node fails with
 * ERR_UNKNOWN_FILE_EXTENSION and a stack trace instead of saying what to install. Plain ES5 on purpose.
 */
'use strict';

var RECOMMENDED = 24;

/** Whether this Node runs .ts files without flags. */
function supports(version) {
  var parts = String(version).replace(/^v/, '').split('.');
  var major = Number(parts[0]);
  var minor = Number(parts[1]);
  if (major === 22) return minor >= 18;
  if (major === 23) return minor >= 6;
  return major > 23;
}

function sentence(version) {
  return (
    'ia_agent needs Node.js 22.18 or newer (' + RECOMMENDED + ' recommended) to run its TypeScript directly, ' +
    'but this is Node.js v' + String(version).replace(/^v/, '') + ': install Node ' + RECOMMENDED +
    ' with "nvm install ' + RECOMMENDED + '", "npm install -g node@' + RECOMMENDED + '" or from https://nodejs.org, ' +
    'then run the command again.'
  );
}

module.exports = { supports: supports, sentence: sentence };

if (require.main === module && !supports(process.versions.node)) {
  console.error(sentence(process.versions.node));
  process.exit(1);
}
