// terraform's wording for failures that cannot be produced offline here (a held state lock, a
// missing kubeconfig), mapped to our messages. Samples are terraform 1.x's literal output.
import { describe, expect, it } from 'vitest';
import { explainFailure } from '../../src/lifecycle/terraform-errors.js';

describe('terraform failure messages', () => {
  it('state lock: names the lock id for force-unlock', () => {
    const out = 'Error: Error acquiring the state lock\n\nError message: resource temporarily unavailable\nLock Info:\n  ID:        5f3c0a4e-1b2d-4c3e-8f90-123456789abc\n  Path:      terraform.tfstate\n';
    expect(explainFailure(out)).toMatchObject({ id: 'state-locked', message: expect.stringContaining('terraform force-unlock 5f3c0a4e-1b2d-4c3e-8f90-123456789abc') as string });
  });

  it('kubernetes provider without kubeconfig', () => {
    const out = 'Error: Kubernetes cluster unreachable: invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable';
    expect(explainFailure(out)?.id).toBe('no-kubeconfig');
  });

  it('unknown failures fall through to "see its output above"', () => {
    expect(explainFailure('Error: something new')).toBeUndefined();
  });
});
