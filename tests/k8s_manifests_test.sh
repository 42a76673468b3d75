#!/bin/sh
# The Kubernetes manifests: every overlay of deploy/k8s renders with
# `kubectl kustomize`, and every object rendered passes
# deploy/k8s/validate.mjs (the Kubernetes schemas with unknown fields as
# errors, and the project's rules for Deployments, probes, security,
# disruption budgets, autoscalers and NetworkPolicies). Then a copy broken
# on purpose must fail with each fault named, so that the test cannot pass
# by checking nothing.
#
#   k8s_manifests_test.sh [SOURCE_DIR [WMO_SERVER]]
#
# With WMO_SERVER, the roles' call graph validate.mjs checks the
# NetworkPolicies against must be the one the server's --help lists.
#
# Exits 77 (ctest's SKIP_RETURN_CODE) where kubectl or Node.js is missing.
set -eu
root=$(cd "${1:-$(dirname "$0")/..}" && pwd)
validate="$root/deploy/k8s/validate.mjs"

skip() {
  echo "k8s_manifests_test: skipped: $*"
  exit 77
}
fail() {
  echo "k8s_manifests_test: FAILED: $*"
  exit 1
}

command -v kubectl >/dev/null ||
  skip "no kubectl on PATH (install kubectl 1.27 or later, with kustomize v5)"
