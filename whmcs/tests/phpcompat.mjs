// Checks that the addon's PHP files parse and call only functions that
// exist, under each PHP version given, using PHP.wasm builds of PHP.
//
// Usage: node phpcompat.mjs VERSION[,VERSION...] FILE...
// The @php-wasm/node package and its per-version packages must be on the
// module path (NODE_PATH or a node_modules folder above this file).
import { loadNodeRuntime } from '@php-wasm/node';
import { PHP } from '@php-wasm/universal';
import fs from 'node:fs';

// Functions that WHMCS defines, which the addon may call.
const whmcsFunctions = ['add_hook', 'logModuleCall', 'localAPI', 'logActivity'];

const [versions, ...files] = process.argv.slice(2);
const sources = Object.fromEntries(files.map((file) => [file, fs.readFileSync(file, 'utf8')]));

// The PHP program writes one line per problem: FILE: message.
const checker = `<?php
$files = json_decode(file_get_contents('/tmp/files.json'), true);
$defined = array_map('strtolower', json_decode(file_get_contents('/tmp/whmcs.json'), true));
$calls = array();
foreach ($files as $name => $code) {
    try {
        $tokens = token_get_all($code, TOKEN_PARSE);
    } catch (ParseError $e) {
        echo $name . ': parse error on line ' . $e->getLine() . ': ' . $e->getMessage() . "\\n";
        continue;
    }
    $previous = array();
    foreach ($tokens as $i => $token) {
        if (!is_array($token)) {
            if ($token === '(' && count($previous) > 0 && $previous[0][0] === T_STRING) {
                $before = isset($previous[1]) ? $previous[1] : null;
                $kind = $before === null ? null : (is_array($before) ? $before[0] : $before);
                if (!in_array($kind, array(T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION, T_NEW, T_NS_SEPARATOR), true)) {
                    $calls[] = array($name, $previous[0][1], $previous[0][2]);
                }
            }
            array_unshift($previous, $token);
            continue;
        }
        if ($token[0] === T_WHITESPACE || $token[0] === T_COMMENT || $token[0] === T_DOC_COMMENT) {
            continue;
        }
        if ($token[0] === T_FUNCTION) {
            $next = $tokens[$i + 2];
            if (is_array($next) && $next[0] === T_STRING) {
                $defined[] = strtolower($next[1]);
            }
        }
        array_unshift($previous, $token);
        $previous = array_slice($previous, 0, 3);
    }
}
$keywords = array('array', 'isset', 'empty', 'unset', 'list', 'exit', 'die', 'eval', 'echo', 'print', 'include', 'require', 'require_once', 'include_once');
foreach ($calls as $call) {
    $function = strtolower($call[1]);
    if (!function_exists($function) && !in_array($function, $defined, true) && !in_array($function, $keywords, true)) {
        echo $call[0] . ': line ' . $call[2] . ': function ' . $call[1] . '() does not exist in PHP ' . PHP_VERSION . "\\n";
    }
}
echo 'checked PHP ' . PHP_VERSION . "\\n";
`;

let failed = false;
for (const version of versions.split(',')) {
  const php = new PHP(await loadNodeRuntime(version, { emscriptenOptions: { processId: 1 } }));
  php.writeFile('/tmp/files.json', JSON.stringify(sources));
  php.writeFile('/tmp/whmcs.json', JSON.stringify(whmcsFunctions));
  const result = await php.run({ code: checker });
  const lines = result.text.trim().split('\n');
  for (const line of lines) {
    console.log(line);
  }
  if (lines.length !== 1 || !lines[0].startsWith('checked PHP ' + version)) {
    failed = true;
  }
  php.exit();
}
process.exit(failed ? 1 : 0);
