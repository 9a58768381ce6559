// Makes `/// <reference types="node" />` (used inside @types/node's own dependencies) resolve
// to Node 18's declarations, so the examples are checked against Node 18 only.
/// <reference path="../../../../node_modules/@types/node18/index.d.ts" />
