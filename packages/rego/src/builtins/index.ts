// Assembles every builtin family. Each family file registers its builtins when imported;
// add one import line per family file.
import './core.js';
import './strings.js';
import './regex.js';
import './net.js';
import './time.js';
import './units.js';
import './semver.js';
import './encoding.js';
import './collections.js';
import './numbers.js';
import './crypto.js';
import './jwt.js';
import './x509.js';
import './graphql.js';
import './providers.js';
import './runtime.js';
import './rego.js';
