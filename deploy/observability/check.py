#!/usr/bin/env python3
"""Checks the dashboards, alert rules, their unit tests and runbooks.

  check.py static DIR
      Without Prometheus: every dashboard is Grafana JSON of schema 39 with a
      `datasource` variable and no data source uid of its own, every panel
      has queries, and every variable a query names exists; every alert in
      alerts.yaml has labels.severity, the annotations summary, description
      and runbook_url (RUNBOOK_BASE/<alert>.md), a runbook file
      runbooks/<alert>.md with its three sections, and in alerts_test.yaml a
      case where it fires and one where it does not.

  check.py queries DIR
      Prints every dashboard query with the Grafana variables substituted.

  check.py live DIR PROMETHEUS_URL [--job JOB] [--timeout SECONDS]
      Against a Prometheus that scrapes wmo-server and loaded alerts.yaml:
      every dashboard variable and panel query parses and returns at least
      one series, every alert expression parses and names only metrics that
      Prometheus has scraped, every rule is loaded and evaluates without
      error, and none is pending or firing. Queries without data are retried
      until the timeout (the scrapes after the traffic may still be on their
      way); then each failing query is printed with where it is.

DIR is deploy/observability. Needs python3 with PyYAML (Debian: python3-yaml).
"""

import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

RUNBOOK_BASE = (
    "https://git.wmo.example/wmo/blob/main/deploy/observability/runbooks")
RUNBOOK_SECTIONS = ("## What it means", "## How to look", "## What to do")
SEVERITIES = ("page", "ticket")

# Grafana's own variables and what the live check puts in their place.
GLOBALS = {
    "__rate_interval": "1m",
    "__interval": "15s",
    "__interval_ms": "15000",
    "__range": "5m",
    "__range_s": "300",
    "__range_ms": "300000",
}
# $var, ${var}, ${var:format}, [[var]]
VAR_RE = re.compile(r"\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)\]\]")
DATASOURCE_UIDS = ("${datasource}", "$datasource")


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, what):
        self.items.append(f"{where}: {what}")


# ----------------------------------------------------------------- dashboards

def load_dashboards(directory):
    folder = os.path.join(directory, "dashboards")
    out = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                out.append((name, json.load(f)))
    return out


