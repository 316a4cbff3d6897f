// Issue 14, class 4: image_build sources fetched by the daemon itself. `ADD <url>` is downloaded by
// dockerd from the host's network namespace, whatever the build network, so a build could read a
// service bound to the host's loopback. A loopback HTTP listener shows what reaches it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { imageBuild } from '../../src/gateway/tools/images-build.js';
import { testDocker, testEnv, uniqueName } from '../helpers/env.js';
import { defaultPolicyOptions, policyToolContext } from '../helpers/policy-context.js';
import { callTool } from '../helpers/tool-context.js';
import { buildContextTar } from '../../src/gateway/tools/images-build-context.js';
import { callRaw, connectStdio, textOf } from '../helpers/mcp-clients.js';
import { imageExists, loopbackListener, rawBuild, removeImages, runIn, type Listener } from './policy-build-helpers.js';

const docker = testDocker();
const run = uniqueName('remote');
const SECRET = `loopback-secret-${run}`;
const built = `dmcp-remote-${run}:1`;
const onbuildAdd = `dmcp-onbuild-add-${run}:1`;
const onbuildBacktick = `dmcp-onbuild-bt-${run}:1`;
let listener: Listener;

beforeAll(async () => {
  listener = await loopbackListener(SECRET);
  // A base whose trigger fetches from the loopback listener (built outside the gateway).
  await rawBuild(`FROM ${testEnv.testImage}\nONBUILD ADD ${listener.url}/from-trigger /stolen.txt\n`, onbuildAdd);
  // A trigger that is a URL only under the escape token of the Dockerfile that runs it (a backtick).
  await rawBuild(`FROM ${testEnv.testImage}\nONBUILD ADD http:\`//${listener.url.slice('http://'.length)}/backtick-trigger /x\n`, onbuildBacktick);
});

afterEach(async () => {
  listener.requests.length = 0;
  await removeImages([built]);
});

afterAll(async () => {
  await removeImages([onbuildAdd, onbuildBacktick]);
  await listener.close();
});

const refused = async (dockerfile: string, buildArgs: Record<string, string> = {}) => {
  const ctx = policyToolContext();
  const attempt = callTool(imageBuild, { dockerfile, tags: [built], build_args: buildArgs, network: 'none' }, ctx);
  await expect(attempt).rejects.toThrow(/policy rule build-remote-source: .*remote source, which the Docker daemon would fetch itself/);
  await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining('set allow_remote_build_sources to true') as unknown });
  expect(listener.requests).toEqual([]);
  expect(await imageExists(built)).toBe(false);
  return ctx;
};

describe('image_build refuses sources the daemon would fetch itself', () => {
  it('refuses ADD <loopback url> with network "none": the listener receives nothing', async () => {
    const ctx = await refused(`FROM ${testEnv.testImage}\nADD ${listener.url}/secret /secret.txt\n`);
    expect(ctx.authorized).toContainEqual({ kind: 'build.remote', source: `${listener.url}/secret`, where: 'the Dockerfile' });
  });

  it('sees the URL through JSON escapes, shell escapes, quotes, variables and ONBUILD lines', async () => {
    const host = listener.url.slice('http://'.length);
    await refused(`FROM ${testEnv.testImage}\nADD ["http:\\u002f\\u002f${host}/json", "/x"] trailing\n`);
    await refused(`FROM ${testEnv.testImage}\nADD h\\ttp:\\/\\/${host}/escaped /x\n`);
    await refused(`FROM ${testEnv.testImage}\nADD "http"://${host}/quoted /x\n`);
    await refused(`FROM ${testEnv.testImage}\nARG SRC=${listener.url}/arg\nADD $SRC /x\n`);
    await refused(`FROM ${testEnv.testImage}\nARG SRC\nADD \${SRC} /x\n`, { SRC: `${listener.url}/buildarg` });
    await refused(`# escape=\`\nFROM ${testEnv.testImage}\nADD h\`ttp://${host}/backtick /x\n`);
    await refused(`FROM ${testEnv.testImage} AS a\nONBUILD ADD ${listener.url}/onbuild /x\nFROM a\n`);
  });

  it('refuses a base image whose ONBUILD trigger is ADD <url>', async () => {
    const ctx = await refused(`FROM ${onbuildAdd}\n`);
    expect(ctx.authorized).toContainEqual({
      kind: 'build.remote', source: `${listener.url}/from-trigger`, where: `an ONBUILD trigger of docker.io/library/${onbuildAdd}`,
    });
  });

  it('reads a trigger\'s words with either escape token: the daemon uses the running Dockerfile\'s', async () => {
    await refused(`# escape=\`\nFROM ${onbuildBacktick}\n`);
  });

  it('fetches them when allow_remote_build_sources is set', async () => {
    const ctx = policyToolContext(defaultPolicyOptions({ allowRemoteBuildSources: true }));
    await callTool(imageBuild, { dockerfile: `FROM ${testEnv.testImage}\nADD ${listener.url}/allowed /secret.txt\n`, tags: [built], network: 'none' }, ctx);
    expect(listener.requests).toEqual(['GET /allowed']);
    expect((await runIn(built, ['cat', '/secret.txt'])).output).toContain(SECRET);
  });

  it('refuses RUN flags (BuildKit mounts), which the classic builder would refuse too', async () => {
    await expect(callTool(imageBuild, { dockerfile: `FROM ${testEnv.testImage}\nRUN --mount=type=bind,from=x,target=/m true\n`, network: 'none' }))
      .rejects.toThrow(/RUN --mount needs BuildKit/);
  });
});

