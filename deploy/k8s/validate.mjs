// Validates rendered Kubernetes manifests (`kubectl kustomize` output):
// every object against the Kubernetes schemas, with unknown fields as
// errors, and then against this project's deployment rules.
//
//   node deploy/k8s/validate.mjs [--production] FILE...   (- for stdin)
//
// --production also asks for what a split deployment needs: the five
// roles, each with its Service, PodDisruptionBudget and autoscaler, and
// NetworkPolicies that let exactly the calls of cmd/wmo-server/app.cc
// through. Prints one line per error; exits 1 when there is any.
//
// Schemas: kubernetes-models (the built-in kinds) and
// @kubernetes-models/prometheus-operator (ServiceMonitor). Their validators
// are ajv code compiled from the Kubernetes OpenAPI schemas, which do not
// forbid other properties (no additionalProperties: false), so on their
// own they take `readinessProbes:` or `runAsNonroot:` without a word. Each
// object is therefore validated through a Proxy that records which
// properties the compiled validator reads: it reads each property its
// schema declares (and every key of a map, which it iterates), so a key it
// never read is one no schema declares: an unknown field, as `kubectl
// apply --validate=strict` would say.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// ---- Schemas -------------------------------------------------------------

const MODEL_PACKAGES = [
  "kubernetes-models",
  "@kubernetes-models/prometheus-operator",
];

const modules = new Map();

async function modelOf(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return null;
  }
  for (const pkg of MODEL_PACKAGES) {
    const specifier = `${pkg}/${apiVersion}`;
    if (!modules.has(specifier)) {
      const module = await import(specifier).catch((e) => {
        // Not a group/version of this package: try the next.
        if (e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return null;
        if (e.code === "ERR_MODULE_NOT_FOUND" && e.message.includes(`'${pkg}'`)) {
          throw new Error(`the npm package ${pkg} is not installed: run npm ci`);
        }
        throw e;
      });
      modules.set(specifier, module);
    }
    const model = modules.get(specifier)?.[kind];
    if (typeof model === "function" && model.kind === kind) return model;
  }
  return null;
}

// A proxy of `value` (and of everything reached through it) that records,
// per object, the keys read.
function traced(value, touched) {
  const proxies = new WeakMap();
  const wrap = (v) => {
    if (v === null || typeof v !== "object") return v;
    if (proxies.has(v)) return proxies.get(v);
    const keys = new Set();
    touched.set(v, keys);
    const proxy = new Proxy(v, {
      get(target, key, receiver) {
        if (typeof key === "string") keys.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (typeof key === "string") keys.add(key);
        return Reflect.has(target, key);
      },
      // Iterating the keys (a map's additionalProperties) reads them all.
      ownKeys(target) {
        for (const key of Reflect.ownKeys(target)) {
          if (typeof key === "string") keys.add(key);
        }
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(v, proxy);
    return proxy;
  };
  return wrap(value);
}

function unknownFields(value, path, touched, out) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => unknownFields(item, `${path}[${i}]`, touched, out));
    return;
  }
  if (value === null || typeof value !== "object") return;
  const read = touched.get(value);
  for (const [key, child] of Object.entries(value)) {
    const where = path ? `${path}.${key}` : key;
    if (read === undefined || !read.has(key)) {
      out.push(`${where}: unknown field`);
    } else {
      unknownFields(child, where, touched, out);
    }
  }
}

async function schemaErrors(object) {
  const model = await modelOf(object?.apiVersion, object?.kind);
  if (model === null) {
    return [`no schema for apiVersion ${object?.apiVersion} kind ${object?.kind}`];
  }
  const touched = new WeakMap();
  const errors = [];
  try {
    // The model's validate() runs the compiled schema on `this`.
    model.prototype.validate.call(traced(object, touched));
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    for (const err of e.errors) {
      const at = err.instancePath.slice(1).replaceAll("/", ".") || "(object)";
      const values = err.params?.allowedValues;
      errors.push(`${at}: ${err.message}${values ? ` (${values.join(", ")})` : ""}`);
    }
  }
  unknownFields(object, "", touched, errors);
  return errors;
}