def all_panels(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        for inner in panel.get("panels", []) or []:  # collapsed rows
            yield inner


def variables(dashboard):
    return dashboard.get("templating", {}).get("list", [])


def variable_query(var):
    q = var.get("query")
    if isinstance(q, dict):
        q = q.get("query", "")
    return q or ""


def dashboard_queries(dashboard):
    """(where, expr, instant) of every panel target."""
    for panel in all_panels(dashboard):
        if panel.get("type") == "row":
            continue
        for target in panel.get("targets", []):
            where = (f"panel {panel.get('title')!r} (id {panel.get('id')}) "
                     f"target {target.get('refId')}")
            yield where, target.get("expr", ""), bool(target.get("instant"))


def names_used(text):
    return {next(g for g in m.groups() if g) for m in VAR_RE.finditer(text)}


def substitute(text, values):
    def one(m):
        name = next(g for g in m.groups() if g)
        if name not in values:
            raise KeyError(name)
        return values[name]
    return VAR_RE.sub(one, text)


def check_datasources(node, where, problems):
    """Every datasource reference is the variable, never a uid of its own."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "datasource" and value is not None:
                if isinstance(value, str):
                    ok = value in DATASOURCE_UIDS
                elif isinstance(value, dict):
                    ok = (value.get("uid") in DATASOURCE_UIDS or
                          (value.get("type") == "grafana" and
                           value.get("uid") == "-- Grafana --"))
                else:
                    ok = False
                if not ok:
                    problems.add(where, f"data source {json.dumps(value)} is "
                                 "not the ${datasource} variable")
            else:
                check_datasources(value, where, problems)
    elif isinstance(node, list):
        for value in node:
            check_datasources(value, where, problems)


def check_dashboards(directory, problems):
    dashboards = load_dashboards(directory)
    if not dashboards:
        problems.add("dashboards/", "no dashboard")
    uids, titles = {}, {}
    for name, d in dashboards:
        where = f"dashboards/{name}"
        if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 39:
            problems.add(where, "schemaVersion must be 39 or later")
        for key, seen in (("uid", uids), ("title", titles)):
            value = d.get(key)
            if not value:
                problems.add(where, f"no {key}")
            elif value in seen:
                problems.add(where, f"{key} {value!r} also in {seen[value]}")
            else:
                seen[value] = name
        vs = variables(d)
        names = [v.get("name") for v in vs]
        ds = [v for v in vs if v.get("name") == "datasource"]
        if not ds or ds[0].get("type") != "datasource" or \
                ds[0].get("query") != "prometheus":
            problems.add(where, "needs a template variable `datasource` of "
                         "type datasource, query prometheus")
        check_datasources(d, where, problems)
        known = set(names) | set(GLOBALS)
        for v in vs:
            if v.get("type") == "query":
                for used in names_used(variable_query(v)) - known:
                    problems.add(where, f"variable {v.get('name')}: unknown "
                                 f"variable ${used}")
        ids = set()
        for panel in all_panels(d):
            pw = f"{where} panel {panel.get('title')!r}"
            if panel.get("id") in ids:
                problems.add(pw, f"panel id {panel.get('id')} used twice")
            ids.add(panel.get("id"))
            if "gridPos" not in panel:
                problems.add(pw, "no gridPos")
            if panel.get("type") == "row":
                continue
            if not panel.get("title"):
                problems.add(pw, "no title")
            targets = panel.get("targets") or []
            if not targets:
                problems.add(pw, "no query")
            for t in targets:
                expr = t.get("expr", "")
                if not expr.strip():
                    problems.add(pw, f"target {t.get('refId')} has no expr")
                for used in names_used(expr) - known:
                    problems.add(pw, f"target {t.get('refId')}: unknown "
                                 f"variable ${used}")
    return dashboards


# --------------------------------------------------------------------- alerts

def load_alerts(directory):
    with open(os.path.join(directory, "alerts.yaml"), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    rules = []
    for group in doc.get("groups", []):
        for rule in group.get("rules", []):
            if "alert" in rule:
                rules.append(rule)
    return rules


def check_alerts(directory, problems):
    rules = load_alerts(directory)
    names = [r["alert"] for r in rules]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.add("alerts.yaml", f"alert {name} defined twice")
    for rule in rules:
        where = f"alerts.yaml {rule['alert']}"
        severity = (rule.get("labels") or {}).get("severity")
        if severity not in SEVERITIES:
            problems.add(where, f"labels.severity must be one of {SEVERITIES}")
        annotations = rule.get("annotations") or {}
        for key in ("summary", "description", "runbook_url"):
            if not str(annotations.get(key, "")).strip():
                problems.add(where, f"no annotations.{key}")
        want = f"{RUNBOOK_BASE}/{rule['alert']}.md"
        if annotations.get("runbook_url") and annotations["runbook_url"] != want:
            problems.add(where, f"runbook_url must be {want}")
        page = os.path.join(directory, "runbooks", f"{rule['alert']}.md")
        if not os.path.isfile(page):
            problems.add(where, f"no runbook runbooks/{rule['alert']}.md")
        else:
            with open(page, encoding="utf-8") as f:
                text = f.read()
            if not text.startswith(f"# {rule['alert']}"):
                problems.add(f"runbooks/{rule['alert']}.md",
                             f"must start with '# {rule['alert']}'")
            for section in RUNBOOK_SECTIONS:
                if section not in text:
                    problems.add(f"runbooks/{rule['alert']}.md",
                                 f"no section '{section}'")
    folder = os.path.join(directory, "runbooks")
    if os.path.isdir(folder):
        for page in sorted(os.listdir(folder)):
            if page.endswith(".md") and page[:-3] not in names and \
                    page != "README.md":
                problems.add(f"runbooks/{page}", "no alert of that name")

    # alerts_test.yaml: a firing and a quiet case for every alert.
    with open(os.path.join(directory, "alerts_test.yaml"),
              encoding="utf-8") as f:
        tests = yaml.safe_load(f)
    if "alerts.yaml" not in (tests.get("rule_files") or []):
        problems.add("alerts_test.yaml", "rule_files must name alerts.yaml")
    firing, quiet = set(), set()
    for test in tests.get("tests", []):
        for case in test.get("alert_rule_test", []) or []:
            name = case.get("alertname")
            if name not in names:
                problems.add("alerts_test.yaml",
                             f"a case for {name}, which alerts.yaml lacks")
            (firing if case.get("exp_alerts") else quiet).add(name)
    for name in names:
        if name not in firing:
            problems.add("alerts_test.yaml", f"no case where {name} fires")
        if name not in quiet:
            problems.add("alerts_test.yaml",
                         f"no case where {name} does not fire")
    return rules


def static(directory):
    problems = Problems()
    dashboards = check_dashboards(directory, problems)
    rules = check_alerts(directory, problems)
    for p in problems.items:
        print(f"FAIL {p}")
    panels = sum(1 for _, d in dashboards for _ in dashboard_queries(d))
    print(f"static: {len(dashboards)} dashboards ({panels} queries), "
          f"{len(rules)} alerts (runbooks, unit tests): "
          f"{'ok' if not problems.items else f'{len(problems.items)} problems'}")
    return 1 if problems.items else 0


def queries(directory):
    for name, d in load_dashboards(directory):
        values = dict(GLOBALS)
        for v in variables(d):
            values.setdefault(v["name"], v.get("allValue") or f"<{v['name']}>")
        for where, expr, _ in dashboard_queries(d):
            print(f"# {name} {where}\n{substitute(expr, values)}\n")
    return 0


# ----------------------------------------------------------------------- live

class Prometheus:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def get(self, path, **params):
        url = f"{self.url}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:  # 400/422 carry a JSON error
            try:
                return json.load(e)
            except ValueError:
                return {"status": "error", "error": f"HTTP {e.code}"}

    def query(self, expr):
        """(problem or None, result count)."""
        r = self.get("/api/v1/query", query=expr)
        if r.get("status") != "success":
            return (f"{r.get('errorType', 'error')}: {r.get('error')}", 0)
        data = r["data"]
        if data["resultType"] in ("vector", "matrix"):
            return (None, len(data["result"]))
        return (None, 1)  # a scalar or string is a value


KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan"}


def metric_names(expr):
    """The metric names a PromQL expression selects (a plain reading:
    strings, label matchers, ranges and grouping clauses removed, then the
    identifiers that are no function, keyword or number)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)",
               " ", e)
    names = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?", e):
        word, call = m.group(1), m.group(2)
        if call or word.lower() in KEYWORDS:
            continue
        names.add(word)
    for m in re.finditer(r'__name__\s*=\s*"([^"]+)"', expr):
        names.add(m.group(1))
    return names