kustomize_major=$(kubectl version --client 2>/dev/null |
  sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')
[ "${kustomize_major:-0}" -ge 5 ] ||
  skip "kubectl's kustomize is older than v5 ($(kubectl version --client 2>&1 | tr '\n' ' '))"
command -v node >/dev/null || skip "no node on PATH (Node.js 20 or later)"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' ||
  skip "Node.js $(node --version) is older than 20"
for package in kubernetes-models @kubernetes-models/prometheus-operator yaml; do
  [ -d "$root/node_modules/$package" ] ||
    fail "the npm package $package is not installed: run scripts/setup (npm ci)"
done

if [ -n "${2:-}" ]; then
  from_server=$("$2" --help | sed -n '/^roles and the roles they call:/,$p' | sed 1d | tr -d ' ')
  in_validator=$(node "$validate" --print-calls | tr -d ' ')
  [ -n "$from_server" ] && [ "$from_server" = "$in_validator" ] ||
    fail "validate.mjs's CALLS differ from the server's (wmo-server --help):
$from_server
validate.mjs:
$in_validator"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# A copy of the manifests with the dev overlay's jwks.json, which each
# developer makes with `wmo-server jwks` and git ignores: here an EC P-256
# public key of the test's own, in the same JWKS form.
cp -R "$root/deploy/k8s" "$tmp/k8s"
node -e '
  const { generateKeyPairSync } = require("node:crypto");
  const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  console.log(JSON.stringify(
    { keys: [{ ...jwk, kid: "k8s-manifests-test", use: "sig", alg: "ES256" }] }));
' > "$tmp/k8s/overlays/dev/jwks.json"

# Renders overlay $2 of the manifests under $1 into $3.
render() {
  kubectl kustomize "$1/overlays/$2" > "$3" 2> "$3.err" ||
    fail "kubectl kustomize overlays/$2: $(cat "$3.err")"
}
# The validator's flags for overlay $1.
flags() {
  if [ "$1" = production ]; then echo --production; fi
}

# 1. Every overlay renders and validates with 0 errors.
overlays=""
for dir in "$tmp/k8s/overlays"/*/; do
  overlay=$(basename "$dir")
  overlays="$overlays $overlay"
  render "$tmp/k8s" "$overlay" "$tmp/$overlay.yaml"
  # shellcheck disable=SC2046
  node "$validate" $(flags "$overlay") "$tmp/$overlay.yaml" > "$tmp/$overlay.out" ||
    fail "overlays/$overlay:
$(cat "$tmp/$overlay.out")"
  echo "overlays/$overlay: $(tail -n 1 "$tmp/$overlay.out")"
done
case "$overlays" in
  *" dev"*) ;;
  *) fail "no dev overlay" ;;
esac
case "$overlays" in
  *" production"*) ;;
  *) fail "no production overlay" ;;
esac
for want in 'issuer: wmo-server-dev' '"kid":"k8s-manifests-test"'; do
  grep -qF "$want" "$tmp/dev.yaml" ||
    fail "overlays/dev: the wmo-jwt ConfigMap lacks $want"
done

# Expects the validator to fail on $1 (with flags $2) and to print each of
# the remaining arguments as a line of its own.
expect_errors() {
  file=$1
  shift
  validator_flags=$1
  shift
  # shellcheck disable=SC2086
  if node "$validate" $validator_flags "$file" > "$file.out"; then
    fail "the validator passed $file, which is broken on purpose"
  fi
  for line in "$@"; do
    grep -qxF -- "$file: $line" "$file.out" ||
      fail "the validator did not report \"$line\" in $file:
$(cat "$file.out")"
  done
  echo "$(basename "$file"): $# expected errors reported ($(tail -n 1 "$file.out"))"
}

# 2. Misspelled fields and a wrong value in the sources: kustomize renders
# them, the schemas must not take them. And NetworkPolicies that let the
# wrong role call declaration.
cp -R "$tmp/k8s" "$tmp/broken"
sed -i 's/readinessProbe:/readinessProbes:/; s/runAsNonRoot:/runAsNonroot:/
        s/type: RollingUpdate/type: RollingUpdat/' \
  "$tmp/broken/base/deployment.yaml"
sed -i 's/targetPort: http$/targetPorts: http/' "$tmp/broken/base/service.yaml"
sed -i 's/jobLabel:/jobLabels:/' \
  "$tmp/broken/overlays/production/service-monitor.yaml"
sed -i '/name: wmo-declaration$/,/^---/ s/component: iwmo$/component: capacity/
        /name: wmo-capacity$/,/^---/ s/\[assignment, catalog\]/[assignment, catalog, declaration]/' \
  "$tmp/broken/overlays/production/network-policies.yaml"
render "$tmp/broken" production "$tmp/broken-production.yaml"
render "$tmp/broken" dev "$tmp/broken-dev.yaml"
expect_errors "$tmp/broken-production.yaml" --production \
  "Deployment/wmo-catalog: spec.template.spec.containers[0].readinessProbes: unknown field" \
  "Deployment/wmo-catalog: spec.template.spec.securityContext.runAsNonroot: unknown field" \
  "Deployment/wmo-catalog: spec.strategy.type: must be equal to one of the allowed values (Recreate, RollingUpdate)" \
  "Service/wmo-catalog: spec.ports[1].targetPorts: unknown field" \
  "ServiceMonitor/wmo-server: spec.jobLabels: unknown field" \
  "Deployment/wmo-capacity: NetworkPolicies allow capacity -> declaration gRPC, which it does not call" \
  "Deployment/wmo-iwmo: NetworkPolicies block iwmo -> declaration gRPC, which it calls"
expect_errors "$tmp/broken-dev.yaml" "" \
  "Deployment/wmo: spec.template.spec.containers[0].readinessProbes: unknown field" \
  "Deployment/wmo: spec.template.spec.containers[0].readinessProbe: missing" \
  "Deployment/wmo: spec.template.spec.securityContext.runAsNonroot: unknown field" \
  "Deployment/wmo: spec.template.spec.securityContext.runAsNonRoot: must be true"

# 3. A Deployment added without what every Deployment must have: valid for
# the schemas, refused by the rules.
cp "$tmp/dev.yaml" "$tmp/bare-dev.yaml"
cat >> "$tmp/bare-dev.yaml" <<'EOF'
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bare
spec:
  selector:
    matchLabels:
      app: bare
  template:
    metadata:
      labels:
        app: bare
    spec:
      containers:
        - name: bare
          image: bare:1.0
EOF
c="Deployment/bare: spec.template.spec.containers[0]"
expect_errors "$tmp/bare-dev.yaml" "" \
  "Deployment/bare: spec.template.spec.automountServiceAccountToken: must be false" \
  "Deployment/bare: spec.template.spec.securityContext.runAsNonRoot: must be true" \
  "Deployment/bare: spec.template.spec.securityContext.seccompProfile.type: must be RuntimeDefault" \
  "$c.securityContext.allowPrivilegeEscalation: must be false" \
  "$c.securityContext.readOnlyRootFilesystem: must be true" \
  "$c.securityContext.capabilities.drop: must include ALL" \
  "$c.resources.requests.cpu: missing" \
  "$c.resources.requests.memory: missing" \
  "$c.resources.limits.memory: missing" \
  "$c.startupProbe: missing" \
  "$c.readinessProbe: missing" \
  "$c.livenessProbe: missing" \
  "$c.lifecycle.preStop.sleep.seconds: missing: endpoints must drop the pod before SIGTERM"

echo "k8s_manifests_test: passed (overlays:$overlays)"
