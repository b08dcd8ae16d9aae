/** A mistake in how validation was asked for (a bad schema location or Kubernetes version), not in the manifests. */
export class ValidationConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationConfigurationError';
  }
}