describe('the build request itself', () => {
  it('is the classic builder with the gateway\'s own tar context: no remote context, no pull, no cache sources', async () => {
    expect(imageBuild.inputSchema.safeParse({ dockerfile: 'FROM x', remote: `${listener.url}/ctx.tar` }).success).toBe(false);
    const ctx = policyToolContext();
    const sent: Array<[unknown, Record<string, unknown>]> = [];
    const real = ctx.docker;
    ctx.docker = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'buildImage') {
          return (context: unknown, options: Record<string, unknown>) => {
            sent.push([context, { ...options }]); // dockerode removes abortSignal from the object it is given
            return target.buildImage(context as NodeJS.ReadableStream, options);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await callTool(imageBuild, { dockerfile: `FROM ${testEnv.testImage}\n`, tags: [built], network: 'none' }, ctx);
    expect(sent).toHaveLength(1);
    const [context, options] = sent[0]!;
    expect(Buffer.isBuffer(context)).toBe(true);
    expect(options).toMatchObject({ version: '1', pull: false, dockerfile: 'Dockerfile', networkmode: 'none' });
    expect(Object.keys(options).sort()).toEqual(
      ['abortSignal', 'buildargs', 'dockerfile', 'forcerm', 'labels', 'networkmode', 'nocache', 'pull', 'rm', 't', 'version']);
    expect(listener.requests).toEqual([]);
  });
});

describe('a "# syntax=" frontend is never fetched', () => {
  it('the classic builder the gateway uses ignores the directive and BUILDKIT_SYNTAX (daemon fact)', async () => {
    const host = listener.url.slice('http://'.length);
    const context = await buildContextTar(`# syntax=${host}/frontend:1\nFROM ${testEnv.testImage}\nRUN true\n`, []);
    const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: built, version: '1', networkmode: 'none', buildargs: { BUILDKIT_SYNTAX: `${host}/frontend:2` },
    });
    await new Promise((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null) => (e ? reject(e) : resolve(undefined))));
    expect(await imageExists(built)).toBe(true);
    expect(listener.requests).toEqual([]);
  });

  it('image_build drops the directive and builds without contacting the frontend registry', async () => {
    const host = listener.url.slice('http://'.length);
    const result = await callTool(imageBuild, {
      dockerfile: `# syntax=${host}/frontend:1\nFROM ${testEnv.testImage}\nRUN true\n`, tags: [built], network: 'none',
    }, policyToolContext());
    expect(result.structured.image_id).toMatch(/^sha256:/);
    expect(listener.requests).toEqual([]);
  });
});

describe('through the real gateway (CLI over stdio, settings from the env)', () => {
  const attempt = async (env: Record<string, string>) => {
    const { client } = await connectStdio(env, 'policy-build-remote');
    try {
      return await callRaw(client, 'image_build', {
        dockerfile: `FROM ${testEnv.testImage}\nADD ${listener.url}/e2e /secret.txt\n`, tags: [built], network: 'none',
      });
    } finally {
      await client.close();
    }
  };

  it('refuses ADD <url> by default and names the setting; DOCKER_MCP_ALLOW_REMOTE_BUILD_SOURCES=true allows it', async () => {
    const denied = await attempt({});
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/build-remote-source[\s\S]*allow_remote_build_sources/);
    expect(listener.requests).toEqual([]);
    expect(await imageExists(built)).toBe(false);

    const allowed = await attempt({ DOCKER_MCP_ALLOW_REMOTE_BUILD_SOURCES: 'true' });
    expect(allowed.isError, textOf(allowed)).toBeFalsy();
    expect(listener.requests).toEqual(['GET /e2e']);
  });
});
