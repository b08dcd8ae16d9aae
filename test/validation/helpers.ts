/** Shared by the validation tests: fixtures and the schema locations (test/support/schemas.ts). */
import { join } from 'node:path';
import { type Finding, formatFinding, loadManifests, type ManifestDocument } from '../../lib/validation';
export { offlineSchemaRoot as schemaRoot, schemaLocations } from '../support/schemas';

export const projectRoot = join(__dirname, '..', '..');
export const fixturesDir = join(__dirname, 'fixtures');

/** The documents of fixture files or directories (relative to fixtures/), named relative to fixtures/. */
export async function fixture(...paths: string[]): Promise<ManifestDocument[]> {
  const { documents, problems } = await loadManifests(paths, fixturesDir);
  if (problems.length > 0) throw new Error(problems.map(formatFinding).join('\n'));
  return documents;
}

export function lines(findings: readonly Finding[]): string[] {
  return findings.map(formatFinding);
}