// ---- Project rules -------------------------------------------------------

// The roles (libs/server/options.h) and their gRPC services (app.cc).
const GRPC_SERVICES = {
  catalog: "wmo.catalog.v1.CatalogService",
  assignment: "wmo.assignment.v1.AssignmentService",
  declaration: "wmo.declaration.v1.DeclarationService",
  capacity: "wmo.capacity.v1.CapacityService",
  iwmo: "wmo.iwmo.v1.IwmoService",
};
const ROLES = Object.keys(GRPC_SERVICES);
// Whom each role calls (and so needs the address of, when split): the
// server's own table (options.h RoleCallees, listed by `wmo-server --help`),
// which tests/k8s_manifests_test.sh compares with this copy.
const CALLS = {
  catalog: [],
  assignment: ["catalog"],
  declaration: ["assignment", "catalog"],
  capacity: ["assignment", "catalog"],
  iwmo: ["declaration", "assignment", "catalog"],
};
const GRPC_PORT = 50051;
const DEFAULT_DRAIN_SECONDS = 10;

const isWmoImage = (image) => /(^|\/)wmo-server([:@]|$)/.test(image ?? "");
const envOf = (container) =>
  Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));

function matches(selector, labels) {
  if (!selector) return false;
  labels = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    if (operator === "In" && !(has && values.includes(labels[key]))) return false;
    if (operator === "NotIn" && has && values.includes(labels[key])) return false;
    if (operator === "Exists" && !has) return false;
    if (operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function rolesServed(container) {
  const services = envOf(container).WMO_SERVICES ?? "all";
  return services === "all" ? ROLES : services.split(",").map((s) => s.trim());
}

// Errors of one workload (Deployment or StatefulSet), as [path, message].
function workloadRules(w) {
  const errors = [];
  const bad = (path, message) => errors.push([path, message]);
  const pod = w.spec?.template?.spec ?? {};
  const podPath = "spec.template.spec";
  if (pod.automountServiceAccountToken !== false) {
    bad(`${podPath}.automountServiceAccountToken`, "must be false");
  }
  const psc = pod.securityContext ?? {};
  if (psc.runAsNonRoot !== true) {
    bad(`${podPath}.securityContext.runAsNonRoot`, "must be true");
  }
  if (psc.seccompProfile?.type !== "RuntimeDefault") {
    bad(`${podPath}.securityContext.seccompProfile.type`, "must be RuntimeDefault");
  }
  const containers = [
    ...(pod.initContainers ?? []).map((c, i) => [c, `${podPath}.initContainers[${i}]`, true]),
    ...(pod.containers ?? []).map((c, i) => [c, `${podPath}.containers[${i}]`, false]),
  ];
  if (!(pod.containers?.length > 0)) bad(`${podPath}.containers`, "missing");
  for (const [c, path, init] of containers) {
    // A release, not a moving tag: a digest, or a tag with a minor version
    // (postgres:15 moves with every point release).
    const tag = (c.image ?? "").replace(/^.*\//, "").split(":")[1] ?? "";
    if (!/@sha256:/.test(c.image ?? "") && !/^v?\d+\.\d+/.test(tag)) {
      bad(`${path}.image`, `${c.image}: pin a release (a tag such as 15.10, or a digest)`);
    }
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) {
      bad(`${path}.securityContext.allowPrivilegeEscalation`, "must be false");
    }
    if (sc.readOnlyRootFilesystem !== true) {
      bad(`${path}.securityContext.readOnlyRootFilesystem`, "must be true");
    }
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) {
      bad(`${path}.securityContext.capabilities.drop`, "must include ALL");
    }
    const res = c.resources ?? {};
    for (const [k, v] of [["requests.cpu", res.requests?.cpu],
      ["requests.memory", res.requests?.memory], ["limits.memory", res.limits?.memory]]) {
      if (v === undefined) bad(`${path}.resources.${k}`, "missing");
    }
    if (init) continue;
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      if (!c[probe]) bad(`${path}.${probe}`, "missing");
    }
    if (w.kind === "Deployment") {
      const sleep = c.lifecycle?.preStop?.sleep?.seconds;
      if (!(sleep > 0)) {
        bad(`${path}.lifecycle.preStop.sleep.seconds`,
          "missing: endpoints must drop the pod before SIGTERM");
      } else {
        // On SIGTERM the REST gateway drains, then gRPC: each up to
        // WMO_DRAIN_SECONDS.
        const drain = isWmoImage(c.image)
          ? Number(envOf(c).WMO_DRAIN_SECONDS ?? DEFAULT_DRAIN_SECONDS) : 0;
        const grace = pod.terminationGracePeriodSeconds ?? 30;
        if (!(grace > sleep + 2 * drain)) {
          bad(`${podPath}.terminationGracePeriodSeconds`,
            `${grace} s must exceed preStop ${sleep} s + 2 x drain ${drain} s`);
        }
      }
    }
    if (isWmoImage(c.image)) errors.push(...wmoServerRules(pod, c, path, podPath));
  }
  return errors;
}

