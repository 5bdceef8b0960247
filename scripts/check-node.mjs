// Guard run before `npm start` and `npm test`: wrangler and vitest need Node >= 22.12,
// which this project takes from the `node` devDependency via npm scripts' PATH.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Node ${process.versions.node} is too old: this project needs >= 22.12 (it ships one as the "node" devDependency). ` +
      `Run "npm install" (not --ignore-scripts) and start tools through npm scripts or npx, never ./node_modules/.bin directly.`,
  );
  process.exit(1);
}
