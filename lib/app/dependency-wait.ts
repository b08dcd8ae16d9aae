/**
 * The ready-made init container `wait-for-dependencies` (values: waitForDependencies): before the
 * application starts, it waits until every declared dependency accepts TCP connections on host:port
 * (an application by name: its Service, `<name>.<namespace>.svc`, on the Service port, written by
 * lib/values/wiring.ts; anything else: the `host` given beside its CIDR or namespace labels). It runs
 * `nc -z` from the image in values (busybox), with the restricted context and its own resources. Its
 * traffic is the pod's: DNS (allow-dns) and the dependencies' egress (allow-dependencies), nothing more.
 */
import type { k8s } from 'cdk8s-plus-27';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';
import { fmt, withDefault } from '../template/expr';
import { firstOf, itemsWith } from '../template/functions';
import { quantities } from '../template/functions';
import { type Refs, each } from '../template/manifest';
import { calleeHost } from './callee';
import type { Manifest } from '../template/typed';
import type { AppValues } from '../values/schema';

/** The init container's name; lib/values/app-rules.ts keeps it free when the wait is enabled. */
export const DEPENDENCY_WAIT_NAME = 'wait-for-dependencies';

/**
 * Waits for each host:port argument in turn, every 2 seconds, printing what it waits for; the pod stays
 * in Init until all answer (Kubernetes shows it as Init:0/N, and the events and logs say which).
 */
const WAIT_SCRIPT = `for target in "$@"; do
  host="\${target%:*}"
  port="\${target##*:}"
  until nc -z -w 2 "$host" "$port"; do
    echo "waiting for $target"
    sleep 2
  done
  echo "$target accepts connections"
done
`;

/** The init container, for `initContainers` (present when waitForDependencies.enabled: see its use). */
export function dependencyWait(v: Refs<AppValues>): Manifest<k8s.Container> {
  const wait = v.waitForDependencies;
  return {
    name: DEPENDENCY_WAIT_NAME,
    image: wait.image,
    imagePullPolicy: v.image.pullPolicy,
    command: ['sh', '-c', WAIT_SCRIPT, DEPENDENCY_WAIT_NAME],
    // One host:port per dependency (every one has a host, or an app's Service, when the wait is enabled: a value rule).
    args: [each(itemsWith(v.networkPolicy.dependencies, 'host', 'app'), 'target', (dep) => fmt`${firstOf(dep.host, calleeHost(dep))}:${withDefault(dep.servicePort, dep.port)}`)],
    resources: quantities(wait.resources),
    securityContext: RESTRICTED_CONTAINER,
  };
}
