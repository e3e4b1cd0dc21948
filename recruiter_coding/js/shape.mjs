// What sets the running time of the candidate's JavaScript, read from its syntax tree (espree,
// ESLint's parser; nothing is run): how many loops and how deep they nest, whether it sorts
// (and inside a loop), whether it keeps a Set or a Map. Reads the code on stdin; prints
// {"loop_depth", "loops", "sorts", "sort_in_loop", "hashes"} as JSON, or {"error"} when the
// code does not parse. recruiter_coding/shape.py runs it.
import { readFileSync } from "node:fs";
import * as espree from "espree";

// Array methods that call their callback once per element: a loop in all but name.
const ITERATING = new Set(["forEach", "map", "filter", "reduce", "reduceRight", "some", "every",
  "find", "findIndex", "findLast", "findLastIndex", "flatMap"]);
// Per loop: the parts made once, before it runs (read outside it).
const MADE_BEFORE = { ForStatement: ["init"], ForInStatement: ["right"],
  ForOfStatement: ["right"], WhileStatement: [], DoWhileStatement: [] };
const SKIPPED = new Set(["parent", "loc", "range", "start", "end"]);

const code = readFileSync(0, "utf8");
let tree;
try {
  tree = espree.parse(code, { ecmaVersion: "latest", sourceType: "script" });
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e.message) }));
  process.exit(0);
}

const shape = { loop_depth: 0, loops: 0, sorts: false, sort_in_loop: false, hashes: false };

function member(node, names) {
  return node.type === "CallExpression" && node.callee.type === "MemberExpression"
    && !node.callee.computed && names.includes(node.callee.property.name);
}

function children(node, keys, depth) {
  for (const key of keys) walk(node[key], depth);
}

function walk(node, depth) {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) { for (const child of node) walk(child, depth); return; }
  if (typeof node.type !== "string") return;
  shape.loop_depth = Math.max(shape.loop_depth, depth);
  if (member(node, ["sort", "toSorted"])) {
    shape.sorts = true;
    shape.sort_in_loop ||= depth > 0;
  }
  if (node.type === "NewExpression" && node.callee.type === "Identifier"
      && ["Set", "Map"].includes(node.callee.name)) {
    shape.hashes = true;
  }
  const keys = Object.keys(node).filter((k) => !SKIPPED.has(k) && k !== "type");
  if (node.type in MADE_BEFORE) {
    shape.loops += 1;
    const before = MADE_BEFORE[node.type];
    children(node, before, depth);
    shape.loop_depth = Math.max(shape.loop_depth, depth + 1);
    children(node, keys.filter((k) => !before.includes(k)), depth + 1);
  } else if (member(node, [...ITERATING])) {
    shape.loops += 1;
    walk(node.callee, depth);  // the array it runs over is made outside the loop
    shape.loop_depth = Math.max(shape.loop_depth, depth + 1);
    walk(node.arguments, depth + 1);
  } else {
    children(node, keys, depth);
  }
}

walk(tree.body, 0);
process.stdout.write(JSON.stringify(shape));
