/**
 * The import rules of the workspace, checked by tests/imports.test.ts with dependency-cruiser:
 * no import cycle, and no import into another package's folder by relative path (a package is reached
 * through its name and its exports map, so its build and its published files see the same thing).
 */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
    {
      name: "no-reaching-into-another-package",
      comment: "Import a workspace package by its name (its exports), never by a relative path into its folder.",
      severity: "error",
      from: { path: "^(packages/[^/]+|contracts|bench|tests|examples/[^/]+)/" },
      to: { dependencyTypes: ["local"], path: "^(packages/[^/]+|contracts|bench|examples/[^/]+)/", pathNot: "^$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|test-results)/" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".d.ts", ".json"],
    },
  },
};
