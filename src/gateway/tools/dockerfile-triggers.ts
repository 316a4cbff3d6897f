// ONBUILD triggers and base-image pinning for image_build.
//
// A stage's triggers run at its start, as if written there: the triggers stored in its base image's
// config (Config.OnBuild), or, when it builds on an earlier stage, the ONBUILD lines that stage
// collected. So an allowed base image can carry `ONBUILD COPY --from=<any image>` or
// `ONBUILD ADD <url>` into a build; every trigger is judged here like a Dockerfile line, in the
// stage it will run in. The judged base images are then pinned: the Dockerfile the daemon gets
// names each one by the id that was inspected, so a tag moved in the meantime cannot swap in an
// image with other triggers.
import { ToolError } from './define.js';
import { copyFromImage, type BuildPlan, type StageScope } from './dockerfile-bases.js';
import { checkInstruction, onbuildExpression, parseTrigger, type RemoteSource } from './dockerfile-checks.js';
import { readDockerfile, refuse, type DockerfileInstruction } from './dockerfile-parser.js';

export interface BuildFindings {
  /** External images named by COPY --from in triggers, with the trigger's origin, first mention only. */
  images: Array<{ image: string; where: string }>;
  /** ADD sources in triggers that the daemon would fetch itself. */
  remote: RemoteSource[];
}

/** The scope of the stage at `index`: the stages finished before it. */
function scopeOf(plan: BuildPlan, index: number): StageScope {
  const names = new Set<string>();
  for (const stage of plan.stages.slice(0, index)) if (stage.name) names.add(stage.name);
  return { names, count: index };
}

/**
 * The Dockerfile's own checks (see dockerfile-checks.ts): remote ADD sources, including those in
 * ONBUILD lines.
 */
export function dockerfileFindings(plan: BuildPlan): RemoteSource[] {
  const all = [...plan.preamble, ...plan.stages.flatMap((s) => [s.from, ...s.body])];
  return all.flatMap((instruction) => checkInstruction(instruction, 'the Dockerfile'));
}

/**
 * Judges the triggers every stage runs. `triggersOf` gives the Config.OnBuild of an external base
 * image (as inspected, before pinning).
 */
export function judgeTriggers(plan: BuildPlan, triggersOf: (image: string) => readonly string[]): BuildFindings {
  const images = new Map<string, string>();
  const remote: RemoteSource[] = [];
  const collected: string[][] = [];
  for (const stage of plan.stages) {
    const scope = scopeOf(plan, stage.index);
    const own: string[] = [];
    const inherited = stage.base.kind === 'image' ? triggersOf(stage.base.image)
      : stage.base.kind === 'stage' ? collected[stage.base.index] ?? [] : [];
    const where = stage.base.kind === 'image' ? `an ONBUILD trigger of ${stage.base.image}` : `an ONBUILD line of stage ${stage.base.kind === 'stage' ? stage.base.index : ''}`;
    for (const trigger of inherited) {
      const instruction = parseTrigger(trigger, where);
      if (instruction.keyword === 'from') throw refuse(`${where} is a FROM line, which the daemon refuses as a trigger.`);
      remote.push(...checkInstruction(instruction, where));
      if (instruction.keyword === 'copy' || instruction.keyword === 'add') {
        for (const image of copyFromImage(instruction.flags, scope, `${where}: ${instruction.line}`)) if (!images.has(image)) images.set(image, where);
      }
      // A trigger that is itself an ONBUILD line adds a trigger to this stage.
      if (instruction.keyword === 'onbuild') own.push(onbuildExpression(instruction.line));
    }
    for (const instruction of stage.body) if (instruction.keyword === 'onbuild') own.push(onbuildExpression(instruction.line));
    collected.push(own);
  }
  return { images: [...images].map(([image, where]) => ({ image, where })), remote };
}

function sameInstruction(a: DockerfileInstruction, b: DockerfileInstruction): boolean {
  return a.keyword === b.keyword && a.args === b.args && a.flags.join('\n') === b.flags.join('\n');
}

/**
 * The Dockerfile the daemon gets: the instructions as read (comments and the syntax directive
 * dropped, continuations joined, the escape directive kept), each FROM written literally and each
 * external one naming the full id of the image that was judged. A bare 64-hex id is used because the daemon resolves it only as an
 * id: "sha256:<id>" would also be a valid name (docker.io/library/sha256) it could try to pull.
 * The result is read back and compared, so the daemon cannot see other instructions than judged.
 */
export function pinnedDockerfile(plan: BuildPlan, idOf: (image: string) => string): string {
  const lines: string[] = plan.escape === '\\' ? [] : [`# escape=${plan.escape}`];
  const expected: DockerfileInstruction[] = [];
  const push = (instruction: DockerfileInstruction): void => {
    lines.push(instruction.line);
    expected.push(instruction);
  };
  plan.preamble.forEach(push);
  const stageNames = new Set(plan.stages.map((s) => s.name).filter(Boolean));
  for (const stage of plan.stages) {
    // Every FROM is written literally, so the daemon expands no variables in it: what it builds on
    // is exactly what was judged (an id, an earlier stage by name, or scratch).
    let base: string;
    if (stage.base.kind === 'scratch') base = 'scratch';
    else if (stage.base.kind === 'stage') base = plan.stages[stage.base.index]!.name!;
    else {
      base = idOf(stage.base.image).replace(/^sha256:/, '');
      if (!/^[0-9a-f]{64}$/.test(base) || stageNames.has(base)) throw new ToolError(`Cannot pin ${stage.base.image} to its image id ${base}.`);
    }
    const words = [...stage.from.flags, base, ...(stage.name ? ['AS', stage.name] : [])];
    push({ keyword: 'from', flags: stage.from.flags, args: words.slice(stage.from.flags.length).join(' '), line: `FROM ${words.join(' ')}` });
    stage.body.forEach(push);
  }
  const text = `${lines.join('\n')}\n`;
  const reread = readDockerfile(text);
  if (reread.instructions.length !== expected.length || !reread.instructions.every((r, i) => sameInstruction(r, expected[i]!))) {
    throw refuse('it does not read back the same once its base images are pinned; write it more plainly.');
  }
  return text;
}
