/**
 * Typed manifest trees: what a manifest tree (manifest.ts) may hold where the Kubernetes API expects a
 * value of a cdk8s props type, so that the compiler checks every tree against the API types
 * (Kubernetes 1.27, `k8s` of cdk8s-plus-27, and the CRD classes in imports/).
 *
 * `Manifest<k8s.PodSpec>` accepts, at each position of a PodSpec:
 * - the field's own value (strings, numbers, booleans, objects, lists), with enum types as their
 *   string values and cdk8s's `Quantity`/`IntOrString` classes as `string | number`;
 * - any `Expr` (a value from the release, e.g. `v.resources`), for a scalar or a whole object or list;
 * - `when(...)` for a key or list item that may be absent (its branches typed like the position);
 * - `each(...)` for list items (its body typed like one item), or as the whole list;
 * - `...spread(map)` entries only in maps: objects typed with a string index signature (labels,
 *   annotations, ConfigMap data, node selectors). Anywhere else the spread's key is declared absent.
 * Keys are the Kubernetes JSON names (`hostPID`, not cdk8s's `hostPid`; see `JsonName`).
 * Where an object is declared (`TemplatedObject`, `k8sObject`), its tree as written is checked with
 * `Checked`: it must be a `Manifest` of the kind's props, and a key the type has no place for (a
 * misspelled one) is an error naming it, at any depth: inside `when` branches and `each` bodies too,
 * whose phantom types carry what was written. Helpers typed with a return type (`Manifest<k8s.Probe>`)
 * get TypeScript's own excess-property check on their object literals.
 *
 * Why not check `when` branches against the type their position expects (contextual typing)? Inside
 * a generic call such as `new TemplatedObject(...)`, whose kind is inferred from `type`, TypeScript
 * resolves nested generic calls against the constraint of the outer type parameter, not its inferred
 * type: every `when` would see `any` props. Carrying the written types up to the declaration works in
 * every position instead.
 *
 * Types only: nothing here exists at runtime, and a typed tree is a `Node` as it always was.
 */
import type { ApiObject, ApiObjectMetadata, GroupVersionKind } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { JsonNames } from '../../imports/json-names';
import type { Expr } from './expr';
import type { Each, Node, Spread, SpreadKey, When } from './manifest';

/**
 * A manifest tree where the API expects a `T`: an expression, or `T`'s own shape (see the module
 * comment). `undefined` is not a value of a tree: an absent optional key is left out (or `when`).
 */
export type Manifest<T> = IsAny<T> extends true ? Node : Expr | ValueManifest<NonNullable<T>>;

/**
 * What an object key may hold: its manifest, or a `when` of it (the key may then be absent), whose
 * branches may be `when`s once more. The nesting is finite on purpose: a type that contains itself
 * through `When` sends TypeScript's inference down an endless chain.
 */
type Slot<T> = Manifest<T> | When<Manifest<T> | When<Manifest<T>>>;

/** What a list item may hold: its manifest, a `when` of it, or an `each` producing such items. */
type Item<T> = Manifest<T> | When<Manifest<T> | When<Manifest<T>>> | Each<Manifest<T> | When<Manifest<T>>>;

/** A map: string keys (any), values of type `V`, and `spread(...)` entries. */
type MapManifest<V> = { readonly [key: string]: Slot<V> | Spread };

/**
 * The `manifest` of a whole object of props type `P` (a cdk8s `Kube*Props` or a CRD's props): its
 * fields without `apiVersion` and `kind` (the class's `GVK` gives those; cdk8s props have neither).
 */
type ObjectManifest<P> = ObjectFields<P>;

/**
 * A cdk8s API object class, e.g. `k8s.KubeDeployment` or an imported CRD class such as
 * `ServiceMonitor` (imports/): its static `GVK` gives apiVersion and kind, its constructor's third
 * parameter the props type.
 */
export interface ApiObjectClass {
  readonly GVK: GroupVersionKind;
  new (scope: Construct, id: string, props: any): ApiObject;
}

/** The props type of an API object class: `k8s.KubeDeploymentProps` for `k8s.KubeDeployment`. */
type PropsOf<C extends ApiObjectClass> = NonNullable<ConstructorParameters<C>[2]>;

/** The `manifest` of an object of class `C` (see `ObjectManifest`). */
export type ManifestOf<C extends ApiObjectClass> = ObjectManifest<PropsOf<C>>;

type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * cdk8s's `Quantity` and `IntOrString`, and the int-or-string classes `cdk8s import` generates for
 * CRDs: classes whose only member is `value: string | number`. In a manifest, the value itself.
 */
type IsIntOrString<T> = T extends { readonly value: string | number } ? ([Exclude<keyof T, 'value'>] extends [never] ? true : false) : false;

type ValueManifest<T> =
  IsIntOrString<T> extends true
    ? string | number
    : T extends string
      ? `${T}` // a string enum as the union of its values; `string` stays `string`
      : T extends number | boolean
        ? T
        : T extends Date
          ? string
          : T extends readonly (infer I)[]
            ? readonly Item<I>[] | Each<Item<I>>
            : T extends object
              ? ObjectFields<T>
              : T;

/**
 * The object form of `Manifest<T>` for an object type `T` (no `Expr` in its place): its fields under
 * their Kubernetes JSON names, or a map when `T` has an index signature. For helpers that spread it.
 */
