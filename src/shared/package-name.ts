/**
 * The registry name this project is published under (package.json "name"; test/unit/package-name.test.ts
 * keeps the two equal). Not `docker-mcp`: that name on the npm registry is an unrelated package, so
 * `npx -y docker-mcp …` would download and run someone else's code with the user's credentials in its
 * env. `npx` runs the bin named like the package, hence the `docker-mcp-gateway` bin beside `docker-mcp`.
 * A module of its own so the CLI's help can name it without loading the templates.
 */
export const PACKAGE_NAME = 'docker-mcp-gateway';