function wmoServerRules(pod, c, path, podPath) {
  const errors = [];
  const bad = (p, message) => errors.push([p, message]);
  const psc = pod.securityContext ?? {};
  for (const k of ["runAsUser", "runAsGroup", "fsGroup"]) {
    if (psc[k] !== 65532) {
      bad(`${podPath}.securityContext.${k}`, "must be 65532 (the image's user)");
    }
  }
  const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
  const tmpVolume = (pod.volumes ?? []).find((v) => v.name === tmp?.name);
  if (!tmpVolume?.emptyDir) bad(`${path}.volumeMounts`, "needs an emptyDir at /tmp");
  if (!(pod.topologySpreadConstraints?.length > 0)) {
    bad(`${podPath}.topologySpreadConstraints`, "missing");
  }
  for (const probe of ["startupProbe", "livenessProbe"]) {
    if (c[probe] && c[probe].httpGet?.path !== "/healthz") {
      bad(`${path}.${probe}`, "must be httpGet /healthz");
    }
  }
  const env = envOf(c);
  if (env.WMO_AUTH === "dev") bad(`${path}.env`, "WMO_AUTH=dev serves loopback only");
  const roles = rolesServed(c);
  for (const role of roles) {
    if (!ROLES.includes(role)) bad(`${path}.env`, `WMO_SERVICES: unknown role ${role}`);
  }
  const ready = c.readinessProbe;
  if (ready?.grpc) {
    if (ready.grpc.port !== GRPC_PORT) {
      bad(`${path}.readinessProbe.grpc.port`, `must be ${GRPC_PORT}`);
    }
    const service = ready.grpc.service ?? "";
    const allowed = roles.length === 1 ? ["", GRPC_SERVICES[roles[0]]] : [""];
    if (!allowed.includes(service)) {
      bad(`${path}.readinessProbe.grpc.service`,
        `${service}: not the gRPC service of ${roles.join(",")}`);
    }
    // The kubelet's gRPC probe has no TLS.
    if (env.WMO_TLS_CERT !== undefined) {
      bad(`${path}.readinessProbe`, "gRPC probe on a TLS port: use httpGet /readyz");
    }
  } else if (ready && ready.httpGet?.path !== "/readyz") {
    bad(`${path}.readinessProbe`, "must be gRPC health or httpGet /readyz");
  }
  return errors;
}