def resolve_variables(prom, dashboard, job):
    """Values as Grafana would pick them: a variable's query runs with the
    earlier ones in place; `All` where it may (its allValue), otherwise the
    first value, or `job` for the job variable."""
    values = dict(GLOBALS)
    problems = []
    for v in variables(dashboard):
        name = v.get("name")
        if v.get("type") == "datasource":
            values[name] = "prometheus"
            continue
        if v.get("type") != "query":
            values[name] = str((v.get("current") or {}).get("value", ""))
            continue
        q = substitute(variable_query(v), values)
        m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", q)
        if not m:
            problems.append((f"variable {name}", q,
                             "not label_values(selector, label)"))
            values[name] = ""
            continue
        promql = f"count by ({m.group(2)}) ({m.group(1)})"
        r = prom.get("/api/v1/query", query=promql)
        found = []
        if r.get("status") == "success":
            found = sorted(x["metric"].get(m.group(2), "")
                           for x in r["data"]["result"])
        if not found:
            problems.append((f"variable {name}", promql,
                             r.get("error") or "no values"))
        if v.get("includeAll") and v.get("allValue"):
            values[name] = v["allValue"]
        elif name == "job" and job in found:
            values[name] = job
        else:
            values[name] = found[0] if found else ""
    return values, problems


def live(directory, url, job, timeout):
    prom = Prometheus(url)
    dashboards = load_dashboards(directory)
    rules = load_alerts(directory)
    deadline = time.monotonic() + timeout
    while True:
        failures, passed = [], 0
        # Dashboard variables and panel queries: parse, and data.
        for name, d in dashboards:
            values, problems = resolve_variables(prom, d, job)
            for where, q, why in problems:
                failures.append((f"dashboards/{name} {where}", q, why))
            passed += len(variables(d)) - len(problems)
            for where, expr, _ in dashboard_queries(d):
                q = substitute(expr, values)
                problem, count = prom.query(q)
                if problem is None and count == 0:
                    problem = "no series"
                if problem:
                    failures.append((f"dashboards/{name} {where}", q, problem))
                else:
                    passed += 1
        # Alert expressions: parse, and only metrics that exist.
        scraped = set(prom.get("/api/v1/label/__name__/values")
                      .get("data") or [])
        for rule in rules:
            where = f"alerts.yaml {rule['alert']}"
            problem, _ = prom.query(rule["expr"])
            missing = sorted(metric_names(rule["expr"]) - scraped)
            if problem is None and missing:
                problem = f"no such metric scraped: {', '.join(missing)}"
            if problem:
                failures.append((where, rule["expr"].strip(), problem))
            else:
                passed += 1
        # The rules as Prometheus loaded them.
        r = prom.get("/api/v1/rules", type="alert")
        loaded = {}
        for group in (r.get("data") or {}).get("groups", []):
            for rule in group.get("rules", []):
                loaded[rule["name"]] = rule
        for rule in rules:
            where = f"alerts.yaml {rule['alert']} (as loaded)"
            got = loaded.get(rule["alert"])
            if got is None:
                failures.append((where, "", "not loaded by Prometheus"))
            elif got.get("health") != "ok":
                failures.append((where, got.get("query", ""),
                                 f"health {got.get('health')}: "
                                 f"{got.get('lastError', '')}"))
            elif got.get("state") != "inactive":
                failures.append((where, got.get("query", ""),
                                 f"{got.get('state')} against a healthy "
                                 "server with ordinary traffic"))
            else:
                passed += 1
        if not failures or time.monotonic() >= deadline:
            break
        time.sleep(1)
    for where, q, why in failures:
        print(f"FAIL {where}: {why}\n  query: {q}")
    print(f"live: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "static":
        return static(argv[2])
    if len(argv) >= 3 and argv[1] == "queries":
        return queries(argv[2])
    if len(argv) >= 4 and argv[1] == "live":
        job, timeout = "wmo-server", 30.0
        rest = argv[4:]
        while rest:
            flag = rest.pop(0)
            if flag == "--job" and rest:
                job = rest.pop(0)
            elif flag == "--timeout" and rest:
                timeout = float(rest.pop(0))
            else:
                print(f"unknown argument {flag}", file=sys.stderr)
                return 2
        return live(argv[2], argv[3], job, timeout)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
