// Runs after `pnpm install`: reports which Node the workspace scripts will use.
// The toolchain Node is the `node` devDependency (its binary lands in node_modules/.bin),
// so every pnpm script and turbo task runs on it whatever the system Node is.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.warn(
    `[payauth] scripts are running on Node ${process.versions.node}; expected the pinned toolchain Node (24). ` +
      'Run scripts through pnpm so node_modules/.bin comes first on PATH.',
  );
}
