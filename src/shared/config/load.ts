/**
 * Reading what the configuration is made from: the environment (handed in by `main`), a .env in the
 * working directory, and --token-file. The checking is schema.ts's pure parseConfig; this module
 * only reads, and loads the schema (and zod with it) on first use, through cli/lazy.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, messageOf } from '../errors.js';
import { configSchema } from '../cli/lazy.js';
import type { CommonOptions, Config, Needs } from './schema.js';

/** The environment as `main` hands it over. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What the configuration is made from, read but not yet checked: the environment, .env, --token-file. */
export interface RawSettings {
  env: Env;
  /** The text of .env in the working directory, or null. */
  dotEnv: string | null;
  /** The token read from --token-file, when given. */
  tokenFromFile?: string;
}

/** Reads .env and --token-file. Throws ConfigError when --token-file cannot be read. */
export function readRawSettings(env: Env, options: Pick<CommonOptions, 'tokenFile'>, cwd: string): RawSettings {
  let dotEnv: string | null = null;
  try {
    dotEnv = readFileSync(path.join(cwd, '.env'), 'utf8');
  } catch {
    dotEnv = null;
  }
  if (options.tokenFile === undefined) return { env, dotEnv };
  const file = path.resolve(cwd, options.tokenFile);
  try {
    return { env, dotEnv, tokenFromFile: readFileSync(file, 'utf8').trim() };
  } catch (error) {
    throw new ConfigError([`--token-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)}); give the path of a file holding only the token`]);
  }
}

/**
 * Resolves the configuration: the environment, then a .env in the working directory for what is
 * unset, then --token-file for the token. Throws ConfigError listing every problem.
 */
export async function loadConfig(env: Env, options: CommonOptions, needs: Needs, cwd: string, raw?: RawSettings): Promise<Config> {
  const settings = raw ?? readRawSettings(env, options, cwd);
  const { mergeDotEnv, parseConfig } = await configSchema();
  const merged = mergeDotEnv(settings.env, settings.dotEnv);
  if (settings.tokenFromFile !== undefined) merged.BOT_TOKEN = settings.tokenFromFile;
  return parseConfig(merged, options, needs, cwd);
}
