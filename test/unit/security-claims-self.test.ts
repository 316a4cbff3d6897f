// docs/security.md: "the gateway's own container" is protected. The ids come from detectSelf,
// which reads /proc/self/mountinfo, /proc/self/cgroup, the hostname and /.dockerenv; here it gets
// those files as Docker lays them out in a container (cgroup v1 and v2, cgroupfs and systemd
// drivers, a data root on its own partition) and as a host's mountinfo looks with containers
// running (their shm mounts must not make every container "self").
import { describe, expect, it } from 'vitest';
import { detectSelf, type SelfSources } from '../../src/gateway/security-config.js';

const ID = 'f3c1a0b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f';
const OTHER = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** /proc/self/mountinfo inside a container made by Docker with the data root at `root`. */
function containerMountinfo(id: string, root = '/var/lib/docker'): string {
  return [
    `1131 1012 0:121 / / rw,relatime master:435 - overlay overlay rw,lowerdir=${root}/overlay2/l/ZQ4:${root}/overlay2/l/K2T,upperdir=${root}/overlay2/9d1/diff,workdir=${root}/overlay2/9d1/work`,
    '1132 1131 0:124 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
    '1133 1131 0:125 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755',
    '1139 1131 0:122 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro',
    `1150 1131 259:1 ${root}/containers/${id}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/root rw,discard`,
    `1151 1131 259:1 ${root}/containers/${id}/hostname /etc/hostname rw,relatime - ext4 /dev/root rw,discard`,
    `1152 1131 259:1 ${root}/containers/${id}/hosts /etc/hosts rw,relatime - ext4 /dev/root rw,discard`,
    '1013 1133 0:126 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k',
    '',
  ].join('\n');
}

/** A cgroup v1 /proc/self/cgroup in the host's cgroup namespace (cgroupfs driver). */
const cgroupV1 = (id: string) => [
  `12:memory:/docker/${id}`, `11:pids:/docker/${id}`, `4:cpu,cpuacct:/docker/${id}`, `1:name=systemd:/docker/${id}`, '',
].join('\n');

const sources = (over: Partial<SelfSources>): SelfSources => ({ hostname: 'gateway', dockerenv: false, ...over });

describe('detectSelf: the gateway finds its own container', () => {
  it('from the /etc/hostname, /etc/hosts and /etc/resolv.conf binds in mountinfo (cgroup v2, private cgroup namespace)', () => {
    expect(detectSelf(sources({ mountinfo: containerMountinfo(ID), cgroup: '0::/\n' }))).toEqual([ID]);
  });

  it('with the data root elsewhere or on its own partition (the root field is relative to that filesystem)', () => {
    expect(detectSelf(sources({ mountinfo: containerMountinfo(ID, '/srv/docker') }))).toEqual([ID]);
    expect(detectSelf(sources({ mountinfo: containerMountinfo(ID, '/lib/docker') }))).toEqual([ID]);
  });

  it('from the cgroup path alone (cgroup v1 cgroupfs driver; v2 systemd driver in the host namespace)', () => {
    expect(detectSelf(sources({ cgroup: cgroupV1(ID) }))).toEqual([ID]);
    expect(detectSelf(sources({ cgroup: `0::/system.slice/docker-${ID}.scope\n` }))).toEqual([ID]);
  });

  it('mountinfo and cgroup v1 together give the one id once; Docker\'s default hostname adds the short id', () => {
    const found = detectSelf(sources({ mountinfo: containerMountinfo(ID), cgroup: cgroupV1(ID), hostname: ID.slice(0, 12), dockerenv: true }));
    expect(found).toEqual([ID, ID.slice(0, 12)]);
  });

  it('a 12-hex hostname counts only inside Docker (/.dockerenv)', () => {
    expect(detectSelf(sources({ hostname: ID.slice(0, 12), dockerenv: false }))).toEqual([]);
    expect(detectSelf(sources({ hostname: 'my-gateway', dockerenv: true }))).toEqual([]);
  });

  it('on a host, other containers\' shm mounts and bind sources elsewhere are not "self"', () => {
    const host = [
      '29 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw,discard',
      `620 29 0:55 / /var/lib/docker/containers/${OTHER}/mounts/shm rw,nosuid,nodev,noexec,relatime shared:300 - tmpfs shm rw,size=65536k`,
      // A container's hostname file bound somewhere other than its own /etc/hostname (say, by a tool).
      `700 29 259:1 /var/lib/docker/containers/${OTHER}/hostname /mnt/peek rw,relatime - ext4 /dev/root rw`,
      '',
    ].join('\n');
    expect(detectSelf(sources({ mountinfo: host, cgroup: '0::/user.slice/user-1000.slice/session-2.scope\n' }))).toEqual([]);
  });

  it('nothing readable (not Linux): no ids', () => {
    expect(detectSelf(sources({}))).toEqual([]);
  });
});
