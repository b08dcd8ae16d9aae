/**
 * What `cdk8s synth` gets (cdk8s.yaml runs this project's synth with CDK8S_OUTDIR set to its output
 * folder, or to a temporary one for `--stdout`): the plain manifests of every environment as one
 * multi-document file, `<CDK8S_OUTDIR>/platform.k8s.yaml`, as a cdk8s app writes `*.k8s.yaml` files.
 * Nothing else is written, and never dist/: cdk8s-cli deletes its output folder before it runs the app,
 * so cdk8s.yaml names a folder of its own (`cdk8s.out`), and the committed output stays `npm run
 * synth`'s. One file, not one per environment: for `--stdout`, cdk8s pipes every file it finds to
 * stdout at once, and the chunks of several large files would interleave.
 */

/** The one file written into CDK8S_OUTDIR. */
export const CDK8S_MANIFEST_FILE = 'platform.k8s.yaml';

/** Collects the plain manifests (paths `manifests/<env>/<chart>/<file>`) as they are made. */
export class Cdk8sManifests {
  private readonly documents = new Map<string, string>();

  /** Sees one file of the output; keeps the plain manifests. */
  readonly emit = (path: string, content: string): void => {
    if (path.startsWith('manifests/')) this.documents.set(path, content);
  };

  /** Every manifest, in path order, each after a `# Source:` comment naming its file (as `helm template` does). */
  text(): string {
    return [...this.documents]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, content]) => `---\n# Source: ${path}\n${content.replace(/^---\n/, '')}`)
      .join('');
  }
}
