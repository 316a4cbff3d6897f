// The name the rendered client configs run with npx is the name this package is published under, and
// both bins point at the one launcher. `docker-mcp` on the npm registry is an unrelated package:
// a config or doc that says `npx docker-mcp` runs somebody else's code with the user's token.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_NOTE, PACKAGE_NAME, clientFiles, dockerEndpoints, kubernetesEndpoints } from '../../src/templates/clients/index.js';
import { configFrom, matrix } from './installer-helpers.js';

/** A command line that runs `npx docker-mcp <subcommand>`, i.e. the registry's unrelated package. */
const RUNS_UNRELATED = /npx\s+(-y\s+)?docker-mcp\s+(init|serve|connect|plan|apply|status|destroy|doctor|image)\b/;

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name: string; bin: Record<string, string> };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { name: string; packages: Record<string, { name?: string; bin?: Record<string, string> }> };

describe('the published name', () => {
  it('package.json and its lock say docker-mcp-gateway, with the bins docker-mcp and docker-mcp-gateway on one launcher', () => {
    expect(pkg.name).toBe('docker-mcp-gateway');
    expect(PACKAGE_NAME).toBe(pkg.name);
    // npx runs the bin named like the package; `docker-mcp` is the short name once installed.
    expect(pkg.bin).toEqual({ 'docker-mcp': 'bin/docker-mcp.js', 'docker-mcp-gateway': 'bin/docker-mcp.js' });
    expect([lock.name, lock.packages['']?.name]).toEqual([pkg.name, pkg.name]);
    expect(lock.packages['']?.bin).toEqual(pkg.bin);
  });

  it('every rendered stdio client entry runs npx -y docker-mcp-gateway connect', () => {
    for (const [label, data] of Object.entries(matrix)) {
      const c = configFrom(data);
      for (const eps of [kubernetesEndpoints(c), dockerEndpoints(c)]) {
        const file = clientFiles(c, eps).find((f) => f.path === 'clients/claude-desktop.json')!;
        const servers = (JSON.parse(file.contents) as { mcpServers: Record<string, { command: string; args: string[] }> }).mcpServers;
        for (const [id, entry] of Object.entries(servers)) {
          expect([entry.command, ...entry.args.slice(0, 3)], `${label} ${id}`).toEqual(['npx', '-y', 'docker-mcp-gateway', 'connect']);
        }
      }
    }
  });

  it('no doc, example or README line runs `npx docker-mcp` (the unrelated registry package)', () => {
    const files = ['README.md', 'docs/installer.md', 'docs/docker.md', 'examples/basic/clients/claude-desktop.json',
      'examples/production/clients/claude-desktop.json', 'examples/docker/clients/claude-desktop.json'];
    for (const f of files) {
      const text = readFileSync(new URL(f, root), 'utf8');
      expect(text, f).not.toMatch(RUNS_UNRELATED);
      expect(text, f).not.toMatch(/"-y",\s*"docker-mcp"/);
    }
  });

  it('NOTES.md (both targets) says how to run its `docker-mcp …` commands without a global install', () => {
    for (const example of ['basic', 'production', 'docker']) {
      const text = readFileSync(new URL(`examples/${example}/NOTES.md`, root), 'utf8');
      expect(text, example).toContain(COMMAND_NOTE);
      expect(text, example).not.toMatch(RUNS_UNRELATED);
    }
    expect(COMMAND_NOTE).toContain('npm install -g docker-mcp-gateway');
    expect(COMMAND_NOTE).toContain('`npx docker-mcp-gateway …`');
  });
});
