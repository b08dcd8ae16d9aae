/**
 * A throwaway PostgreSQL server from Debian's `postgresql` package, on loopback, for the backup tests:
 * initdb and pg_ctl from /usr/lib/postgresql/<version>/bin, data in a temporary folder, password
 * authentication (scram-sha-256) so that PGPASSWORD is really used. PostgreSQL refuses to run as root:
 * when the tests run as root (CI containers), every server and client process runs as the `postgres`
 * user the package creates, and the temporary folders belong to it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The bin folder of the newest installed PostgreSQL, or an Error saying what to install. */
function postgresqlBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (see .ci/run)');
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

/** The user and group processes run as: `postgres` when this process is root, else this process's own. */
export function processUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** A temporary folder that the processes' user owns. */
export function ownedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o700);
  const user = processUser();
  if (user) chownSync(dir, user.uid, user.gid);
  return dir;
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command as the processes' user (asynchronously: an S3 server in this process must keep
 * answering), with exactly `env` as its environment.
 */
export function run(command: string, args: readonly string[], env: Readonly<Record<string, string>>, cwd?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, ...processUser(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ status: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

/** Like `run`, but an exit code other than 0 is an Error with the command's output. */
export async function runOk(command: string, args: readonly string[], env: Readonly<Record<string, string>>): Promise<string> {
  const result = await run(command, args, env);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface PostgresServer {
  readonly bin: string;
  readonly port: number;
  /** The superuser and its password. */
  readonly superuser: string;
  readonly password: string;
  /** Environment of a client connecting as the superuser to `database`. */
  clientEnv(database: string): Record<string, string>;
  /** Runs SQL through psql as the superuser; returns psql's unaligned output. */
  sql(database: string, sql: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a server on 127.0.0.1 in a new temporary folder. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresqlBin();
  const dir = ownedTempDir('pg-backup-');
  const port = await freePort();
  const superuser = 'platform_admin';
  const password = `test-${process.pid}-${port}`;
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const user = processUser();
  if (user) chownSync(passwordFile, user.uid, user.gid);
  const env = { PATH: `${bin}:/usr/bin:/bin`, LC_ALL: 'C' };
  const data = join(dir, 'data');
  await runOk(join(bin, 'initdb'), ['-D', data, '-U', superuser, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--no-instructions'], env);
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`;
  await runOk(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start'], env);

  const clientEnv = (database: string) => ({ ...env, PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: superuser, PGPASSWORD: password, PGDATABASE: database });
  return {
    bin,
    port,
    superuser,
    password,
    clientEnv,
    sql: (database, sql) => runOk(join(bin, 'psql'), ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], clientEnv(database)),
    stop: async () => {
      await runOk(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], env);
    },
  };
}
