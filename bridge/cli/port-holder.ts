// Who holds a TCP port, so "address in use" can say what to do. Linux only (procfs): the
// listening socket's inode from /proc/net/tcp{,6}, then the process whose fds point at it.
// Anything else (another OS, a process of another user) answers undefined: the message then
// names the port and the flag, which is what matters.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export function portHolder(port: number): { pid: number; command: string } | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; the inode is field 9.
      if (f.length > 9 && f[3] === '0A' && parseInt(f[1].split(':')[1] ?? '', 16) === port) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1])) {
        let command = '';
        try {
          command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 120);
        } catch {
          // gone meanwhile
        }
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}

/** "port 1883 is in use (by pid 42: mosquitto -c ...)" */
export function describePortInUse(port: number): string {
  const holder = portHolder(port);
  return `port ${port} is in use${holder ? ` (by pid ${holder.pid}${holder.command ? `: ${holder.command}` : ''})` : ''}`;
}
