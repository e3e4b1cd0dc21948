// What sets the running time of the candidate's JavaScript, read from its syntax tree (espree,
// ESLint's parser; nothing is run): the deepest nesting of loops, whether it sorts, whether it
// keeps a Set or a Map. Reads the code on stdin; prints {"loop_depth", "sorts", "hashes"} as
// JSON, or {"error"} when the code does not parse. recruiter_coding/shape.py runs it.
import { readFileSync } from "node:fs";
import * as espree from "espree";

// Array methods that call their callback once per element: a loop in all but name.
const ITERATING = new Set(["forEach", "map", "filter", "reduce", "reduceRight", "some", "every",
  "find", "findIndex", "findLast", "findLastIndex", "flatMap"]);
const LOOPS = new Set(["ForStatement", "ForInStatement", "ForOfStatement", "WhileStatement",
  "DoWhileStatement"]);

const code = readFileSync(0, "utf8");
let tree;
try {
  tree = espree.parse(code, { ecmaVersion: "latest", sourceType: "script" });
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e.message) }));
  process.exit(0);
}

let deepest = 0;
let sorts = false;
let hashes = false;

function isIteratingCall(node) {
  return node.type === "CallExpression" && node.callee.type === "MemberExpression"
    && !node.callee.computed && ITERATING.has(node.callee.property.name);
}

function walk(node, depth) {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) { for (const child of node) walk(child, depth); return; }
  if (typeof node.type !== "string") return;
  if (node.type === "CallExpression" && node.callee.type === "MemberExpression"
      && !node.callee.computed && ["sort", "toSorted"].includes(node.callee.property.name)) {
    sorts = true;
  }
  if (node.type === "NewExpression" && node.callee.type === "Identifier"
      && ["Set", "Map"].includes(node.callee.name)) {
    hashes = true;
  }
  let inner = depth;
  if (LOOPS.has(node.type)) {
    inner = depth + 1;
  } else if (isIteratingCall(node)) {
    walk(node.callee, depth);  // the array it runs over is outside the loop
    inner = depth + 1;
    deepest = Math.max(deepest, inner);
    walk(node.arguments, inner);
    return;
  }
  deepest = Math.max(deepest, inner);
  for (const key of Object.keys(node)) {
    if (key !== "parent" && key !== "loc" && key !== "range") walk(node[key], inner);
  }
}

walk(tree.body, 0);
process.stdout.write(JSON.stringify({ loop_depth: deepest, sorts, hashes }));