// Errors about the render as a whole, as [object, path, message].
function renderRules(objects, production) {
  const errors = [];
  const of = (kind) => objects.filter((o) => o.kind === kind);
  const workloads = [...of("Deployment"), ...of("StatefulSet")];
  const podLabels = (w) => w.spec?.template?.metadata?.labels ?? {};
  for (const s of of("Service")) {
    const selector = s.spec?.selector;
    if (selector && !workloads.some((w) => matches({ matchLabels: selector }, podLabels(w)))) {
      errors.push([s, "spec.selector", "selects no pods of this render"]);
    }
  }
  for (const p of of("PodDisruptionBudget")) {
    if (!workloads.some((w) => matches(p.spec?.selector, podLabels(w)))) {
      errors.push([p, "spec.selector", "selects no pods of this render"]);
    }
  }
  for (const h of of("HorizontalPodAutoscaler")) {
    const ref = h.spec?.scaleTargetRef ?? {};
    if (!workloads.some((w) => w.kind === ref.kind && w.metadata?.name === ref.name)) {
      errors.push([h, "spec.scaleTargetRef", `no ${ref.kind} ${ref.name} in this render`]);
    }
  }

  // Where each wmo-server Deployment's roles are, and the addresses of the
  // roles it calls.
  const wmo = of("Deployment").flatMap((d) =>
    (d.spec?.template?.spec?.containers ?? []).filter((c) => isWmoImage(c.image))
      .map((c) => ({ d, c, roles: rolesServed(c) })));
  const serving = (role) => wmo.filter((x) => x.roles.includes(role));
  for (const { d, c, roles } of wmo) {
    const env = envOf(c);
    for (const role of roles) {
      for (const callee of CALLS[role] ?? []) {
        if (roles.includes(callee)) continue;
        const name = `WMO_${callee.toUpperCase()}_ADDRESS`;
        const [host, port] = (env[name] ?? "").split(":");
        const service = of("Service").find((s) => s.metadata?.name === host);
        if (!env[name]) {
          errors.push([d, "spec.template.spec.containers", `${role} needs ${name}`]);
        } else if (!service || !(service.spec?.ports ?? []).some((p) => String(p.port) === port) ||
          !serving(callee).some((x) => matches({ matchLabels: service.spec?.selector },
            podLabels(x.d)))) {
          errors.push([d, "spec.template.spec.containers",
            `${name}=${env[name]}: no Service of this render on that port serves ${callee}`]);
        }
      }
    }
  }
  if (!production) return errors;

  for (const role of ROLES) {
    const n = serving(role).length;
    if (n !== 1) errors.push([null, "", `${n} Deployments serve the ${role} role, not 1`]);
  }
  const monitors = of("ServiceMonitor");
  for (const { d, roles } of wmo) {
    const labels = podLabels(d);
    if (roles.length !== 1) errors.push([d, "", "one role per Deployment"]);
    if (d.spec?.replicas !== undefined) {
      errors.push([d, "spec.replicas", "leave to the HorizontalPodAutoscaler"]);
    }
    const services = of("Service").filter((s) =>
      matches({ matchLabels: s.spec?.selector }, labels));
    if (services.length === 0) errors.push([d, "", "no Service"]);
    for (const s of services) {
      const metrics = (s.spec?.ports ?? []).find((p) => p.name === "metrics");
      const monitored = monitors.some((m) => matches(m.spec?.selector, s.metadata?.labels) &&
        (m.spec?.endpoints ?? []).some((e) => e.port === "metrics"));
      if (!metrics || !monitored) {
        errors.push([s, "spec.ports", "no metrics port a ServiceMonitor scrapes"]);
      }
    }
    if (!of("PodDisruptionBudget").some((p) => p.apiVersion === "policy/v1" &&
      matches(p.spec?.selector, labels))) {
      errors.push([d, "", "no PodDisruptionBudget (policy/v1)"]);
    }
    if (!of("HorizontalPodAutoscaler").some((h) => h.apiVersion === "autoscaling/v2" &&
      h.spec?.scaleTargetRef?.name === d.metadata?.name &&
      (h.spec?.metrics ?? []).some((m) => m.resource?.name === "cpu"))) {
      errors.push([d, "", "no HorizontalPodAutoscaler (autoscaling/v2) on CPU"]);
    }
  }
  errors.push(...networkRules(of("NetworkPolicy"), wmo));
  return errors;
}

// Whether the NetworkPolicies let pods `from` open `port` on pods `to`
// (both of this namespace; peers in other namespaces never match them).
// Without policyTypes: Ingress, and Egress when there are egress rules.
const typesOf = (p) => p.spec?.policyTypes ?? ["Ingress", ...(p.spec?.egress ? ["Egress"] : [])];