export type ObjectFields<T> = string extends keyof T
  ? MapManifest<T extends { readonly [key: string]: infer V } ? V : unknown>
  : { readonly [K in keyof T as JsonName<K, T>]: Slot<K extends 'metadata' ? Metadata<T[K]> : T[K]> } & NoSpread;

/**
 * cdk8s types the `metadata` of its objects (`Kube*Props`, CRD props, the claim templates of a
 * StatefulSet) as `ApiObjectMetadata`, which admits any key: it is checked as the API's `ObjectMeta`.
 */
type Metadata<M> = [NonNullable<M>] extends [ApiObjectMetadata] ? ([ApiObjectMetadata] extends [NonNullable<M>] ? k8s.ObjectMeta | undefined : M) : M;

/**
 * Objects that are not maps refuse `...spread(map)`. TypeScript does not check the properties a
 * spread brings into a literal for excess, so the spread's key (`SpreadKey`) is declared absent here.
 */
type NoSpread = { readonly [K in SpreadKey]?: never };

/**
 * The Kubernetes JSON name of the cdk8s property `K` of `T`. cdk8s property names are the JSON names
 * in camel case, which for almost every field of the core API is the JSON name itself. Where it is
 * not (`hostPID` is `hostPid`, `clusterIP` is `clusterIp`, `nonResourceURLs` is `nonResourceUrLs`, the
 * `x-kubernetes-*` keys of JSON schemas, ...), `JsonNames` (generated by `npm run import:crds` from
 * the cdk8s serializers) maps it back: a manifest is written with the JSON name, as Kubernetes reads it.
 */
type JsonName<K, T> = K extends keyof JsonNames ? JsonNames[K] : JsonSchemaName<K, T>;

/**
 * `$ref` and `$schema` are cdk8s `ref` and `schema` only in JSON schema props (those with
 * `xKubernetesPreserveUnknownFields`); `schema` is a JSON name of its own elsewhere (CRD versions).
 */
type JsonSchemaName<K, T> = T extends { readonly xKubernetesPreserveUnknownFields?: unknown } ? (K extends 'ref' ? '$ref' : K extends 'schema' ? '$schema' : K) : K;

/**
 * The check every manifest tree passes where it is declared (`TemplatedObject`, `k8sObject`): the
 * tree as written, `M` (inferred, literal types kept), must be a `T` (`M extends T`) and have no key
 * that `T` has no place for (`M & Exact<M, T>`).
 */
export type Checked<M, T> = M & Exact<M, T>;

/**
 * `R` (the type of a tree as written) with every key that `T` (a manifest type) has no place for, at
 * any depth, typed as a problem naming it (`Problem<"imag: no such field here">`), so that `R & Exact<R, T>`
 * rejects exactly the misspelled key. TypeScript checks excess properties only where a fresh object
 * literal meets its type; this check also reaches what it does not: the branches of `when`, the
 * bodies of `each` (through their phantom types) and objects built by helpers without a return type.
 * Expressions and `spread` entries are leaves. Where `T` takes anything (`unknown`, or `Node` for
 * fields that cdk8s types as `any`), nothing is checked.
 */
type Exact<R, T> = unknown extends T
  ? R
  : // A field cdk8s types as `any` admits any tree (its slot is `Slot<any>`). Asked as "is `T` that
    // slot", which TypeScript answers at once, not "is every `Node` a `T`", which walks `T` (four
    // times the check time of the whole project). Inline: through an alias it costs twice as much.
    [T] extends [Slot<any>]
    ? [Slot<any>] extends [T]
      ? R
      : ExactTree<R, T>
    : ExactTree<R, T>;

type ExactTree<R, T> = R extends Expr<any> | Spread | string | number | boolean | null
  ? R
  : R extends undefined
    ? Problem<'undefined: leave the key out, or use when()'> // (an optional key may be absent, not undefined)
    : R extends When<infer B>
      ? When<Exact<B, WhenBranchOf<T>>>
      : R extends Each<infer B>
        ? Each<Exact<B, EachItemOf<T>>>
        : R extends readonly unknown[]
          ? { readonly [N in keyof R]: Exact<R[N], ListItemOf<T>> }
          : R extends object
            ? { readonly [K in keyof R]: K extends FieldKeys<T> ? Exact<R[K], FieldOf<T, K>> : Problem<`${K & string}: no such field here`> }
            : R;

/**
 * What no value is assignable to, named by its message. An object type, not the message's string
 * literal: an object type intersected with one whose property is a conflicting literal (`30 & 'a'`)
 * collapses to `never` altogether, and the error would no longer name the key.
 */
type Problem<Message extends string> = { readonly [P in Message]: never };

type Leaf = Expr<any> | When<any> | Each<any> | Spread | string | number | boolean | null | undefined;
/** The object (non-list) shapes among a manifest type's alternatives. */
type ObjectPart<T> = Exclude<T, Leaf | readonly unknown[]>;
type FieldKeys<T> = ObjectPart<T> extends infer O ? (O extends unknown ? keyof O : never) : never;
type FieldOf<T, K> = ObjectPart<T> extends infer O ? (O extends unknown ? (K extends keyof O ? O[K] : never) : never) : never;
type ListItemOf<T> = Extract<T, readonly unknown[]> extends readonly (infer X)[] ? X : never;
type WhenBranchOf<T> = T extends When<infer X> ? X : never;
type EachItemOf<T> = T extends Each<infer X> ? X : never;