function allowed(policies, from, to, port) {
  const portOk = (ports) => !ports?.length || ports.some((p) =>
    p.port === undefined || p.port === port ||
    (typeof p.port === "number" && p.port <= port && port <= (p.endPort ?? p.port)) ||
    (typeof p.port === "string" && (to.ports ?? []).some((cp) =>
      cp.name === p.port && cp.containerPort === port)));
  const peerOk = (peers, labels) => !peers?.length || peers.some((peer) =>
    peer.podSelector && !peer.namespaceSelector && !peer.ipBlock &&
    matches(peer.podSelector, labels));
  const direction = (type, self, rulesOf, peersOf, other) => {
    const selecting = policies.filter((p) => matches(p.spec?.podSelector, self.labels) &&
      typesOf(p).includes(type));
    if (selecting.length === 0) return true;  // not isolated
    return selecting.some((p) => (rulesOf(p) ?? []).some((rule) =>
      peerOk(peersOf(rule), other.labels) && portOk(rule.ports)));
  };
  return direction("Egress", from, (p) => p.spec.egress, (r) => r.to, to) &&
    direction("Ingress", to, (p) => p.spec.ingress, (r) => r.from, from);
}

function networkRules(policies, wmo) {
  const errors = [];
  const deny = policies.find((p) => Object.keys(p.spec?.podSelector ?? {}).length === 0 &&
    !p.spec?.ingress?.length && !p.spec?.egress?.length &&
    ["Ingress", "Egress"].every((t) => typesOf(p).includes(t)));
  if (!deny) {
    errors.push([null, "",
      "no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)"]);
  }
  const pods = wmo.map(({ d, c, roles }) => ({
    role: roles[0], labels: d.spec?.template?.metadata?.labels ?? {}, ports: c.ports, d,
  }));
  for (const from of pods) {
    for (const to of pods) {
      if (from === to) continue;
      const should = (CALLS[from.role] ?? []).includes(to.role);
      const does = allowed(policies, from, to, GRPC_PORT);
      if (should !== does) {
        errors.push([from.d, "",
          `NetworkPolicies ${does ? "allow" : "block"} ${from.role} -> ${to.role} gRPC, ` +
          `which ${should ? "it calls" : "it does not call"}`]);
      }
    }
  }
  return errors;
}

// ---- Main ----------------------------------------------------------------

const args = process.argv.slice(2);
if (args[0] === "--print-calls") {  // role: callee,callee as --help lists them
  for (const [role, callees] of Object.entries(CALLS)) {
    console.log(`${role}: ${callees.length ? callees.join(",") : "-"}`);
  }
  process.exit(0);
}
const production = args.includes("--production");
const files = args.filter((a) => a !== "--production");
if (files.length === 0 || files.some((f) => f.startsWith("--") && f !== "-")) {
  console.error("usage: node validate.mjs [--production] FILE... (- for stdin)");
  process.exit(2);
}

let errorCount = 0;
let objectCount = 0;
const report = (file, object, path, message) => {
  const what = object ? `${object.kind}/${object.metadata?.name ?? "?"}` : "render";
  console.log(`${file}: ${what}: ${path ? `${path}: ` : ""}${message}`);
  errorCount++;
};

for (const file of files) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    for (const e of [...doc.errors, ...doc.warnings]) report(file, null, "", `YAML: ${e.message}`);
    const object = doc.toJS();
    if (object === null || object === undefined) continue;
    objects.push(object);
  }
  objectCount += objects.length;
  if (objects.length === 0) report(file, null, "", "no objects");
  for (const object of objects) {
    for (const message of await schemaErrors(object)) report(file, object, "", message);
    if (object.kind === "Deployment" || object.kind === "StatefulSet") {
      for (const [path, message] of workloadRules(object)) report(file, object, path, message);
    }
  }
  for (const [object, path, message] of renderRules(objects, production)) {
    report(file, object, path, message);
  }
}
console.log(
  `validate.mjs: ${objectCount} objects in ${files.length} file(s), ${errorCount} errors`);
process.exit(errorCount === 0 ? 0 : 1);
